"""Years, day counts and dates a request asks for lie in one range (coop.periods): outside it a
page or endpoint answers 400 naming the parameter and the range, never a 500."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from coop import periods
from coop.models import AnnualReport
from coop.tenancy import scope, unscoped
from members.models import Certification, Honour
from tests.factories import MemberFactory

# Numbers outside the range, the 22-digit one included, and text that is no year at all.
BAD_YEARS = [
    "0",
    "1",
    "1999",
    "10000",
    "9999",
    "1234567890123456789012",
    "abc",
    "2024.0",
    "-2024",
    "2_024",
    "２０２４",
    "+2024",
]
YEAR_PAGES = [
    "/c/coop-a/statistics/",
    "/c/coop-a/problems/",
    "/c/coop-a/problems/export.xlsx",
    "/c/coop-a/fund/",
    "/c/coop-a/tests/",
    "/dashboard/",
    "/dashboard/export.xlsx",
]
YEAR_API = [
    ("admin", "/api/v1/coops/coop-a/statistics/"),
    ("admin", "/api/v1/coops/coop-a/spending/members/"),
    ("supervisor", "/api/v1/statistics/cooperatives/"),
]


def the_range():
    return str(periods.FIRST_YEAR), str(timezone.localdate().year + periods.YEARS_AHEAD)


@pytest.mark.parametrize("address", YEAR_PAGES)
def test_a_page_or_export_asked_for_a_year_outside_the_range_says_which_and_the_range(
    coop_a, address
):
    client = Client()
    client.force_login(coop_a.admin)
    first, last = the_range()
    for year in BAD_YEARS:
        response = client.get(address, {"year": year})
        assert response.status_code == 400, (year, response.status_code)
        page = response.content.decode()
        assert "<code>year</code>" in page and first in page and last in page, year
    for year in [first, str(timezone.localdate().year), last]:
        assert client.get(address, {"year": year}).status_code == 200
    assert client.get(address).status_code == 200  # no year: this year


@pytest.mark.parametrize("role, address", YEAR_API)
def test_the_api_answers_a_year_outside_the_range_with_a_400_naming_it(coop_a, api, role, address):
    client = api(coop_a.users()[role])
    first, last = the_range()
    for year in BAD_YEARS:
        response = client.get(address, {"year": year})
        assert response.status_code == 400, (year, response.status_code)
        (said,) = response.json()["year"]
        assert first in said and last in said
    assert client.get(address, {"year": first}).status_code == 200


def test_an_annual_report_for_a_year_outside_the_range_is_refused_and_not_made(coop_a):
    client = Client()
    client.force_login(coop_a.admin)
    for year in ["0", "10000", "1234567890123456789012"]:
        response = client.post("/c/coop-a/annual-reports/", {"year": year})
        assert response.status_code == 400 and "<code>year</code>" in response.content.decode()
    with unscoped():
        assert not AnnualReport.objects.exists()


@pytest.mark.parametrize("days", ["99999999", "3661", "-1", "1e9", "9" * 22, "1.5", "abc"])
def test_a_day_count_that_would_overflow_the_calendar_is_a_400_naming_it(coop_a, api, days):
    response = api(coop_a.admin).get("/api/v1/coops/coop-a/certifications/", {"expiring": days})
    assert response.status_code == 400
    assert str(periods.MOST_DAYS) in response.json()["expiring"][0]


def test_a_day_count_in_the_range_still_narrows_the_list(coop_a, api):
    today = timezone.localdate()
    with scope({coop_a.cooperative.pk}):
        for days_left in (10, 400):
            Certification.objects.create(
                cooperative=coop_a.cooperative,
                member=coop_a.member,
                scheme="iso9001",
                number=f"N{days_left}",
                body="CQC",
                issued_on=date(2020, 1, 1),
                expires_on=today + timedelta(days=days_left),
            )
    listed = api(coop_a.admin).get("/api/v1/coops/coop-a/certifications/", {"expiring": "90"})
    assert [row["number"] for row in listed.json()["results"]] == ["N10"]
    everything = api(coop_a.admin).get("/api/v1/coops/coop-a/certifications/")
    assert everything.json()["count"] == 2


# The helpers themselves


@pytest.mark.parametrize("value", [0, 1999, 10**22, -1, True, 2024.0, "2024 ", "", "0x7e8"])
def test_check_year_refuses_what_is_no_year_of_the_range_naming_the_field(value):
    if value == "2024 ":
        assert periods.check_year(value) == 2024  # surrounding space is no harm
        return
    with pytest.raises(ValidationError) as refused:
        periods.check_year(value, name="fiscal_year")
    assert list(refused.value.message_dict) == ["fiscal_year"]


def test_a_rows_dates_and_years_are_checked_when_it_is_cleaned(coop_a):
    member = MemberFactory.build(cooperative=coop_a.cooperative, joined_on=date(1, 1, 1))
    assert "joined_on" in periods.check_row(member)
    member.joined_on = date(9999, 12, 31)
    assert "joined_on" in periods.check_row(member)
    member.joined_on = date(2001, 1, 1)
    assert "joined_on" not in periods.check_row(member)


@pytest.mark.parametrize(
    "awarded_on, refused",
    [(date(1985, 5, 1), False), (date(1900, 1, 1), False), (date(1899, 12, 31), True)],
)
def test_a_date_recorded_from_before_the_portal_may_go_back_to_1900(coop_a, awarded_on, refused):
    honour = Honour(
        cooperative=coop_a.cooperative,
        member=coop_a.member,
        title="省著名商标",
        awarded_by="省工商局",
        awarded_on=awarded_on,
    )
    with scope({coop_a.cooperative.pk}):
        if refused:
            with pytest.raises(ValidationError) as error:
                honour.full_clean()
            assert list(error.value.message_dict) == ["awarded_on"]
        else:
            honour.full_clean()


@pytest.mark.parametrize(
    "field, value",
    [
        ("issued_on", "1899-12-31"),
        ("issued_on", "0001-01-01"),
        ("expires_on", "9999-12-31"),
        ("expires_on", "2100-01-01"),
    ],
)
def test_a_record_posted_with_a_date_outside_the_range_is_a_400_naming_it(
    coop_a, api, field, value
):
    body = {
        "member": coop_a.member.pk,
        "scheme": "iso9001",
        "number": "00122Q",
        "body": "CQC",
        "issued_on": "1998-03-01",  # a certificate from before the portal is history
        "expires_on": "2027-03-01",
        field: value,
    }
    response = api(coop_a.admin).post("/api/v1/coops/coop-a/certifications/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    with unscoped():
        assert not Certification.objects.exists()
    body[field] = {"issued_on": "1998-03-01", "expires_on": "2027-03-01"}[field]
    made = api(coop_a.admin).post("/api/v1/coops/coop-a/certifications/", body, format="json")
    assert made.status_code == 201, made.json()


@pytest.mark.parametrize("year", [0, 1999, 10000, 10**22])
def test_every_figure_of_a_year_refuses_one_outside_the_range(year):
    from coop.errors import BadParameter
    from coop.figures import year_range

    with pytest.raises(BadParameter) as refused:
        year_range(year)
    assert list(refused.value.message_dict) == ["year"]
    assert year_range(2024) == (date(2024, 1, 1), date(2024, 12, 31))
