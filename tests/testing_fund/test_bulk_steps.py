"""Bulk steps on batches (testing_fund.services.bulk): approving several requests (each
reserving its cost, the fund's balance still refusing per row), recording a round's sampling
from one sheet or one form, and a lab receiving several samples. Per row done or refused with
the single step's refusal; refused rows untouched; other cooperatives' and other labs' batches
not found; roles checked; queries a constant plus a constant per row."""

import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from coop.models import StepEvent
from coop.tenancy import scope, unscoped
from members.models import Member
from standards.models import Indicator, Standard
from testing_fund.models import Batch, LabPrice, LedgerEntry
from testing_fund.services import fund as money
from testing_fund.services import rounds
from tests.factories import InstitutionFactory, MemberFactory, UserFactory
from tests.testing_fund.conftest import request, sample


def fresh(batch):
    with unscoped():
        return Batch.objects.get(pk=batch.pk)


def steps_of(batch):
    with unscoped():
        return list(
            StepEvent.objects.filter(workflow="batch", object_id=batch.pk)
            .order_by("at", "id")
            .values_list("step", flat=True)
        )


def reservations(batch):
    with unscoped():
        return LedgerEntry.objects.filter(batch=batch, kind="reservation").count()


@pytest.fixture
def theirs(coop_b, priced):
    """A request of coop B's member, tested by coop B's lab (priced like coop A's)."""
    lab = coop_b.lab.institution
    LabPrice.objects.bulk_create(
        LabPrice(institution=lab, indicator=indicator, price=Decimal("100.00"))
        for indicator in Indicator.objects.all()
    )
    return request(coop_b)


def requests_of(coop_a, count):
    """``count`` requests of ¥300, each of its own member (the free quota is per member)."""
    members = [coop_a.member] + [
        MemberFactory(cooperative=coop_a.cooperative) for _ in range(count - 1)
    ]
    return [request(coop_a, member) for member in members]


# Approving several requests


def approve_path(tenant):
    return f"/api/v1/coops/{tenant.slug}/batches/bulk/approve/"


