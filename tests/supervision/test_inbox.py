"""Each role's home (工作台) and ``GET /api/v1/me/inbox/``: the right groups with their counts,
first rows and links; another cooperative's work never shows; the queries do not grow with
the rows waiting."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from coop.tenancy import scope
from credit.models import Commitment
from credit.services import commitments, complaints
from members.models import Certification, Member
from standards import catalogue
from standards.models import Indicator
from supervision.inbox import inbox_for
from testing_fund.models import Batch, Fund, LabPrice, Rectification
from testing_fund.services import batches
from testing_fund.services import fund as money
from tests.credit.test_isolation import build
from tests.demo_data import seeded_for_the_module
from tests.factories import MemberFactory, UserFactory
from tests.testing_fund.conftest import request, sample

GOOD = {"formaldehyde": "30", "ph": "6.5", "odour": "无"}
TODAY = date.today()


def fund_for(tenant):
    """Lab prices and a funded year with room for many batches, for ``tenant``."""
    for indicator in Indicator.objects.all():
        LabPrice.objects.get_or_create(
            institution=tenant.lab.institution, indicator=indicator, price=Decimal("100.00")
        )
    with scope({tenant.cooperative.pk}):
        fund = Fund.objects.create(cooperative=tenant.cooperative, year=TODAY.year, free_quota=5)
        money.appropriate(
            fund=fund,
            actor=tenant.admin,
            source="区财政局",
            amount=Decimal(100000),
            on=TODAY,
            document_number="财〔2026〕1号",
        )


@pytest.fixture
def funded(coop_a, coop_b, transactional_db):
    catalogue.load()
    fund_for(coop_a)
    fund_for(coop_b)


def in_scope(tenant):
    return scope({tenant.cooperative.pk})


def member_of(tenant):
    return MemberFactory(cooperative=tenant.cooperative)


def admin_work(tenant, n=1):
    """``n`` of each kind of work an administrator does, made through the services: members
    applying, requests to approve, results to verify, results verified (a report to issue),
    complaints to triage, commitments to review, a certificate expiring and an overdue
    rectification notice."""
    lab = tenant.lab
    for _i in range(n):
        MemberFactory(cooperative=tenant.cooperative, status=Member.Status.APPLIED)
        request(tenant, member_of(tenant))
        entered = request(tenant, member_of(tenant))
        verified = request(tenant, member_of(tenant))
        failed = request(tenant, member_of(tenant))
        with in_scope(tenant):
            for batch in (entered, verified, failed):
                sample(tenant, batch)
                batches.receive(batch=batch, actor=lab)
                batches.enter_results(batch=batch, actor=lab, values=GOOD)
            checker = UserFactory(role="lab_technician", institution=lab.institution)
            batches.verify(batch=verified, actor=checker)
            # A failed report, set as the report would leave it (issuing renders a PDF).
            Batch.objects.filter(pk=failed.pk).update(
                status=Batch.Status.REPORTED, passed=False, reported_on=TODAY
            )
            batches.notify_rectification(
                batch=failed, actor=tenant.admin, notice="甲醛超标", due_on=TODAY
            )
            Rectification.objects.filter(batch=failed).update(due_on=TODAY - timedelta(days=3))
            member = member_of(tenant)
            complaints.file_complaint(member=member, product="被芯", description="起球")
            commitment = commitments.draft(
                member=member,
                actor=tenant.admin,
                products="四件套",
                standards="GB 18401-2010",
                guarantees="包退包换",
                valid_from=TODAY,
                valid_until=TODAY + timedelta(days=365),
            )
            commitments.submit(
                commitment=commitment, actor=UserFactory(role="enterprise", member=member)
            )
            Certification.objects.create(
                cooperative=tenant.cooperative,
                member=member,
                scheme="iso9001",
                number="00124Q3",
                body="中国质量认证中心",
                issued_on=TODAY - timedelta(days=1000),
                expires_on=TODAY + timedelta(days=12),
            )


def counts(inbox):
    return {group.key: group.count for group in inbox.groups}


def urls(inbox):
    return [row.url for group in inbox.groups for row in group.rows] + [
        group.list_url for group in inbox.groups
    ]


# The administrator


def test_the_administrator_sees_each_kind_of_work_with_its_count_and_first_rows(coop_a, funded):
    admin_work(coop_a, n=2)
    with in_scope(coop_a):
        inbox = inbox_for(coop_a.admin)
    assert counts(inbox) == {
        "applications": 2,
        "to_approve": 2,
        "to_verify": 2,
        "to_report": 2,
        "complaints": 2,
        "commitments": 2,
        "benchmark_declarations": 0,
        "objections": 0,
        "overdue_rectifications": 2,
        "overdue_orders": 0,
        "exit_proposals": 0,
        "certificates": 2,
        "questions": 0,
        "design_reviews": 0,
        "infringements": 0,
    }
    groups = {group.key: group for group in inbox.groups}
    overdue = groups["overdue_rectifications"].rows[0]
    assert (
        overdue.days_left == -3 and overdue.overdue and overdue.url.startswith("/c/coop-a/tests/")
    )
    assert groups["certificates"].rows[0].days_left == 12
    assert groups["to_approve"].list_url == "/c/coop-a/tests/?status=requested"
    assert groups["applications"].list_url == "/c/coop-a/members/?status=applied"
    assert [g.key for g in inbox.quiet] == [
        "questions",
        "benchmark_declarations",
        "objections",
        "overdue_orders",
        "exit_proposals",
        "design_reviews",
        "infringements",
    ]


def test_a_group_lists_its_first_five_and_links_to_the_rest(coop_a, funded):
    MemberFactory.create_batch(7, cooperative=coop_a.cooperative, status=Member.Status.APPLIED)
    with in_scope(coop_a):
        applications = inbox_for(coop_a.admin).groups[0]
    assert applications.count == 7 and len(applications.rows) == 5


def test_the_administrator_home_shows_what_waits_and_collapses_the_rest(coop_a, funded, client):
    admin_work(coop_a)
    client.force_login(coop_a.admin)
    page = client.get("/staff/").content.decode()
    assert "待审核的检测申请" in page and 'href="/c/coop-a/tests/?status=requested"' in page
    assert "逾期 3 天" in page
    assert "暂无待办：" in page and "待处理的异议" in page  # collapsed, not a card
    assert 'id="inbox-objections"' not in page
    assert "/c/coop-a/accounts/locked/" in page and "/c/coop-a/schedules/" in page


def test_another_cooperatives_work_never_appears(coop_a, coop_b, funded, client):
    admin_work(coop_b, n=2)
    with in_scope(coop_b):
        build(coop_b)
    for user in coop_a.users().values():
        with in_scope(coop_a):
            inbox = inbox_for(user)
        assert not any(group.count for group in inbox.groups), user.username
        assert not any("coop-b" in url for url in urls(inbox)), user.username
        client.force_login(user)
        assert "coop-b" not in client.get("/staff/").content.decode()
    with in_scope(coop_b):
        theirs = inbox_for(coop_b.admin)
    assert counts(theirs)["to_approve"] == 2


def test_the_administrators_queries_do_not_grow_with_the_rows_waiting(
    coop_a, funded, client, django_assert_num_queries
):
    client.force_login(coop_a.admin)
    admin_work(coop_a)
    # session, user, visible cooperatives; the user's cooperative; one query per group (two
    # for the objections: reports' and assessments'); the consultation line's questions and
    # the IP groups (design pre-reviews, infringement reports) one each; benchmarking
    # declarations to review one
    with django_assert_num_queries(19):
        client.get("/staff/")
    admin_work(coop_a, n=3)
    with django_assert_num_queries(19):
        page = client.get("/staff/")
    assert page.context["inbox"].groups[1].count == 4


# The enterprise


def enterprise_work(tenant, convention):
    """What a member unit must do: sign the convention (unsigned), answer a rectification
    notice due in 10 days and a valid complaint, object to a report within its window; and a
    commitment that runs out in 20 days."""
    member = tenant.member
    build(tenant)  # a valid complaint to answer, a grade, an assessment announced
    failed = request(tenant)
    with in_scope(tenant):
        Batch.objects.filter(pk=failed.pk).update(
            status=Batch.Status.REPORTED, passed=False, reported_on=TODAY - timedelta(days=5)
        )
        batches.notify_rectification(
            batch=failed, actor=tenant.admin, notice="甲醛超标", due_on=TODAY + timedelta(days=10)
        )
        commitment = commitments.draft(
            member=member,
            actor=tenant.admin,
            products="床品",
            standards="GB 18401-2010",
            guarantees="包退包换",
            valid_from=TODAY - timedelta(days=300),
            valid_until=TODAY + timedelta(days=20),
        )
        commitments.submit(commitment=commitment, actor=tenant.enterprise)
        commitments.publish(commitment=Commitment.objects.get(pk=commitment.pk), actor=tenant.admin)
    return failed


def test_the_enterprise_sees_what_it_must_do_with_days_left(coop_a, funded, convention):
    failed = enterprise_work(coop_a, convention)
    with in_scope(coop_a):
        inbox = inbox_for(coop_a.enterprise)
    found = counts(inbox)
    assert found["convention"] == 1
    assert found["rectifications"] == 1 and found["complaints"] == 1
    assert found["commitments_expiring"] == 1
    groups = {group.key: group for group in inbox.groups}
    assert groups["rectifications"].rows[0].days_left == 10
    assert groups["commitments_expiring"].rows[0].days_left == 20
    # the report of five days ago may be objected to for ten more days; the announced
    # assessment, objected to already (``build``), is not offered again
    (window,) = groups["objection_windows"].rows
    assert window.days_left == 10 and window.url == f"/c/coop-a/tests/{failed.pk}/"
    # the quota of 5, less the request now reported (spent)
    assert inbox.member.free_tests_left == 4 and inbox.member.year == TODAY.year
    assert inbox.member.grade and inbox.member.grade_meaning


def test_the_enterprise_home_says_what_to_do_in_chinese(coop_a, funded, convention, client):
    enterprise_work(coop_a, convention)
    client.force_login(coop_a.enterprise)
    response = client.get("/staff/")
    assert response.status_code == 200  # a home of its own, no longer a redirect
    page = response.content.decode()
    assert "签署公约" in page and "待回复的整改通知" in page and "还剩 10 天" in page
    assert f"{TODAY.year} 年剩余免费检测" in page and "信用等级" in page


def test_no_free_test_left_says_what_it_means_and_what_to_do(coop_a, funded, convention, client):
    enterprise_work(coop_a, convention)
    client.force_login(coop_a.enterprise)
    assert "今年的免费检测已用完" not in client.get("/staff/").content.decode()
    # The one request reported this year uses up a quota of one.
    with scope({coop_a.cooperative.pk}):
        Fund.objects.filter(year=TODAY.year).update(free_quota=1)
    page = client.get("/staff/").content.decode()
    assert "今年的免费检测已用完（每年 1 批）。超出部分可申请自费检测。" in page
    assert "申请自费检测</a>" in page  # the paid request, linked
    assert "申请免费检测" not in page


def test_the_enterprise_queries_do_not_grow(
    coop_a, funded, convention, client, django_assert_num_queries
):
    enterprise_work(coop_a, convention)
    client.force_login(coop_a.enterprise)
    client.get("/staff/")
    # +1: decisions on objections; +2: answers to questions, trade-measure alerts; +1:
    # returned benchmarking declarations
    with django_assert_num_queries(20) as captured:
        client.get("/staff/")
    more = request(coop_a)
    with in_scope(coop_a):
        Batch.objects.filter(pk=more.pk).update(
            status=Batch.Status.REPORTED, passed=True, reported_on=TODAY
        )
        complaints.triage(
            complaint=complaints.file_complaint(
                member=coop_a.member, product="枕芯", description="异味"
            ),
            actor=coop_a.admin,
            verdict="valid",
            reason="属实",
        )
    with django_assert_num_queries(len(captured.captured_queries)):
        page = client.get("/staff/")
    assert {g.key: g.count for g in page.context["inbox"].groups}["complaints"] == 2


# The lab


def test_the_lab_sees_samples_to_receive_and_results_to_enter_with_the_overdue_marked(
    coop_a, funded, client, django_assert_num_queries
):
    to_receive, to_enter = request(coop_a), request(coop_a, member_of(coop_a))
    with in_scope(coop_a):
        sample(coop_a, to_receive)
        sample(coop_a, to_enter)
        batches.receive(batch=to_enter, actor=coop_a.lab)
        Batch.objects.filter(pk=to_enter.pk).update(due_on=TODAY - timedelta(days=2))
    with in_scope(coop_a):
        inbox = inbox_for(coop_a.lab)
    found = counts(inbox)
    assert found == {"overdue": 1, "to_receive": 1, "to_enter": 1, "to_verify": 0}
    groups = {group.key: group for group in inbox.groups}
    assert (
        groups["to_enter"].rows[0].overdue and groups["to_enter"].list_url == "/lab/?state=to_enter"
    )
    assert groups["to_receive"].rows[0].url == f"/c/coop-a/tests/{to_receive.pk}/"
    client.force_login(coop_a.lab)
    client.get("/staff/")
    with django_assert_num_queries(8) as captured:
        page = client.get("/staff/").content.decode()
    assert "逾期 2 天" in page and 'href="/lab/?state=to_receive"' in page
    more = request(coop_a, member_of(coop_a))
    with in_scope(coop_a):
        sample(coop_a, more)
    with django_assert_num_queries(len(captured.captured_queries)):
        client.get("/staff/")


# The region supervisor


def test_the_supervisor_sees_the_cooperatives_needing_attention(
    coop_a, funded, client, django_assert_num_queries
):
    late = request(coop_a)
    last_year, this_year = request(coop_a, member_of(coop_a)), request(coop_a, member_of(coop_a))
    with in_scope(coop_a):
        Batch.objects.filter(pk=late.pk).update(due_on=TODAY - timedelta(days=4))
        Batch.objects.filter(pk=last_year.pk).update(
            status=Batch.Status.CLOSED, passed=True, reported_on=date(TODAY.year - 1, 6, 1)
        )
        Batch.objects.filter(pk=this_year.pk).update(
            status=Batch.Status.CLOSED, passed=False, reported_on=TODAY
        )
        inbox = inbox_for(coop_a.supervisor)
    found = counts(inbox)
    assert found["overdue_tests"] == 1 and found["falling_pass_rate"] == 1
    (figures,) = inbox.cooperatives
    assert (figures.pass_rate_last_year, figures.pass_rate) == (100.0, 0.0)
    assert figures.falling and figures.needs_attention
    groups = {group.key: group for group in inbox.groups}
    assert groups["overdue_tests"].rows[0].url == "/c/coop-a/tests/?state=overdue"
    client.force_login(coop_a.supervisor)
    client.get("/staff/")
    with django_assert_num_queries(9) as captured:
        page = client.get("/staff/").content.decode()
    assert "/coops/new/" in page and "需要关注" in page
    another = request(coop_a, member_of(coop_a))
    with in_scope(coop_a):
        Batch.objects.filter(pk=another.pk).update(due_on=TODAY - timedelta(days=1))
    with django_assert_num_queries(len(captured.captured_queries)):
        client.get("/staff/")


# The API


def test_the_api_answers_the_same_counts_and_rows_as_the_page(coop_a, coop_b, funded, api):
    admin_work(coop_a)
    admin_work(coop_b)
    answer = api(coop_a.admin).get("/api/v1/me/inbox/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["role"] == "coop_admin" and body["member"] is None
    with in_scope(coop_a):
        assert {g["key"]: g["count"] for g in body["groups"]} == counts(inbox_for(coop_a.admin))
    rows = [row for group in body["groups"] for row in group["rows"]]
    assert rows and all(row["url"].startswith("/c/coop-a/") for row in rows)
    overdue = next(g for g in body["groups"] if g["key"] == "overdue_rectifications")
    assert overdue["rows"][0]["days_left"] == -3 and overdue["rows"][0]["overdue"] is True
    assert api().get("/api/v1/me/inbox/").status_code == 401


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module's tests of it (tests/demo_data.py)."""
    with seeded_for_the_module(django_db_blocker, haimen_members=5):
        yield


