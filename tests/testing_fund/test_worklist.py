"""Worklists that start with the work: a lab's list (page and API) and the cooperative's list
open on what is still to do, the earliest due first and so the overdue on top, marked with
their days overdue; closed work only when asked. A sample received without a due date is due
its lab's turnaround later; the statistics page shows each lab's median turnaround."""

import importlib
from datetime import date, datetime, time, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coop.models import StepEvent
from coop.tenancy import scope, unscoped
from standards.models import Indicator, Standard
from testing_fund.models import Batch, Fund
from testing_fund.services import batches
from tests.factories import InstitutionFactory
from tests.testing_fund.conftest import THREE, request, sample

TODAY = timezone.localdate()
LAB_API = "/api/v1/labs/batches/"


def gb18401():
    with unscoped():
        return Standard.objects.get(code="GB 18401-2010")


def make(
    tenant, status, *, lab=None, due=None, received=None, reported=None, passed=None, days_ago=0
):
    """A batch of ``tenant`` in ``status``, inserted as it stands (the steps are tested
    elsewhere); ``due`` and ``received`` in days from today, ``days_ago`` its request."""
    with unscoped():
        fund, _created = Fund.objects.get_or_create(cooperative=tenant.cooperative, year=TODAY.year)
        return Batch.objects.create(
            cooperative=tenant.cooperative,
            member=tenant.member,
            fund=fund,
            product=f"{status} {due}",
            safety_category="B",
            standard=gb18401(),
            lab=lab or tenant.lab.institution,
            status=status,
            due_on=None if due is None else TODAY + timedelta(days=due),
            received_on=None if received is None else TODAY + timedelta(days=received),
            reported_on=reported,
            passed=passed,
            requested_at=timezone.now() - timedelta(days=days_ago),
        )


@pytest.fixture
def work(coop_a, coop_b, priced):
    """Coop A's lab: work to do at several due dates, one overdue by four days, and work it
    has done or that is not its yet. Coop B's lab has work of its own."""
    made = {
        "closed": make(coop_a, "closed", due=-60, received=-67, days_ago=70),
        "reported": make(
            coop_a,
            "reported",
            due=-20,
            received=-27,
            reported=TODAY - timedelta(days=21),
            passed=False,
            days_ago=30,
        ),
        "requested": make(coop_a, "requested", days_ago=1),
        "to_receive": make(coop_a, "sampled", days_ago=5),
        "later": make(coop_a, "received", due=3, received=-4, days_ago=9),
        "overdue": make(coop_a, "received", due=-4, received=-11, days_ago=15),
        "to_verify": make(coop_a, "entered", due=1, received=-6, days_ago=8),
        "theirs": make(coop_b, "received", due=-9, received=-16, days_ago=20),
    }
    return made


def ids(rows):
    return [row.pk for row in rows]


def listed(client, user, query=""):
    client.force_login(user)
    response = client.get(f"/lab/{query}")
    assert response.status_code == 200
    return response


def test_the_lab_list_opens_on_its_work_the_overdue_first(coop_a, work, client):
    page = listed(client, coop_a.lab)
    expected = [work[name].pk for name in ("overdue", "to_verify", "later", "to_receive")]
    assert ids(page.context["page"]) == expected
    html = page.content.decode()
    assert "逾期 4 天" in html  # said in words, not by colour alone
    assert html.count('class="overdue"') == 1
    shown = [each.name for each, _count, current in page.context["states"] if current]
    assert shown == ["open"]
    counts = {each.name: count for each, count, _current in page.context["states"]}
    assert counts == {
        "open": 4,
        "to_receive": 1,
        "to_enter": 2,
        "to_verify": 1,
        "overdue": 1,
        "closed": 2,
        "all": 7,
    }


@pytest.mark.parametrize(
    "state, names",
    [
        ("to_receive", ["to_receive"]),
        ("to_enter", ["overdue", "later"]),
        ("to_verify", ["to_verify"]),
        ("overdue", ["overdue"]),
        ("closed", ["reported", "closed"]),  # the newest request first
        (
            "all",
            ["requested", "to_receive", "to_verify", "later", "overdue", "reported", "closed"],
        ),
    ],
)
def test_each_state_of_the_lab_list_shows_its_batches(coop_a, work, client, state, names):
    page = listed(client, coop_a.lab, f"?state={state}")
    assert ids(page.context["page"]) == [work[name].pk for name in names]


def test_closed_work_shows_only_when_asked(coop_a, work, client, api):
    closed = {work["closed"].pk, work["reported"].pk}
    assert not closed & set(ids(listed(client, coop_a.lab).context["page"]))
    assert not closed & {row["id"] for row in api(coop_a.lab).get(LAB_API).json()["results"]}
    # A status asked for by name is shown whatever its state.
    assert ids(listed(client, coop_a.lab, "?status=closed").context["page"]) == [work["closed"].pk]


