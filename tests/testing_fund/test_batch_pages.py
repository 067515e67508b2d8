"""The cooperative's batch list (page and API) reads a deep page as it reads the first: the
page's ids in the list's order, then its rows, in the same number of queries; and each order a
list opens on has its index (bench/README.md, fund.py)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coop.tenancy import unscoped
from standards.models import Standard
from testing_fund.models import UNDER_WAY, Batch, Fund

BATCHES = "/api/v1/coops/coop-a/batches/"
PAGE = 50


@pytest.fixture
def many(coop_a, coop_b, priced):
    """130 batches of coop A, under way and closed, requested a minute apart (some at the same
    minute, so the id breaks the tie); three of coop B's that never show."""
    now = timezone.now()
    with unscoped():
        standard = Standard.objects.get(code="GB 18401-2010")

        def batch(tenant, n, status, due):
            fund, _created = Fund.objects.get_or_create(
                cooperative=tenant.cooperative, year=date.today().year
            )
            return Batch(
                cooperative=tenant.cooperative,
                member=tenant.member,
                fund=fund,
                product=f"{tenant.cooperative.slug} {n}",
                safety_category="B",
                standard=standard,
                lab=tenant.lab.institution,
                status=status,
                due_on=None if due is None else date.today() + timedelta(days=due),
                requested_at=now - timedelta(minutes=n // 2),
            )

        Batch.objects.bulk_create(
            [
                batch(coop_a, n, "received" if n % 2 else "closed", n % 7 - 3 if n % 5 else None)
                for n in range(130)
            ]
            + [batch(coop_b, n, "received", 1) for n in range(3)]
        )
        mine = Batch.objects.filter(cooperative=coop_a.cooperative)
        return {
            "all": list(mine.order_by("-requested_at", "-pk").values_list("pk", flat=True)),
            "open": list(
                mine.filter(status__in=UNDER_WAY)
                .order_by("due_on", "requested_at", "pk")
                .values_list("pk", flat=True)
            ),
        }


def queries_and_ids(get, query, page):
    with CaptureQueriesContext(connection) as queries:
        response = get(query, page)
    assert response.status_code == 200
    return len(queries), response


def test_the_staff_list_reads_a_deep_page_in_the_queries_of_the_first(coop_a, many, client):
    client.force_login(coop_a.admin)

    def get(query, page):
        return client.get("/c/coop-a/tests/", {**query, "page": page})

    for query, state in [({}, "open"), ({"state": "all"}, "all")]:
        first, _response = queries_and_ids(get, query, 1)
        last = len(many[state]) // PAGE + 1
        deep, deep_response = queries_and_ids(get, query, last)
        # session, user, the address's cooperative, the tabs' counts (the page's own count
        # among them), the page's ids, its rows with their members and labs
        assert (first, deep) == (6, 6)
        shown = [batch.pk for batch in deep_response.context["page"]]
        assert shown == many[state][(last - 1) * PAGE :]
        assert deep_response.context["page"].paginator.count == len(many[state])
    # A narrowed list counts its own rows: one more query, on every page alike.
    first, _response = queries_and_ids(get, {"status": "closed"}, 1)
    deep, response = queries_and_ids(get, {"status": "closed"}, 2)
    assert (first, deep) == (7, 7)
    assert response.context["page"].paginator.count == 65


def test_the_api_reads_a_deep_page_in_the_queries_of_the_first(coop_a, many, api):
    client = api(coop_a.admin)

    def get(query, page):
        return client.get(BATCHES, {**query, "page": page})

    first, _response = queries_and_ids(get, {}, 1)
    deep, response = queries_and_ids(get, {}, 3)
    # token and user, the URL's cooperative, count, the page's ids, its rows, their results
    assert (first, deep) == (6, 6)
    body = response.json()
    assert body["count"] == 130
    assert [row["id"] for row in body["results"]] == many["all"][2 * PAGE :]


def test_the_under_way_index_covers_exactly_the_work_under_way():
    """The staff list's default order is served by a partial index: PostgreSQL uses it only
    when the list's statuses are the index's."""
    (index,) = [each for each in Batch._meta.indexes if each.name == "batch_under_way_by_due"]
    assert index.condition.children == [("status__in", [str(status) for status in UNDER_WAY])]