@pytest.mark.parametrize("username", ["haimen-admin", "lab", "enterprise", "bureau"])
def test_the_demo_users_get_their_inbox_from_the_api(demo, db, username, client):
    from coop.models import User

    user = User.objects.get(username=username)
    client.force_login(user)
    body = client.get("/api/v1/me/inbox/").json()
    assert body["role"] == user.role and body["groups"]
    assert client.get("/staff/").status_code == 200
    if username == "haimen-admin":
        rows = [row["url"] for group in body["groups"] for row in group["rows"]]
        assert all(url.startswith("/c/haimen-hometextile/") for url in rows)
    if username == "enterprise":
        assert body["member"]["free_tests_left"] >= 0 and body["member"]["grade"]
    if username == "bureau":
        assert {c["slug"] for c in body["cooperatives"]} >= {"haimen-hometextile"}


@pytest.mark.parametrize(
    "fields",
    # (an enterprise or lab account always has its unit: a database constraint)
    [{"role": ""}, {"role": "", "is_superuser": True}],
)
def test_an_account_without_a_role_gets_an_empty_home_and_a_superuser_every_cooperative(
    coop_a, client, api, fields
):
    user = UserFactory(**fields)
    client.force_login(user)
    page = client.get("/staff/")
    assert page.status_code == 200
    answer = api(user).get("/api/v1/me/inbox/")
    assert answer.status_code == 200
    if not user.is_superuser:
        assert "目前没有待办事项" in page.content.decode()
        assert not any(group["count"] for group in answer.json()["groups"])
    else:  # a superuser oversees every cooperative
        assert coop_a.slug in {c["slug"] for c in answer.json()["cooperatives"]}