def test_the_lab_api_opens_on_its_work_and_marks_the_overdue(coop_a, work, api):
    body = api(coop_a.lab).get(LAB_API).json()
    rows = {row["id"]: row for row in body["results"]}
    assert list(rows) == [work[n].pk for n in ("overdue", "to_verify", "later", "to_receive")]
    overdue = rows[work["overdue"].pk]
    assert overdue["overdue"] is True and overdue["overdue_days"] == 4
    assert overdue["due_on"] == (TODAY - timedelta(days=4)).isoformat()
    assert overdue["received_on"] == (TODAY - timedelta(days=11)).isoformat()
    assert rows[work["later"].pk]["overdue"] is False
    assert rows[work["later"].pk]["overdue_days"] == 0
    everything = api(coop_a.lab).get(LAB_API, {"state": "all"}).json()
    assert everything["count"] == 7
    # A closed batch past its due date is not overdue: its report is out.
    closed = next(row for row in everything["results"] if row["id"] == work["closed"].pk)
    assert closed["overdue"] is False
    assert [
        row["id"] for row in api(coop_a.lab).get(LAB_API, {"state": "to_receive"}).json()["results"]
    ] == [work["to_receive"].pk]


def test_an_unknown_state_is_refused_naming_it(coop_a, work, api):
    refused = api(coop_a.lab).get(LAB_API, {"state": "someday"})
    assert refused.status_code == 400
    assert "someday" in refused.json()["state"][0] and "to_receive" in refused.json()["state"][0]


def test_the_cooperatives_list_opens_on_the_work_under_way(coop_a, work, client, api):
    client.force_login(coop_a.admin)
    page = client.get("/c/coop-a/tests/")
    under_way = ["overdue", "to_verify", "later", "requested", "to_receive"]
    # dated first, earliest due on top; then the undated by their request, oldest first
    assert ids(page.context["page"]) == [
        work[n].pk for n in ("overdue", "to_verify", "later", "to_receive", "requested")
    ]
    assert set(ids(page.context["page"])) == {work[n].pk for n in under_way}
    assert "逾期 4 天" in page.content.decode()
    closed = client.get("/c/coop-a/tests/?state=closed")
    assert ids(closed.context["page"]) == [work["reported"].pk, work["closed"].pk]
    assert len(client.get("/c/coop-a/tests/?state=all").context["page"]) == 7
    # A figure's link (the problem map's, a year's) means every batch of it, open or closed.
    failed = client.get("/c/coop-a/tests/?passed=false")
    assert failed.context["state"] == "all"
    assert ids(failed.context["page"]) == [work["reported"].pk]
    # The API keeps listing every batch unless a state is asked for: clients count on it.
    assert api(coop_a.admin).get("/api/v1/coops/coop-a/batches/").json()["count"] == 7
    opened = api(coop_a.admin).get("/api/v1/coops/coop-a/batches/", {"state": "open"}).json()
    assert opened["results"][0]["id"] == work["overdue"].pk and opened["count"] == 5


def test_an_enterprise_sees_all_its_tests_by_default(coop_a, work, client):
    client.force_login(coop_a.enterprise)
    assert len(client.get("/c/coop-a/tests/").context["page"]) == 7


def test_a_sample_received_without_a_due_date_is_due_its_labs_turnaround_later(coop_a, priced):
    lab = coop_a.lab.institution
    lab.turnaround_days = 10
    lab.save()
    untyped = request(coop_a)
    with scope({coop_a.cooperative.pk}):
        sample(coop_a, untyped)
        typed = batches.request_batch(
            member=coop_a.member,
            actor=coop_a.enterprise,
            standard=gb18401(),
            lab=lab,
            product="被芯",
            safety_category="B",
            indicators=list(Indicator.objects.filter(code__in=THREE)),
            due_on=TODAY + timedelta(days=2),
        )
        sample(coop_a, typed)
        assert untyped.due_on is None
        for batch in (untyped, typed):
            batches.receive(batch=batch, actor=coop_a.lab)
            batch.refresh_from_db()
            assert batch.received_on == TODAY
    assert untyped.due_on == TODAY + timedelta(days=10)
    assert typed.due_on == TODAY + timedelta(days=2)  # what was typed is kept


