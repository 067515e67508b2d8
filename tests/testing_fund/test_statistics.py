from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from coop.tenancy import unscoped
from standards.models import Indicator, ProductCategory, Standard
from testing_fund.models import Batch, Fund, LedgerEntry, Result
from tests.factories import MemberFactory

YEAR = date.today().year


@pytest.fixture
def reported(coop_a, coop_b, priced):
    """Four reported batches of coop A (three passed) in two towns, and one of coop B."""
    bedding = ProductCategory.objects.get(code="bedding")
    formaldehyde, ph = Indicator.objects.get(code="formaldehyde"), Indicator.objects.get(code="ph")
    with unscoped():
        standard = Standard.objects.get(code="GB 18401-2010")
        towns = ["三厂街道", "三厂街道", "常乐镇", "常乐镇"]
        outcomes = [True, True, True, False]
        for index, (town, passed) in enumerate(zip(towns, outcomes)):
            member = MemberFactory(cooperative=coop_a.cooperative, town=town)
            batch = Batch.objects.create(
                cooperative=coop_a.cooperative,
                member=member,
                fund=priced,
                product="四件套",
                category=bedding,
                safety_category="B",
                standard=standard,
                lab=coop_a.lab.institution,
                status="reported",
                passed=passed,
                cost=Decimal(200),
                reported_on=date(YEAR, 3 if index < 2 else 8, 15),
            )
            for indicator, verdict in [(formaldehyde, "pass" if passed else "fail"), (ph, "pass")]:
                Result.objects.create(
                    cooperative=coop_a.cooperative,
                    batch=batch,
                    indicator=indicator,
                    price=100,
                    verdict=verdict,
                    reported_on=batch.reported_on,
                )
            for kind, amount in [("reservation", -200), ("release", 200), ("settlement", -200)]:
                LedgerEntry.objects.create(
                    cooperative=coop_a.cooperative,
                    fund=priced,
                    batch=batch,
                    kind=kind,
                    amount=amount,
                    at=datetime(YEAR, batch.reported_on.month, 15, 12, tzinfo=UTC),
                )
        other_fund = Fund.objects.create(cooperative=coop_b.cooperative, year=YEAR)
        Batch.objects.create(
            cooperative=coop_b.cooperative,
            member=coop_b.member,
            fund=other_fund,
            product="x",
            safety_category="B",
            standard=standard,
            lab=coop_a.lab.institution,
            status="reported",
            passed=False,
            reported_on=date(YEAR, 5, 1),
        )


def test_a_cooperatives_statistics(coop_a, reported, api, django_assert_num_queries):
    client = api(coop_a.admin)
    # token, cooperative, overall, category, district, town, quarter, indicator (counted,
    # then named), problem map, the labs' turnaround, the ledger's sums, the settled count,
    # spending by month and by indicator
    with django_assert_num_queries(15):
        body = client.get("/api/v1/coops/coop-a/statistics/", {"year": YEAR}).json()
    assert body["overall"] == {"total": 4, "passed": 3, "rate": 75.0}
    assert {row["member__town"]: row["rate"] for row in body["by_town"]} == {
        "三厂街道": 100.0,
        "常乐镇": 50.0,
    }
    assert [row["total"] for row in body["by_quarter"]] == [2, 2]
    assert body["by_category"][0]["category__code"] == "bedding"
    formaldehyde = next(r for r in body["by_indicator"] if r["indicator__code"] == "formaldehyde")
    assert (formaldehyde["failed"], formaldehyde["rate"]) == (1, 75.0)
    assert body["problem_map"] == [
        {"town": "常乐镇", "indicator": "formaldehyde", "indicator_name": "甲醛含量", "failures": 1}
    ]
    assert body["spending"] == {
        "appropriated": "1000.00",
        "spent": "800.00",
        "held": "0.00",
        "balance": "200.00",
        "average_cost": "200.00",
        "by_month": [
            {"month": f"{YEAR}-03", "batches": 2, "spent": "400.00"},
            {"month": f"{YEAR}-08", "batches": 2, "spent": "400.00"},
        ],
        "by_indicator": [
            {
                "indicator__code": "formaldehyde",
                "indicator__name_zh": "甲醛含量",
                "tests": 4,
                "spent": "400.00",
            },
            {"indicator__code": "ph", "indicator__name_zh": "pH值", "tests": 4, "spent": "400.00"},
        ],
    }


def test_spending_by_member_is_paginated_largest_first(
    coop_a, reported, priced, api, django_assert_num_queries
):
    with unscoped():
        batch = Batch.objects.filter(cooperative=coop_a.cooperative).first()
        LedgerEntry.objects.create(
            cooperative=coop_a.cooperative, fund=priced, batch=batch, kind="settlement", amount=-50
        )
    client = api(coop_a.admin)
    with django_assert_num_queries(4):  # token, cooperative, count, page
        body = client.get("/api/v1/coops/coop-a/spending/members/", {"year": YEAR}).json()
    assert body["count"] == 4
    first = body["results"][0]
    assert (first["member"], first["batches"], first["spent"]) == (batch.member_id, 2, "250.00")
    assert {row["spent"] for row in body["results"][1:]} == {"200.00"}
    url = "/api/v1/coops/coop-a/spending/members/"
    assert api(coop_a.enterprise).get(url).status_code == 403


def test_another_cooperatives_spending_is_not_found(coop_a, coop_b, reported, api):
    assert api(coop_b.admin).get("/api/v1/coops/coop-a/spending/members/").status_code == 404


def test_the_region_compares_its_cooperatives(coop_a, reported, api):
    rows = api(coop_a.supervisor).get("/api/v1/statistics/cooperatives/", {"year": YEAR}).json()
    assert rows == [{"total": 4, "passed": 3, "rate": 75.0, "cooperative": "coop-a"}]


@pytest.mark.parametrize("role", ["enterprise", "lab"])
def test_statistics_are_for_staff(coop_a, reported, api, role):
    assert api(coop_a.users()[role]).get("/api/v1/coops/coop-a/statistics/").status_code == 403
    assert api(coop_a.users()[role]).get("/api/v1/statistics/cooperatives/").status_code == 403


def test_another_cooperatives_statistics_are_not_found(coop_a, coop_b, reported, api):
    assert api(coop_b.admin).get("/api/v1/coops/coop-a/statistics/").status_code == 404
