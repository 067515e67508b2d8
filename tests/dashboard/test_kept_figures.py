"""The dashboard, the public home and a cooperative's page read each cooperative's kept
figures (supervision/kept_figures.py): a fixed number of queries however many cooperatives,
the figures follow the writes once they commit and the day they were computed, the sweep
computes what is stale, and each user still sees only the cooperatives they may."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from coop.tenancy import scope, unscoped
from credit import tasks as credit_tasks
from members.models import Member
from supervision import dashboard
from supervision.kept_figures import MAX_AGE
from supervision.models import CooperativeFigures
from supervision.tasks import refresh_kept_figures
from testing_fund.statistics import pass_rate
from tests.dashboard.test_dashboard import YEAR, row_of
from tests.factories import CooperativeFactory, MemberFactory


def queries(client, path, **params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params).status_code == 200
    return len(captured)


def forget_kept():
    with unscoped():
        CooperativeFigures.objects.all().delete()


def make_stale():
    with unscoped():
        CooperativeFigures.objects.update(version=1, computed_version=0)


def costs(supervisor, slug):
    """Queries of each page: when its rows are missing, stale, and kept."""
    anonymous, staff = Client(), Client()
    staff.force_login(supervisor)
    found = {}
    for name, client, path, params in (
        ("home", anonymous, "/", {}),
        ("cooperative", anonymous, f"/c/{slug}/", {}),
        ("dashboard", staff, "/dashboard/", {"year": YEAR}),
    ):
        forget_kept()
        missing = queries(client, path, **params)
        make_stale()
        stale = queries(client, path, **params)
        found[name] = (missing, stale, queries(client, path, **params))
    return found


def test_the_pages_cost_the_same_for_three_cooperatives_or_six(coop_a, coop_b, tested):
    region = coop_a.cooperative.region
    coop_b.cooperative.region = region
    coop_b.cooperative.save()

    def add(count):
        for _n in range(count):
            MemberFactory.create_batch(2, cooperative=CooperativeFactory(region=region))

    add(1)
    three = costs(coop_a.supervisor, coop_a.slug)
    add(3)
    six = costs(coop_a.supervisor, coop_a.slug)
    assert three == six
    # Missing: the rows read, made, eleven grouped queries, one upsert; stale: none made;
    # kept: the rows alone.
    # home: the regions, their cooperatives with their districts, the kept rows
    assert three["home"] == (3 + 13, 3 + 12, 3)
    # the cooperative, its region, standards collection, announcements, founding units, the
    # kept row
    assert three["cooperative"] == (6 + 13, 6 + 12, 6)
    # session, user, cooperatives in reach; kept rows, the cooperatives, the indicators; the
    # key indicators' names (their trend is in the kept rows); the benchmarking figures
    assert three["dashboard"] == (8 + 13, 8 + 12, 8)


# Committed for real: a test's own transaction never commits, and the bump of its first write
# (a fixture's) would take in the later ones, never to run.
@pytest.mark.django_db(transaction=True)
def test_a_member_joining_or_leaving_shows_once_committed(coop_a, client):
    client.force_login(coop_a.supervisor)

    def shown():
        dashboard_page = client.get("/dashboard/", {"year": YEAR})
        home = Client().get("/").content.decode()
        members = row_of(dashboard_page, coop_a.slug)["members"]
        assert f"{members} 个在册社员单位" in home
        return members

    assert shown() == 1
    with CaptureQueriesContext(connection) as captured:
        with transaction.atomic():
            joined, *_others = MemberFactory.create_batch(3, cooperative=coop_a.cooperative)
            assert shown() == 1  # not committed yet: the kept figures stand
    bumps = [q["sql"] for q in captured if q["sql"].startswith('UPDATE "supervision_coop')]
    assert len(bumps) == 1  # three rows, one transaction: one bump, at commit
    assert shown() == 4
    joined.status = Member.Status.EXITED
    joined.save()
    assert shown() == 3


def test_figures_computed_on_an_earlier_day_are_computed_again(coop_a, client):
    client.force_login(coop_a.supervisor)
    assert row_of(client.get("/dashboard/"), coop_a.slug)["members"] == 1
    with unscoped():
        Member.objects.filter(pk=coop_a.member.pk).update(status="exited")  # no signal
    assert row_of(client.get("/dashboard/"), coop_a.slug)["members"] == 1
    with unscoped():
        CooperativeFigures.objects.update(computed_on=timezone.localdate() - timedelta(days=1))
    assert row_of(client.get("/dashboard/"), coop_a.slug)["members"] == 0


@pytest.mark.django_db(transaction=True)
def test_the_sweep_computes_stale_old_and_missing_rows(coop_a, coop_b, client):
    client.force_login(coop_a.supervisor)
    assert refresh_kept_figures() == 2  # no row yet: both are made
    assert refresh_kept_figures() == 0
    MemberFactory(cooperative=coop_a.cooperative)
    assert refresh_kept_figures() == 1
    # Computed by the sweep: the page reads its row and computes nothing (seven queries:
    # session, user, the cooperatives in reach, the rows, the cooperatives; no failure, so
    # no indicator to name; the trend's indicators named, its figures in the rows; the
    # benchmarking figures).
    assert queries(client, "/dashboard/") == 7
    assert row_of(client.get("/dashboard/"), coop_a.slug)["members"] == 2
    # A write no signal reports is caught up once the row is older than MAX_AGE.
    with unscoped():
        Member.objects.filter(cooperative=coop_b.cooperative).update(status="exited")
        CooperativeFigures.objects.filter(cooperative=coop_b.cooperative).update(
            computed_at=timezone.now() - MAX_AGE - timedelta(minutes=1)
        )
    assert refresh_kept_figures() == 1
    with unscoped():
        kept = CooperativeFigures.objects.get(cooperative=coop_b.cooperative, year=YEAR)
    assert kept.figures["members"] == 0


@pytest.mark.django_db(transaction=True)
def test_a_grading_run_by_its_task_makes_the_figures_stale(coop_a, client):
    client.force_login(coop_a.supervisor)
    assert sum(row_of(client.get("/dashboard/"), coop_a.slug)["grades"]) == 0
    # The task writes its grades with bulk_create, which sends no signal.
    credit_tasks.grade.apply(args=[coop_a.cooperative.pk]).get()
    assert sum(row_of(client.get("/dashboard/"), coop_a.slug)["grades"]) == 1


def test_the_kept_rows_add_up_to_the_counts_over_the_scope(coop_a, coop_b, tested):
    ids = [coop_a.cooperative.pk, coop_b.cooperative.pk]
    data = dashboard.figures(ids, YEAR)
    with scope(set(ids)):
        assert data["trend"] == dashboard.quarterly_trend(YEAR)
        assert data["failures"] == dashboard.failures_by_indicator(YEAR)
        assert data["grades"] == dashboard.grade_distribution()
    assert data["trend"][0] == {"quarter": "Q1", "total": 5, "passed": 2, "rate": 40.0}


def test_an_administrator_sees_only_its_own_cooperative_from_the_kept_rows(
    coop_a, coop_b, tested, client
):
    coop_b.cooperative.region = coop_a.cooperative.region
    coop_b.cooperative.save()
    client.force_login(coop_a.supervisor)
    both = client.get("/dashboard/", {"year": YEAR})  # both rows kept now
    assert len(both.context["cooperatives"]) == 2 and both.context["trend"][0]["total"] == 5
    client.force_login(coop_a.admin)
    page = client.get("/dashboard/", {"year": YEAR})
    assert [row["cooperative"].slug for row in page.context["cooperatives"]] == ["coop-a"]
    assert page.context["trend"][0]["total"] == 4
    assert sum(n for _grade, n in page.context["grades"]) == row_of(page, "coop-a")["members"]
    failures = page.context["failures"]
    assert {row["indicator__code"] for row in failures} == {"formaldehyde", "ph"}
    assert sum(row["failures"] for row in failures) == 2  # coop B's one is not here


def test_the_cooperative_page_shows_its_kept_figures(coop_a, tested, client):
    page = client.get(f"/c/{coop_a.slug}/").context
    with unscoped():
        active = Member.objects.filter(cooperative=coop_a.cooperative, status="active").count()
    with scope({coop_a.cooperative.pk}):
        testing = pass_rate(coop_a.cooperative.pk, date.today().year)
    assert (page["active_members"], page["testing"]) == (active, testing)
    assert testing["total"] == 4


def figures_of(content):
    """The figures' sections of a dashboard page (its menu carries each request's CSRF token)."""
    return content[content.index(b"<section>") : content.rindex(b"</section>")]


@pytest.mark.django_db(transaction=True)
def test_the_figures_html_is_rendered_once_for_the_same_figures_and_again_when_one_changes(
    coop_a, client
):
    client.force_login(coop_a.supervisor)
    rendered = []

    def count(sender, template, **kwargs):
        if template.name == "supervision/dashboard_figures.html":
            rendered.append(template)

    from django.test.signals import template_rendered

    template_rendered.connect(count)
    try:
        first = client.get("/dashboard/", {"year": YEAR}).content
        again = client.get("/dashboard/", {"year": YEAR}).content
        assert len(rendered) == 1 and figures_of(first) == figures_of(again)
        MemberFactory(cooperative=coop_a.cooperative)  # committed: its figures are stale
        changed = client.get("/dashboard/", {"year": YEAR})
        assert len(rendered) == 2
        assert row_of(changed, coop_a.slug)["members"] == 2
        english = client.get("/dashboard/", {"year": YEAR}, headers={"accept-language": "en"})
        assert len(rendered) == 3 and b"Cooperatives side by side" in english.content
    finally:
        template_rendered.disconnect(count)
        translation.activate("zh-hans")
