"""The pages of bulk steps in Chromium at a phone's width (390 px) and a desktop's (1280 px):
ticking rows on the members' list, the tests' list and the lab's worklist, the round's sampling
form and sheet, and the answer with each row done or refused beside it (in red). Screenshots go
to test-artifacts/journeys/bulk-steps/; no page scrolls sideways as a whole."""

import io

import pytest
from openpyxl import load_workbook

from tests.factories import MemberFactory
from tests.testing_fund.test_bulk_steps import (  # noqa: F401  (fixtures)
    booked_round,
    requests_of,
    sealed,
)

WIDTHS = [390, 1280]


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def refused_in_red(page):
    colour = page.locator("tr.outcome-refused .bulk-reason").first.evaluate(
        "element => getComputedStyle(element).color"
    )
    return colour == "rgb(163, 39, 31)"  # --accent


@pytest.mark.django_db(transaction=True)
def test_the_bulk_pages_at_both_widths(coop_a, priced, booked_round, sealed, visit, tmp_path):  # noqa: F811
    sampling_round, booked = booked_round
    applications = {
        width: [
            MemberFactory(cooperative=coop_a.cooperative, status="applied", joined_on=None)
            for _ in range(2)
        ]
        for width in WIDTHS
    }
    requests = {width: requests_of(coop_a, 2) for width in WIDTHS}
    to_receive = {390: sealed["first"], 1280: sealed["second"]}
    for width in WIDTHS:
        tab = visit("bulk-steps", f"admin-{width}", width)
        tab.log_in("a-admin")
        page = tab.go("/c/coop-a/members/?status=applied")
        for member in applications[width]:
            page.locator(f'input[name="ids"][value="{member.pk}"]').check()
        tab.shot(f"members-ticked-{width}")
        assert fits(page), f"members' list scrolls sideways at {width}"
        page.get_by_role("button", name="批准所勾选的入社申请").click()
        page.wait_for_selector("table.bulk-outcomes")
        assert page.locator("tr.outcome-done").count() == 2
        tab.shot(f"members-admitted-{width}")
        assert fits(page)

        page = tab.go("/c/coop-a/tests/?status=requested")
        for batch in requests[width]:
            page.locator(f'input[name="ids"][value="{batch.pk}"]').check()
        tab.shot(f"tests-ticked-{width}")
        assert fits(page), f"tests' list scrolls sideways at {width}"
        page.get_by_role("button", name="批准所勾选的检测申请").click()
        page.wait_for_selector("table.bulk-outcomes")
        tab.shot(f"tests-approved-{width}")
        assert fits(page)

        page = tab.go(f"/c/coop-a/rounds/{sampling_round.pk}/")
        tab.shot(f"round-sampling-form-{width}")
        assert fits(page), f"round page scrolls sideways at {width}"
        if width == 1280:
            # The table form: one batch filled in well, one with a single sampler.
            first, second = booked[1].pk, booked[2].pk  # booked[0]: sampled at 390
            page.locator(f'input[name="seal_number-{first}"]').fill("FY-1")
            page.locator(f'input[name="samplers-{first}"]').fill("王建华、李明")
            page.locator(f'input[name="seal_number-{second}"]').fill("FY-2")
            page.locator(f'input[name="samplers-{second}"]').fill("王建华")
            page.get_by_role("button", name="登记已填写批次的抽样").click()
        else:
            with page.expect_download() as download:
                page.get_by_role("link", name="下载抽样登记表（XLSX）").click()
            book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
            sheet = book.worksheets[0]
            sheet.cell(row=2, column=7, value="FY-3")
            sheet.cell(row=2, column=9, value="王建华、李明")
            sheet.cell(row=3, column=7, value="FY-4")
            sheet.cell(row=3, column=9, value="王建华、李明")
            sheet.cell(row=3, column=10, value="也许")
            path = tmp_path / "sampling.xlsx"
            buffer = io.BytesIO()
            book.save(buffer)
            path.write_bytes(buffer.getvalue())
            page.locator('input[name="sheet"]').set_input_files(str(path))
            page.get_by_role("button", name="上传登记表").click()
        page.wait_for_selector("table.bulk-outcomes")
        assert page.locator("tr.outcome-refused").count() == 1
        assert refused_in_red(page)
        tab.shot(f"round-sampled-{width}")
        assert fits(page)

        lab = visit("bulk-steps", f"lab-{width}", width)
        lab.log_in("a-lab")
        page = lab.go("/lab/")
        page.locator(f'input[name="ids"][value="{to_receive[width].pk}"]').check()
        lab.shot(f"worklist-ticked-{width}")
        assert fits(page), f"lab worklist scrolls sideways at {width}"
        page.get_by_role("button", name="接收所勾选的样品").click()
        page.wait_for_selector("table.bulk-outcomes")
        assert page.locator("tr.outcome-done").count() == 1
        lab.shot(f"worklist-received-{width}")


@pytest.mark.django_db(transaction=True)
def test_select_all_ticks_every_row_of_the_page(coop_a, visit):
    """The header's box (a static script: the policy allows no inline one) ticks every row's
    box of the list, shows "some" when a row is unticked again, and the step takes them all."""
    applications = [
        MemberFactory(cooperative=coop_a.cooperative, status="applied", joined_on=None)
        for _ in range(3)
    ]
    tab = visit("bulk-steps", "tick-all-390", 390)
    tab.log_in("a-admin")
    page = tab.go("/c/coop-a/members/?status=applied")
    boxes = page.locator('tbody input[name="ids"]')
    assert boxes.count() == 3
    tick_all = page.get_by_role("checkbox", name="全选本页")
    assert tick_all.is_visible()
    tick_all.check()
    assert all(boxes.nth(i).is_checked() for i in range(3))
    boxes.first.uncheck()
    assert tick_all.evaluate("box => box.indeterminate") and not tick_all.is_checked()
    tick_all.check()
    assert all(boxes.nth(i).is_checked() for i in range(3))
    tab.shot("members-all-ticked-390")
    assert fits(page)
    page.get_by_role("button", name="批准所勾选的入社申请").click()
    page.wait_for_selector("table.bulk-outcomes")
    assert page.locator("tr.outcome-done").count() == len(applications)