def test_batches_received_before_the_turnaround_get_their_receipt_and_due_date(coop_a, work):
    """The data migration: the receipt day from the ``receive`` step's event, in the portal's
    time zone, and a due date seven days later unless one was typed."""
    backfill = importlib.import_module(
        "testing_fund.migrations.0016_lab_turnaround_and_batch_received_on"
    ).backfill
    late_evening = timezone.make_aware(datetime.combine(date(2026, 3, 2), time(23, 30)))
    with unscoped():
        old, typed = work["later"], work["to_verify"]
        Batch.objects.filter(pk=old.pk).update(received_on=None, due_on=None)
        Batch.objects.filter(pk=typed.pk).update(received_on=None)
        for batch in (old, typed):
            StepEvent.objects.create(
                cooperative=coop_a.cooperative,
                workflow="batch",
                object_id=batch.pk,
                step="receive",
                to_status="received",
                at=late_evening,
            )
        backfill(apps, None)
        old.refresh_from_db()
        typed.refresh_from_db()
    assert old.received_on == date(2026, 3, 2)  # 23:30 in Shanghai, not the UTC day
    assert old.due_on == date(2026, 3, 9)
    assert typed.received_on == date(2026, 3, 2) and typed.due_on == TODAY + timedelta(days=1)


def test_another_cooperatives_work_never_shows(coop_a, coop_b, work, client, api):
    ours = {batch.pk for name, batch in work.items() if name != "theirs"}
    for query in ("", "?state=all", "?state=overdue", "?state=closed"):
        theirs = ids(listed(client, coop_b.lab, query).context["page"])
        assert theirs == ([] if query == "?state=closed" else [work["theirs"].pk])
        assert work["theirs"].pk not in ids(listed(client, coop_a.lab, query).context["page"])
    assert not ours & {
        r["id"] for r in api(coop_b.lab).get(LAB_API, {"state": "all"}).json()["results"]
    }
    client.force_login(coop_b.admin)
    assert client.get("/c/coop-a/tests/?state=overdue").status_code == 404
    assert ids(client.get("/c/coop-b/tests/?state=all").context["page"]) == [work["theirs"].pk]
    assert client.get("/c/coop-a/statistics/").status_code == 404


def test_the_worklists_pin_their_queries(coop_a, coop_b, work, client, api):
    pages = [
        (coop_a.lab, "/lab/"),
        (coop_a.lab, "/lab/?state=all"),
        (coop_a.admin, "/c/coop-a/tests/"),
        (coop_a.admin, "/c/coop-a/tests/?state=overdue"),
    ]

    def counts():
        found = {}
        for user, path in pages:
            client.force_login(user)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            found[path] = len(queries)
        lab = api(coop_a.lab)
        for state in ("open", "all"):
            with CaptureQueriesContext(connection) as queries:
                assert lab.get(LAB_API, {"state": state}).status_code == 200
            found[f"api {state}"] = len(queries)
        return found

    few = counts()
    for index in range(6):
        make(coop_a, "received", due=index - 2, received=-5)
        make(coop_a, "closed", due=-30, received=-37)
    assert counts() == few
    # session, user, the cooperatives in view (the lab's: those it serves; staff's: the
    # address's), the tabs' counts, the page's count and its rows; the lab's name on its page.
    # The staff's list reads the page's ids, then its rows, and takes its count from its tab.
    assert few == {
        "/lab/": 7,
        "/lab/?state=all": 7,
        "/c/coop-a/tests/": 6,
        "/c/coop-a/tests/?state=overdue": 6,
        # token and user, visible cooperatives, count, the page's ids, its rows, results with
        # their indicators
        "api open": 6,
        "api all": 6,
    }


def test_the_statistics_show_each_labs_median_turnaround(coop_a, coop_b, priced, client, api):
    other = InstitutionFactory(name_zh="第二检测所")
    mine = coop_a.lab.institution
    for lab, turnarounds in [(mine, (3, 10, 5)), (other, (4, 7))]:
        for days in turnarounds:
            make(coop_a, "reported", lab=lab, reported=TODAY, received=-days)
    make(coop_a, "reported", reported=TODAY)  # no receipt day: not counted
    make(coop_b, "reported", lab=mine, reported=TODAY, received=-90)  # another cooperative's
    client.force_login(coop_a.admin)
    page = client.get(f"/c/coop-a/statistics/?year={TODAY.year}")
    rows = {row["name"]: row for row in page.context["figures"]["turnaround_by_lab"]}
    assert rows == {
        mine.name_zh: {"lab": mine.pk, "name": mine.name_zh, "batches": 3, "median_days": 5},
        "第二检测所": {"lab": other.pk, "name": "第二检测所", "batches": 2, "median_days": 5.5},
    }
    html = page.content.decode()
    assert "检测周期" in html and '<td class="num">5.5</td>' in html
    body = api(coop_a.admin).get("/api/v1/coops/coop-a/statistics/", {"year": TODAY.year}).json()
    assert {row["name"]: row["median_days"] for row in body["turnaround_by_lab"]} == {
        mine.name_zh: 5,
        "第二检测所": 5.5,
    }