def test_approving_several_reserves_each_and_refuses_the_one_the_fund_cannot_pay(
    coop_a, priced, theirs, api
):
    first, second, third, fourth = requests_of(coop_a, 4)  # ¥1,200 asked of ¥1,000
    ids = [first.pk, second.pk, third.pk, fourth.pk, theirs.pk, 987_654]
    response = api(coop_a.admin).post(approve_path(coop_a), {"ids": ids}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert [row["outcome"] for row in body["rows"]] == ["done"] * 3 + ["refused"] * 3
    for batch in (first, second, third):
        assert fresh(batch).status == "approved" and reservations(batch) == 1
    # The fourth: refused with the single step's own words, left as it was.
    refused = body["rows"][3]
    assert "¥100.00" in refused["reason"] and "¥300.00" in refused["reason"]
    assert fresh(fourth).status == "requested"
    assert reservations(fourth) == 0 and steps_of(fourth) == ["request"]
    single = api(coop_a.admin).post(
        f"/api/v1/coops/{coop_a.slug}/batches/{fourth.pk}/approve/", {}, format="json"
    )
    assert single.status_code == 409 and single.json()["detail"] == refused["reason"]
    # Another cooperative's batch and an unknown id: not found, never touched.
    assert body["rows"][4]["reason"] == body["rows"][5]["reason"]
    assert body["rows"][4]["reason"].startswith("未找到")
    assert fresh(theirs).status == "requested" and reservations(theirs) == 0


@pytest.mark.parametrize("role", ["supervisor", "enterprise", "lab"])
def test_only_an_administrator_approves_in_bulk(coop_a, priced, api, role):
    batch = request(coop_a)
    response = api(coop_a.users()[role]).post(
        approve_path(coop_a), {"ids": [batch.pk]}, format="json"
    )
    assert response.status_code == 403
    assert fresh(batch).status == "requested"


def test_another_cooperatives_administrator_cannot_reach_the_address(coop_a, coop_b, priced, api):
    batch = request(coop_a)
    response = api(coop_b.admin).post(approve_path(coop_a), {"ids": [batch.pk]}, format="json")
    assert response.status_code == 404
    assert fresh(batch).status == "requested"


@pytest.mark.parametrize(
    "body, field",
    [({}, "ids"), ({"ids": "x"}, "ids"), ({"ids": [1] * 501}, "ids"), ({"ids": [-1]}, "ids")],
)
def test_a_bad_body_is_a_400_naming_the_field(coop_a, api, body, field):
    response = api(coop_a.admin).post(approve_path(coop_a), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_too_many_ids_are_refused_with_the_cap(coop_a, api):
    response = api(coop_a.admin).post(
        approve_path(coop_a), {"ids": list(range(1, 502))}, format="json"
    )
    assert response.status_code == 400
    assert "500" in json.dumps(response.json(), ensure_ascii=False)


def approval_queries(coop_a, api, count):
    batches = requests_of(coop_a, count)
    client = api(coop_a.admin)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            approve_path(coop_a), {"ids": [b.pk for b in batches]}, format="json"
        )
    assert response.json()["done"] == count
    return len(captured)


def test_approving_costs_a_constant_plus_a_constant_per_row(coop_a, priced, api):
    with scope({coop_a.cooperative.pk}):
        money.adjust(fund=priced, actor=coop_a.admin, amount=Decimal(20000), reason="追加拨款")
    five = approval_queries(coop_a, api, 5)
    twenty = approval_queries(coop_a, api, 20)
    # Per batch: savepoint, lock (with member, lab, standard), the fund's lock, the quota's
    # count, the balance, the reservation, the save, the event, release; after its commit, the
    # dashboard figures of its cooperative marked stale (supervision/kept_figures.py).
    per_row = 10
    assert twenty - five == 15 * per_row
    # The token with its user, the cooperative, the batches in one query and their results.
    assert five == 4 + 5 * per_row


def test_the_tests_list_offers_the_requests_to_tick_and_answers_per_row(
    coop_a, priced, theirs, client
):
    first, second, third, fourth = requests_of(coop_a, 4)
    client.force_login(coop_a.admin)
    page = client.get(f"/c/{coop_a.slug}/tests/?status=requested").content.decode()
    assert f'name="ids" value="{first.pk}"' in page
    assert "批准所勾选的检测申请" in page
    response = client.post(
        f"/c/{coop_a.slug}/tests/bulk/approve/",
        {"ids": [first.pk, second.pk, third.pk, fourth.pk, theirs.pk]},
    )
    assert response.status_code == 200
    answer = response.content.decode()
    assert answer.count('class="outcome-done"') == 3
    assert answer.count('class="outcome-refused"') == 2
    assert "基金" in answer  # the fund's refusal, beside the fourth
    assert fresh(fourth).status == "requested" and fresh(theirs).status == "requested"


def test_the_supervisor_sees_no_ticks_and_cannot_post(coop_a, priced, client):
    batch = request(coop_a)
    client.force_login(coop_a.supervisor)
    assert 'name="ids"' not in client.get(f"/c/{coop_a.slug}/tests/").content.decode()
    response = client.post(f"/c/{coop_a.slug}/tests/bulk/approve/", {"ids": [batch.pk]})
    assert response.status_code == 403
    assert fresh(batch).status == "requested"


# A lab receives several samples


@pytest.fixture
def sealed(coop_a, priced):
    """Two sampled batches of coop A's lab, one approved not yet sampled, and one sampled
    batch of another lab serving coop A."""
    first, second, unsampled = requests_of(coop_a, 3)
    with scope({coop_a.cooperative.pk}):
        sample(coop_a, first)
        sample(coop_a, second)
        from testing_fund.services import batches

        batches.approve(batch=unsampled, actor=coop_a.admin)
    other_lab = InstitutionFactory()
    other_lab.cooperatives.add(coop_a.cooperative)
    LabPrice.objects.bulk_create(
        LabPrice(institution=other_lab, indicator=indicator, price=Decimal("10.00"))
        for indicator in Indicator.objects.all()
    )
    with unscoped():
        standard = Standard.objects.get(code="GB 18401-2010")
    with scope({coop_a.cooperative.pk}):
        from testing_fund.services import batches

        elsewhere = batches.request_batch(
            member=coop_a.member,
            actor=coop_a.admin,
            standard=standard,
            lab=other_lab,
            product="毛巾",
            safety_category="B",
            indicators=list(Indicator.objects.filter(code__in=["ph"])),
        )
        sample(coop_a, elsewhere)
    return {"first": first, "second": second, "unsampled": unsampled, "elsewhere": elsewhere}


@pytest.mark.parametrize(
    "path", ["/api/v1/coops/coop-a/batches/bulk/receive/", "/api/v1/labs/batches/bulk/receive/"]
)
def test_the_lab_receives_its_samples_and_is_refused_the_others(coop_a, sealed, api, path):
    names = ["first", "unsampled", "elsewhere", "second"]
    response = api(coop_a.lab).post(path, {"ids": [sealed[n].pk for n in names]}, format="json")
    assert response.status_code == 200
    rows = dict(zip(names, response.json()["rows"], strict=True))
    assert rows["first"]["outcome"] == rows["second"]["outcome"] == "done"
    assert fresh(sealed["first"]).status == fresh(sealed["second"]).status == "received"
    assert "抽样" in rows["unsampled"]["reason"]  # "…only one that is sampled and sealed"
    assert fresh(sealed["unsampled"]).status == "approved"
    assert rows["elsewhere"]["reason"].startswith("未找到")  # another lab's
    assert fresh(sealed["elsewhere"]).status == "sampled"


@pytest.mark.parametrize("role", ["admin", "supervisor", "enterprise"])
def test_only_the_lab_receives(coop_a, sealed, api, role):
    response = api(coop_a.users()[role]).post(
        f"/api/v1/coops/{coop_a.slug}/batches/bulk/receive/",
        {"ids": [sealed["first"].pk]},
        format="json",
    )
    assert response.status_code == 403
    assert fresh(sealed["first"]).status == "sampled"


def test_another_labs_technician_finds_none_of_them(coop_a, sealed, api):
    other = UserFactory(role="lab_technician", institution=fresh(sealed["elsewhere"]).lab)
    response = api(other).post(
        "/api/v1/labs/batches/bulk/receive/", {"ids": [sealed["first"].pk]}, format="json"
    )
    assert response.json()["rows"][0]["reason"].startswith("未找到")
    assert fresh(sealed["first"]).status == "sampled"


def test_the_lab_worklist_ticks_and_receives(coop_a, coop_b, sealed, client):
    client.force_login(coop_a.lab)
    page = client.get("/lab/").content.decode()
    assert f'name="ids" value="{sealed["first"].pk}"' in page
    assert f'name="ids" value="{sealed["unsampled"].pk}"' not in page
    response = client.post(
        "/lab/bulk/receive/", {"ids": [sealed["first"].pk, sealed["elsewhere"].pk]}
    )
    answer = response.content.decode()
    assert answer.count('class="outcome-done"') == 1
    assert answer.count('class="outcome-refused"') == 1
    assert fresh(sealed["first"]).status == "received"
    assert fresh(sealed["elsewhere"]).status == "sampled"
    client.force_login(coop_b.lab)
    response = client.post("/lab/bulk/receive/", {"ids": [sealed["second"].pk]})
    assert 'class="outcome-refused"' in response.content.decode()
    assert fresh(sealed["second"]).status == "sampled"


# Recording the sampling


def test_the_api_records_each_batchs_own_sampling(coop_a, priced, api):
    good, incomplete = requests_of(coop_a, 2)
    with scope({coop_a.cooperative.pk}):
        from testing_fund.services import batches

        batches.approve(batch=good, actor=coop_a.admin)
        batches.approve(batch=incomplete, actor=coop_a.admin)
    response = api(coop_a.admin).post(
        f"/api/v1/coops/{coop_a.slug}/batches/bulk/sample/",
        {
            "rows": [
                {
                    "id": good.pk,
                    "sampled_product": "床笠",
                    "lot_number": "L-2026-11",
                    "quantity": "2 套",
                    "seal_number": "FY-0101",
                    "sampling_place": "成品仓库",
                    "samplers": "王建华、李明",
                    "backup_kept": True,
                    "member_signatory": "张红",
                },
                {"id": incomplete.pk, "seal_number": "FY-0102", "samplers": "王建华"},
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    done, refused = response.json()["rows"]
    assert done["outcome"] == "done"
    taken = fresh(good)
    assert (taken.status, taken.sampled_product, taken.product) == ("sampled", "床笠", "四件套")
    assert (taken.lot_number, taken.quantity, taken.seal_number) == ("L-2026-11", "2 套", "FY-0101")
    assert taken.samplers == "王建华、李明" and taken.backup_kept
    assert taken.member_signatory == "张红"
    assert refused["outcome"] == "refused"
    assert list(refused["errors"]) == ["samplers"]
    assert fresh(incomplete).status == "approved" and fresh(incomplete).seal_number == ""


def test_a_bad_sampling_row_is_a_400_naming_the_row_field(coop_a, api):
    response = api(coop_a.admin).post(
        f"/api/v1/coops/{coop_a.slug}/batches/bulk/sample/",
        {"rows": [{"id": "x"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "id" in json.dumps(response.json()["rows"])


@pytest.fixture
def booked_round(coop_a, priced):
    """A confirmed round of coop A with four batches awaiting their sampling."""
    with scope({coop_a.cooperative.pk}):
        money.adjust(fund=priced, actor=coop_a.admin, amount=Decimal(99000), reason="追加拨款")
    for _ in range(7):
        MemberFactory(cooperative=coop_a.cooperative)
    with unscoped():
        standard = Standard.objects.get(code="GB 18401-2010")
        # What each member registered as its main products: the round books the first.
        Member.objects.filter(cooperative=coop_a.cooperative, main_products="").update(
            main_products="床上用品四件套、被芯"
        )
    with scope({coop_a.cooperative.pk}):
        planned = rounds.preview_round(
            cooperative=coop_a.cooperative,
            actor=coop_a.admin,
            name="2026年第四季度监督抽查",
            coverage=Decimal("0.5"),
            lab=coop_a.lab.institution,
            standard=standard,
            seed=3,
        )
        rounds.confirm_round(sampling_round=planned, actor=coop_a.admin)
        booked = list(Batch.objects.filter(sampling_round=planned).order_by("member__name", "pk"))
    assert len(booked) == 4
    return planned, booked


def template_of(client, tenant, sampling_round):
    response = client.get(f"/c/{tenant.slug}/rounds/{sampling_round.pk}/sampling.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.getvalue()))


# The session, the user, the cooperative of the URL, the round, and its batches with their
# members (one query, read in chunks as the file is written): however many batches.
SHEET_QUERIES = 5


def test_the_round_sheet_makes_as_many_queries_for_four_batches_as_for_ten(
    coop_a, booked_round, client, django_assert_num_queries
):
    sampling_round, booked = booked_round
    client.force_login(coop_a.admin)
    url = f"/c/{coop_a.slug}/rounds/{sampling_round.pk}/sampling.xlsx"
    client.get(url).getvalue()  # the session and the user are read once on the first request
    with django_assert_num_queries(SHEET_QUERIES):
        response = client.get(url)
        assert response.streaming  # written to a temporary file as the rows come
        assert load_workbook(io.BytesIO(response.getvalue())).worksheets[0].max_row == 1 + 4
    more = [request(coop_a, MemberFactory(cooperative=coop_a.cooperative)) for _ in range(6)]
    with unscoped():
        Batch.objects.filter(pk__in=[b.pk for b in more]).update(
            sampling_round=sampling_round, status=Batch.Status.APPROVED
        )
    with django_assert_num_queries(SHEET_QUERIES):
        book = load_workbook(io.BytesIO(client.get(url).getvalue()))
    assert book.worksheets[0].max_row == 1 + 10


def filled(book):
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "sampling.xlsx"
    return buffer


def test_the_round_sheet_is_prefilled_and_read_back_with_per_cell_errors(
    coop_a, booked_round, client
):
    sampling_round, booked = booked_round
    other = request(coop_a)  # coop A's, but not of this round
    client.force_login(coop_a.admin)
    book = template_of(client, coop_a, sampling_round)
    sheet = book.worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    assert headings[:4] == ["批次编号", "社员单位", "申请或预定产品", "实际抽取产品"]
    assert "填写说明" in book.sheetnames
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [b.pk for b in booked]
    column = {heading: i + 1 for i, heading in enumerate(headings)}

    def fill(line, **cells):
        for heading, value in cells.items():
            sheet.cell(row=line, column=column[heading], value=value)

    fill(2, 实际抽取产品="床笠", 封样编号="FY-1", 抽样人员="王建华、李明", 留存备样="是")
    fill(3, 封样编号="FY-2", 抽样人员="王建华、李明", 留存备样="也许")  # unreadable cell
    fill(4, 封样编号="FY-3")  # one sampler missing: the step's own rule
    # line 5 left as it was: not sampled yet, skipped
    sheet.append([other.pk, "", "", "", "", "", "FY-9", "", "王建华、李明", "否"])  # line 6
    sheet.append(["abc", "", "", "", "", "", "FY-10", "", "王建华、李明", "否"])  # line 7
    response = client.post(
        f"/c/{coop_a.slug}/rounds/{sampling_round.pk}/sampling/", {"sheet": filled(book)}
    )
    assert response.status_code == 200
    answer = response.content.decode()
    assert answer.count('class="outcome-done"') == 1
    assert answer.count('class="outcome-refused"') == 4
    assert "留存备样：请填写“是”或“否”，而不是“也许”。" in answer
    assert "抽样人员：请填写至少两名抽样人员。" in answer
    assert "批次编号：“abc”不是批次编号。" in answer
    assert "未找到" in answer  # a batch of another round
    taken = fresh(booked[0])
    assert (taken.status, taken.sampled_product, taken.seal_number) == ("sampled", "床笠", "FY-1")
    assert taken.backup_kept
    for untouched in (booked[1], booked[2], booked[3], other):
        assert fresh(untouched).status in ("approved", "requested")
        assert fresh(untouched).seal_number == ""


def test_a_sheet_that_cannot_be_read_is_refused_whole(coop_a, booked_round, client):
    sampling_round, booked = booked_round
    client.force_login(coop_a.admin)
    junk = io.BytesIO(b"not a workbook")
    junk.name = "sampling.xlsx"
    response = client.post(
        f"/c/{coop_a.slug}/rounds/{sampling_round.pk}/sampling/", {"sheet": junk}
    )
    assert response.status_code == 400
    assert "无法读取该 XLSX 文件" in response.content.decode()
    book = Workbook()
    book.active.append(["名称", "地址"])
    response = client.post(
        f"/c/{coop_a.slug}/rounds/{sampling_round.pk}/sampling/", {"sheet": filled(book)}
    )
    assert response.status_code == 400
    assert "批次编号" in response.content.decode()
    assert all(fresh(b).status == "approved" for b in booked)


def test_the_round_page_records_the_sampling_from_its_table_form(coop_a, booked_round, client):
    sampling_round, booked = booked_round
    client.force_login(coop_a.admin)
    page = client.get(f"/c/{coop_a.slug}/rounds/{sampling_round.pk}/").content.decode()
    for batch in booked:
        assert f'name="seal_number-{batch.pk}"' in page
    first, second = booked[0].pk, booked[1].pk
    data = {
        "ids": [b.pk for b in booked],
        f"sampled_product-{first}": "床笠",
        f"seal_number-{first}": "FY-1",
        f"samplers-{first}": "王建华，李明",
        f"backup_kept-{first}": "true",
        f"seal_number-{second}": "FY-2",
        f"samplers-{second}": "王建华",
    }
    response = client.post(f"/c/{coop_a.slug}/rounds/{sampling_round.pk}/sampling/", data)
    answer = response.content.decode()
    assert answer.count('class="outcome-done"') == 1
    assert answer.count('class="outcome-refused"') == 1
    assert "抽样人员：请填写至少两名抽样人员。" in answer
    assert fresh(booked[0]).samplers == "王建华、李明"
    assert fresh(booked[1]).status == "approved"
    assert fresh(booked[2]).status == "approved"  # left empty: not taken


def test_an_empty_table_form_is_refused(coop_a, booked_round, client):
    sampling_round, booked = booked_round
    client.force_login(coop_a.admin)
    response = client.post(
        f"/c/{coop_a.slug}/rounds/{sampling_round.pk}/sampling/", {"ids": [booked[0].pk]}
    )
    assert response.status_code == 400
    assert "请至少填写一个批次的封样编号和抽样人员" in response.content.decode()


def test_the_rounds_sampling_is_out_of_reach_of_others(coop_a, coop_b, booked_round, client):
    sampling_round, booked = booked_round
    client.force_login(coop_b.admin)
    assert (
        client.get(f"/c/{coop_a.slug}/rounds/{sampling_round.pk}/sampling.xlsx").status_code == 404
    )
    assert (
        client.get(f"/c/{coop_b.slug}/rounds/{sampling_round.pk}/sampling.xlsx").status_code == 404
    )
    data = {
        "ids": [booked[0].pk],
        f"seal_number-{booked[0].pk}": "FY-1",
        f"samplers-{booked[0].pk}": "王建华、李明",
    }
    assert (
        client.post(f"/c/{coop_a.slug}/rounds/{sampling_round.pk}/sampling/", data).status_code
        == 404
    )
    client.force_login(coop_a.supervisor)
    assert (
        client.post(f"/c/{coop_a.slug}/rounds/{sampling_round.pk}/sampling/", data).status_code
        == 403
    )
    page = client.get(f"/c/{coop_a.slug}/rounds/{sampling_round.pk}/").content.decode()
    assert "seal_number-" not in page  # the form is the administrators'
    assert fresh(booked[0]).status == "approved"
