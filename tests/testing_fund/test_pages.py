"""The testing fund's pages: the workflow by every role in HTML, refusals shown as messages,
the fund, rounds and statistics pages, isolation and pinned query counts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coop.models import AuditRecord
from coop.tenancy import scope, unscoped
from standards.models import Indicator, Standard
from testing_fund.models import Batch, Fund, LedgerEntry, SamplingRound
from testing_fund.services import batches, rounds
from testing_fund.services.fund import adjust
from testing_fund.tasks import issue_test_report
from tests.factories import InstitutionFactory, MemberFactory, UserFactory
from tests.testing_fund.conftest import THREE, request, sample

TESTS = "/c/coop-a/tests/"
PASSING = {"formaldehyde": "30", "ph": "6.5", "odour": "none"}


def gb18401():
    with unscoped():
        return Standard.objects.get(code="GB 18401-2010")


def as_user(client, user):
    client.force_login(user)
    return client


def take(client, user, batch_id, verb, **data):
    """Take a step through its page form; the answer is the page it lands on."""
    return as_user(client, user).post(f"{TESTS}{batch_id}/{verb}/", data, follow=True)


def said(response):
    return [str(message) for message in response.context["messages"]]


def enter(client, tenant, batch_id, readings):
    data = {f"value-{code}": value for code, value in readings.items()}
    return take(client, tenant.lab, batch_id, "enter", **data)


def request_through_the_page(client, tenant):
    as_user(client, tenant.enterprise)
    standard = gb18401().pk
    form = client.get(f"{TESTS}request/", {"standard": standard})
    offered = [str(choice) for choice in form.context["form"].fields["indicators"].queryset]
    assert "甲醛含量" in offered and len(offered) == 9  # the standard's limited indicators
    with unscoped():
        picked = list(Indicator.objects.filter(code__in=THREE).values_list("pk", flat=True))
    response = client.post(
        f"{TESTS}request/?standard={standard}",
        {
            "product": "四件套",
            "safety_category": "B",
            "lab": tenant.lab.institution_id,
            "delivery": "delivery",
            "indicators": picked,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return int(response["Location"].rstrip("/").split("/")[-1])


def to_entered(client, tenant, readings):
    batch = request_through_the_page(client, tenant)
    take(client, tenant.admin, batch, "approve")
    take(
        client,
        tenant.admin,
        batch,
        "sample",
        seal_number="FY-9",
        samplers="王建华、李明",
        sampling_place="仓库",
        backup_kept="on",
    )
    take(client, tenant.lab, batch, "receive")
    enter(client, tenant, batch, readings)
    return batch


def test_a_passing_test_from_request_to_report_through_the_pages(coop_a, priced, client):
    batch = to_entered(client, coop_a, PASSING)
    refused = take(client, coop_a.lab, batch, "verify")
    assert said(refused) == ["检测结果须由第二人复核，录入人不能复核。"]
    done = take(client, coop_a.admin, batch, "verify")
    assert said(done) == ["已完成：审核结果。"]
    take(client, coop_a.admin, batch, "report")
    issue_test_report(coop_a.cooperative.pk, batch)  # the task the report step queues
    page = as_user(client, coop_a.enterprise).get(f"{TESTS}{batch}/")
    html = page.content.decode()
    assert page.context["batch"].passed is True and "合格" in html
    assert page.context["report"] is not None
    download = client.get(f"/c/coop-a/documents/{page.context['report'].number}/")
    assert download["Content-Type"] == "application/pdf"
    assert [form["step"].name for form in page.context["step_forms"]] == ["object"]
    history = [event.said for event in page.context["history"]]
    assert history == [
        "已申请",
        "已批准",
        "已抽样封样",
        "实验室已收样",
        "结果已录入",
        "已复核",
        "报告已出具",
    ]


def test_a_failure_goes_to_rectification_and_a_free_reinspection(coop_a, priced, client):
    batch = to_entered(client, coop_a, dict(PASSING, formaldehyde="96"))
    take(client, coop_a.admin, batch, "verify")
    take(client, coop_a.admin, batch, "report")
    notice = take(
        client,
        coop_a.admin,
        batch,
        "rectification",
        notice="甲醛超标，请整改。",
        due_on=(date.today() + timedelta(days=30)).isoformat(),
    )
    assert notice.context["batch"].passed is False
    early = take(client, coop_a.admin, batch, "reinspect")
    with unscoped():
        paid = Batch.objects.get(reinspection_of=batch)
    assert paid.paid_by_member and not paid.free_reinspection  # ordered before the answer
    assert early.context["batch"].pk == paid.pk
    empty = take(client, coop_a.enterprise, batch, "answer", answer=" ")
    assert said(empty) == ["请说明整改情况。"]
    take(client, coop_a.enterprise, batch, "answer", answer="更换助剂供应商，已复产。")
    with unscoped():
        Batch.objects.filter(pk=paid.pk).update(status="cancelled")  # the paid one withdrawn
    take(client, coop_a.admin, batch, "reinspect")
    with unscoped():
        free = Batch.objects.filter(reinspection_of=batch).exclude(pk=paid.pk).get()
    assert free.free_reinspection and not free.paid_by_member


def test_an_objection_is_filed_and_decided_on_the_page(coop_a, priced, client):
    batch = to_entered(client, coop_a, PASSING)
    take(client, coop_a.admin, batch, "verify")
    take(client, coop_a.admin, batch, "report")
    take(client, coop_a.enterprise, batch, "object", reason="样品非本批次")
    refused = take(client, coop_a.admin, batch, "close")
    assert said(refused) == ["请先对社员的异议作出决定，再结案。"]
    take(client, coop_a.admin, batch, "decide", upheld="0", reason="封样记录完整")
    closed = take(client, coop_a.admin, batch, "close")
    assert closed.context["batch"].status == "closed"
    assert closed.context["batch"].objection.decision == "dismissed"


def test_a_step_out_of_turn_or_role_is_refused_with_a_message(coop_a, priced, client):
    batch = request(coop_a)
    out_of_turn = take(client, coop_a.admin, batch.pk, "report")
    assert said(out_of_turn) == [
        "批次当前状态为“已申请”，不能出具报告：只有状态为“已复核”的批次可以。"
    ]
    wrong_role = take(client, coop_a.enterprise, batch.pk, "approve")
    assert said(wrong_role) == ["您的角色不能执行此操作。"]
    with unscoped():
        assert Batch.objects.get(pk=batch.pk).status == "requested"


def test_a_request_over_quota_is_refused_on_approval_saying_why(coop_a, priced, client):
    # Both requested while a free test was left (a request counts once approved); the
    # first one's approval spends it, so approval refuses the second.
    first, second = request(coop_a), request(coop_a)
    with scope({coop_a.cooperative.pk}):
        Fund.objects.filter(pk=priced.pk).update(free_quota=1)
        sample(coop_a, first)
    refused = take(client, coop_a.admin, second.pk, "approve")
    assert "免费" in said(refused)[0] and "1" in said(refused)[0]


def test_the_lab_worklist_shows_only_its_own_batches(coop_a, coop_b, priced, client):
    mine = request(coop_a)
    with scope({coop_a.cooperative.pk}):
        sample(coop_a, mine)
    page = as_user(client, coop_a.lab).get("/lab/")
    assert [batch.pk for batch in page.context["page"]] == [mine.pk]
    others = as_user(client, coop_b.lab).get("/lab/")
    assert list(others.context["page"]) == []
    assert as_user(client, coop_a.enterprise).get("/lab/").status_code == 403


def test_the_fund_page_records_money_and_the_quota_for_administrators_only(coop_a, priced, client):
    as_user(client, coop_a.admin)
    year = date.today().year
    client.post(
        f"/c/coop-a/fund/?year={year}",
        {
            "form": "appropriation",
            "source": "区财政局",
            "amount": "500",
            "on": date.today().isoformat(),
            "document_number": "财〔2026〕2号",
        },
    )
    overdrawn = client.post(
        f"/c/coop-a/fund/?year={year}", {"form": "adjustment", "amount": "-2000", "reason": "更正"}
    )
    assert "不能低于零" in str(overdrawn.context["adjustment_form"].non_field_errors())
    client.post(f"/c/coop-a/fund/?year={year}", {"form": "quota", "free_quota": "5"})
    page = client.get("/c/coop-a/fund/")
    assert page.context["totals"]["balance"] == "1500.00"
    assert page.context["fund"].free_quota == 5
    with unscoped():
        assert AuditRecord.objects.filter(action="fund_update", object_id=priced.pk).exists()
    too_many = client.post(f"/c/coop-a/fund/?year={year}", {"form": "quota", "free_quota": "6"})
    assert too_many.context["quota_form"].errors["free_quota"]
    as_user(client, coop_a.supervisor).post(
        "/c/coop-a/fund/", {"form": "adjustment", "amount": "100", "reason": "x"}
    )
    with unscoped():
        assert LedgerEntry.objects.filter(kind="adjustment").count() == 0


def test_a_round_is_previewed_and_confirmed_on_its_pages(coop_a, priced, client):
    top_up(coop_a, priced)
    for _ in range(9):
        MemberFactory(cooperative=coop_a.cooperative)
    as_user(client, coop_a.admin)
    planned = client.post(
        "/c/coop-a/rounds/",
        {
            "name": "第四季度监督抽查",
            "coverage": "20",
            "lab": coop_a.lab.institution_id,
            "standard": gb18401().pk,
            "safety_category": "B",
            "seed": "11",
        },
    )
    assert planned.status_code == 302
    page = client.get(planned["Location"])
    assert len(page.context["rows"]) == 2  # 20% of 10 active members
    assert all(row["name"] and row["reasons"] for row in page.context["rows"])
    # the stratum is said in words, not as the stored "district id/category code" key
    assert all(row["reasons"][0].startswith("分层抽样：") for row in page.context["rows"])
    assert "分层抽样：" in page.content.decode() and "/bedding" not in page.content.decode()
    refused = as_user(client, coop_a.supervisor).post(planned["Location"], follow=True)
    assert said(refused) == ["只有合作社管理员可以确认抽检轮次。"]
    as_user(client, coop_a.admin).post(planned["Location"])
    as_user(client, coop_a.admin).post(planned["Location"])  # again: nothing more is booked
    with unscoped():
        sampling_round = SamplingRound.objects.get()
        assert sampling_round.status == "confirmed"
        assert Batch.objects.filter(sampling_round=sampling_round).count() == 2
    listed = client.get(f"{TESTS}?round={sampling_round.pk}")
    assert listed.context["page"].paginator.count == 2


def test_the_statistics_page_shows_the_years_figures(coop_a, priced, client):
    batch = request(coop_a)
    with unscoped():
        Batch.objects.filter(pk=batch.pk).update(
            status="closed", passed=True, reported_on=date.today()
        )
    page = as_user(client, coop_a.supervisor).get("/c/coop-a/statistics/")
    assert page.context["figures"]["overall"] == {"total": 1, "passed": 1, "rate": 100.0}
    assert "100.0%" in page.content.decode()
    assert as_user(client, coop_a.enterprise).get("/c/coop-a/statistics/").status_code == 403


PRIVATE_PAGES = ["tests/", "tests/request/", "fund/", "rounds/", "statistics/"]


@pytest.mark.parametrize("role", ["supervisor", "admin", "lab", "enterprise"])
def test_no_testing_page_of_another_cooperative_opens(coop_a, coop_b, priced, client, role):
    theirs = request(coop_a)
    with scope({coop_a.cooperative.pk}):
        sampling_round = SamplingRound.objects.create(
            cooperative=coop_a.cooperative,
            name="r",
            coverage=Decimal("0.1"),
            seed=1,
            lab=coop_a.lab.institution,
            standard=gb18401(),
        )
    as_user(client, coop_b.users()[role])
    for path in [*PRIVATE_PAGES, f"tests/{theirs.pk}/", f"rounds/{sampling_round.pk}/"]:
        assert client.get(f"/c/coop-a/{path}").status_code == 404, path
    for verb in ("approve", "receive", "answer", "object"):
        response = client.post(f"/c/coop-a/tests/{theirs.pk}/{verb}/", {"reason": "x"})
        assert response.status_code == 404, verb
    # Nor through their own cooperative's address.
    for path in [f"tests/{theirs.pk}/", f"rounds/{sampling_round.pk}/"]:
        assert client.get(f"/c/coop-b/{path}").status_code in (403, 404), path
    with unscoped():
        assert Batch.objects.get(pk=theirs.pk).status == "requested"


def test_another_labs_technician_sees_nothing_of_a_batch(coop_a, priced, client):
    batch = request(coop_a)
    other_lab = InstitutionFactory()
    other_lab.cooperatives.add(coop_a.cooperative)  # serves the cooperative, not this batch
    as_user(client, UserFactory(role="lab_technician", institution=other_lab))
    assert client.get(f"{TESTS}{batch.pk}/").status_code == 404
    assert client.post(f"{TESTS}{batch.pk}/receive/").status_code == 404


def top_up(tenant, fund):
    with scope({tenant.cooperative.pk}):
        adjust(fund=fund, actor=tenant.admin, amount=Decimal(99000), reason="追加拨款")


def queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200, path
    return len(queries)


LIST_PAGES = {
    "admin": ["/c/coop-a/tests/", "/c/coop-a/tests/?status=requested", "/c/coop-a/fund/"],
    "enterprise": ["/c/coop-a/tests/"],
    "lab": ["/lab/"],
}


def test_the_list_pages_pin_their_query_counts(coop_a, priced, client):
    def counts():
        return {
            (role, path): queries_of(as_user(client, coop_a.users()[role]), path)
            for role, paths in LIST_PAGES.items()
            for path in paths
        }

    def add(count):
        for _ in range(count):
            member = MemberFactory(cooperative=coop_a.cooperative)
            with scope({coop_a.cooperative.pk}):
                batch = request(coop_a, member=member)
                sample(coop_a, batch)
                batches.receive(batch=batch, actor=coop_a.lab)
            request(coop_a)

    top_up(coop_a, priced)
    add(2)
    few = counts()
    add(6)
    assert counts() == few
    # the lists of batches count their tabs in one query (``selectors.state_counts``), then
    # read the page's ids and its rows; a list narrowed by a status counts its own rows
    assert few == {
        ("admin", "/c/coop-a/tests/"): 6,
        ("admin", "/c/coop-a/tests/?status=requested"): 7,
        ("admin", "/c/coop-a/fund/"): 12,
        ("enterprise", "/c/coop-a/tests/"): 7,
        ("lab", "/lab/"): 7,
    }


def test_the_round_pages_pin_their_query_counts(coop_a, priced, client):
    client.force_login(coop_a.admin)

    def plan(members):
        for _ in range(members):
            MemberFactory(cooperative=coop_a.cooperative)
        with scope({coop_a.cooperative.pk}):
            planned = SamplingRound.objects.create(
                cooperative=coop_a.cooperative,
                name="r",
                coverage=Decimal("1"),
                seed=1,
                lab=coop_a.lab.institution,
                standard=gb18401(),
            )
            planned.selection = rounds.select(
                rounds.candidates(coop_a.cooperative.pk), 1, Decimal("1")
            )
            planned.save()
        return {
            path: queries_of(client, path)
            for path in ("/c/coop-a/rounds/", f"/c/coop-a/rounds/{planned.pk}/")
        }

    few = plan(2)
    many = plan(6)
    # session, user, cooperative, then: the form's labs and standards, the count and the
    # rounds; or the round, the districts and categories its strata name (one query for
    # both), and the names of its page of members
    assert list(few.values()) == list(many.values()) == [7, 6]


def test_the_round_form_takes_coverage_in_per_cent_and_stores_the_fraction(coop_a, priced, client):
    top_up(coop_a, priced)
    for _ in range(9):
        MemberFactory(cooperative=coop_a.cooperative)
    as_user(client, coop_a.admin)
    page = client.get("/c/coop-a/rounds/")
    html = page.content.decode()
    # The lone lab is chosen already, and the seed is prefilled but folded under details.
    assert page.context["form"]["lab"].value() == coop_a.lab.institution_id
    assert '<option value="" selected>' not in html.split('name="lab"')[1].split("</select>")[0]
    seed = page.context["form"]["seed"].value()
    assert isinstance(seed, int) and html.index("<details") < html.index('name="seed"')
    assert "婴幼儿用品" in html
    body = {
        "name": "第四季度监督抽查",
        "coverage": "10",
        "lab": coop_a.lab.institution_id,
        "standard": gb18401().pk,
        "safety_category": "B",
        "seed": str(seed),
    }
    planned = client.post("/c/coop-a/rounds/", body)
    assert planned.status_code == 302
    with unscoped():
        sampling_round = SamplingRound.objects.get()
        assert sampling_round.coverage == Decimal("0.100") and sampling_round.seed == seed


@pytest.mark.parametrize("coverage", ["0", "101", "12.55", "ten", "1e1000000"])
def test_a_round_form_coverage_that_does_not_fit_is_refused_naming_it(
    coop_a, priced, client, coverage
):
    as_user(client, coop_a.admin)
    body = {
        "name": "第四季度监督抽查",
        "coverage": coverage,
        "lab": coop_a.lab.institution_id,
        "standard": gb18401().pk,
        "safety_category": "B",
        "seed": "11",
    }
    page = client.post("/c/coop-a/rounds/", body)
    assert page.status_code == 200
    errors = page.context["form"].errors["coverage"]
    assert errors and all("覆盖" in error or "%" in error for error in errors)
    with unscoped():
        assert not SamplingRound.objects.exists()
