"""A refused form or request writes nothing (no empty fund opened for it); money that does not
fit its column is refused naming the field, and no adjustment can take a fund's sums past
what the ledger holds, so the funds list and the figures keep answering; the lab's readings
that cannot be read are refused naming the indicator and the rule."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from coop.tenancy import scope, unscoped
from standards import catalogue
from standards.models import Indicator, Standard
from testing_fund.models import Batch, Fund, LabPrice, LedgerEntry, Result, SamplingRound
from testing_fund.services import batches
from testing_fund.services import fund as money
from tests.testing_fund.conftest import request, sample

NEXT_YEAR = timezone.localdate().year + 1
FUND = f"/c/coop-a/fund/?year={NEXT_YEAR}"
# Amounts no yuan column holds: too many digits or places, an overflowing exponent, no number.
BAD_AMOUNTS = [
    "1e1000000",
    "-1e1000000",
    "inf",
    "-Infinity",
    "nan",
    "99999999999.99",
    "10000000000",
    "1.001",
    "1e10",
]


@pytest.fixture
def admin(coop_a):
    client = Client()
    client.force_login(coop_a.admin)
    return client


def funds_of(year):
    with unscoped():
        return Fund.objects.filter(year=year).count()


def appropriation(amount="500", **overrides):
    return {
        "form": "appropriation",
        "source": "区财政局",
        "amount": amount,
        "on": timezone.localdate().isoformat(),
        "document_number": "财〔2026〕2号",
        **overrides,
    }


@pytest.mark.parametrize(
    "form, field",
    [
        (appropriation(amount="abc"), "amount"),
        (appropriation(amount="0"), "amount"),
        (appropriation(on="0001-01-01"), "on"),
        (appropriation(on="9999-12-31"), "on"),
        (appropriation(source=""), "source"),
        ({"form": "adjustment", "amount": "100", "reason": ""}, "reason"),
        ({"form": "adjustment", "amount": "-100", "reason": "更正"}, None),  # below zero
        ({"form": "quota", "free_quota": "6"}, "free_quota"),
    ],
)
def test_a_refused_fund_form_opens_no_fund_for_the_year(coop_a, admin, form, field):
    page = admin.post(FUND, form)
    assert page.status_code == 200
    bound = page.context[f"{form['form']}_form"]
    assert (field in bound.errors) if field else bound.non_field_errors()
    assert funds_of(NEXT_YEAR) == 0
    with unscoped():
        assert not LedgerEntry.objects.exists()


def test_a_form_saved_opens_the_years_fund_with_it(coop_a, admin):
    assert admin.post(FUND, appropriation()).status_code == 302
    assert funds_of(NEXT_YEAR) == 1


@pytest.mark.parametrize("kind", ["appropriation", "adjustment"])
def test_an_amount_that_does_not_fit_the_column_is_refused_naming_it(coop_a, admin, kind):
    for amount in BAD_AMOUNTS:
        form = (
            appropriation(amount=amount)
            if kind == "appropriation"
            else {"form": "adjustment", "amount": amount, "reason": "更正"}
        )
        page = admin.post(FUND, form)
        assert "amount" in page.context[f"{kind}_form"].errors, amount
    assert funds_of(NEXT_YEAR) == 0


def test_no_adjustment_takes_a_funds_sums_past_what_its_ledger_holds(coop_a, admin, api):
    most = money.LARGEST
    assert admin.post(FUND, appropriation(amount=str(most - 5))).status_code == 302
    for form in [
        {"form": "adjustment", "amount": "6", "reason": "更正"},
        {"form": "adjustment", "amount": str(most), "reason": "更正"},
        appropriation(amount="5.01"),
    ]:
        page = admin.post(FUND, form)
        assert page.status_code == 200
        assert "¥9,999,999,999.99" in str(page.context[f"{form['form']}_form"].errors["amount"])
    # Up to the column is fine: the sums are then exactly the most it holds.
    assert (
        admin.post(FUND, {"form": "adjustment", "amount": "5", "reason": "补"}).status_code == 302
    )
    with scope({coop_a.cooperative.pk}):
        assert Fund.objects.get(year=NEXT_YEAR).balance() == most
    # Every page and endpoint that sums the fund still answers.
    assert api(coop_a.admin).get("/api/v1/coops/coop-a/funds/").status_code == 200
    for address in [
        FUND,
        f"/c/coop-a/statistics/?year={NEXT_YEAR}",
        f"/dashboard/?year={NEXT_YEAR}",
    ]:
        assert admin.get(address).status_code == 200
    statistics = api(coop_a.admin).get("/api/v1/coops/coop-a/statistics/", {"year": NEXT_YEAR})
    assert statistics.status_code == 200


@pytest.mark.parametrize(
    "field, value",
    [
        ("coverage", "1e1000000"),
        ("coverage", "nan"),
        ("coverage", "inf"),
        ("coverage", "12345.6"),
        ("coverage", "0.0001"),
        ("seed", "9" * 22),
    ],
)
def test_a_round_whose_numbers_do_not_fit_is_refused_naming_the_field(coop_a, api, field, value):
    catalogue.load()
    with unscoped():
        standard = Standard.objects.get(code="GB 18401-2010")
    body = {
        "name": "第四季度监督抽查",
        "coverage": "0.10",
        "lab": coop_a.lab.institution_id,
        "standard": standard.pk,
        "safety_category": "B",
        field: value,
    }
    response = api(coop_a.admin).post("/api/v1/coops/coop-a/rounds/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    with unscoped():
        assert not SamplingRound.objects.exists()


@pytest.mark.parametrize("amount", ["1e1000000", "nan", "inf", "99999999999999", "1.001", "-1"])
def test_a_penalty_that_does_not_fit_is_refused_naming_it(coop_a, api, amount):
    body = {
        "member": coop_a.member.pk,
        "kind": "标识不规范",
        "severity": "serious",
        "legal_clause": "第二十七条",
        "occurred_on": timezone.localdate().isoformat(),
        "penalty_amount": amount,
    }
    response = api(coop_a.admin).post("/api/v1/coops/coop-a/violations/", body, format="json")
    assert response.status_code == 400 and "penalty_amount" in response.json()


@pytest.fixture
def lab_prices(coop_a):
    """The catalogue and coop A's lab prices, and no fund yet."""
    catalogue.load()
    for indicator in Indicator.objects.all():
        LabPrice.objects.create(
            institution=coop_a.lab.institution, indicator=indicator, price=Decimal(100)
        )


@pytest.mark.parametrize("due_on", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_a_refused_test_request_opens_no_fund(coop_a, api, lab_prices, due_on):
    with unscoped():
        standard = Standard.objects.get(code="GB 18401-2010")
    body = {
        "member": coop_a.member.pk,
        "product": "四件套",
        "safety_category": "B",
        "standard": standard.pk,
        "lab": coop_a.lab.institution_id,
        "indicators": ["formaldehyde"],
        "due_on": due_on,
    }
    response = api(coop_a.enterprise).post("/api/v1/coops/coop-a/batches/", body, format="json")
    assert response.status_code == 400 and "due_on" in response.json()
    with unscoped():
        assert not Fund.objects.exists() and not Batch.objects.exists()
    body["due_on"] = (date.today() + timedelta(days=30)).isoformat()
    made = api(coop_a.enterprise).post("/api/v1/coops/coop-a/batches/", body, format="json")
    assert made.status_code == 201, made.json()
    with unscoped():
        assert Fund.objects.count() == 1


def test_a_round_refused_for_want_of_money_opens_no_fund(coop_a, api, lab_prices):
    with unscoped():
        standard = Standard.objects.get(code="GB 18401-2010")
    body = {
        "name": "第四季度监督抽查",
        "coverage": "1",
        "seed": 11,
        "lab": coop_a.lab.institution_id,
        "standard": standard.pk,
        "safety_category": "B",
    }
    client = api(coop_a.admin)
    previewed = client.post("/api/v1/coops/coop-a/rounds/", body, format="json").json()
    assert previewed["selection"]
    confirmed = client.post(f"/api/v1/coops/coop-a/rounds/{previewed['id']}/confirm/")
    assert confirmed.status_code == 409
    with unscoped():
        assert not Fund.objects.exists() and not Batch.objects.exists()


# The lab's readings

UNREADABLE = {
    "formaldehyde": ["1e1000000", "inf", "nan", "-1", "123456789", "0.000001", "9" * 61],
    "ph": ["-7", "1e400", "-Infinity"],
}


def test_the_lab_is_refused_readings_that_cannot_be_read_naming_the_indicator(coop_a, priced, api):
    batch = request(coop_a, codes=["formaldehyde", "ph", "odour"])
    with scope({coop_a.cooperative.pk}):
        sample(coop_a, batch)
        batches.receive(batch=batch, actor=coop_a.lab)
    client = api(coop_a.lab)
    path = f"/api/v1/labs/batches/{batch.pk}/enter/"
    page = Client()
    page.force_login(coop_a.lab)
    for code, readings in UNREADABLE.items():
        name = Indicator.objects.get(code=code).name_zh
        for reading in readings:
            values = {"formaldehyde": "20", "ph": "6.5", "odour": "无", code: reading}
            response = client.post(path, {"values": values}, format="json")
            assert response.status_code == 400, (reading, response.content[:200])
            assert list(response.json()) == [code]
            assert name in response.json()[code][0]
            form = {f"value-{key}": value for key, value in values.items()}
            answered = page.post(f"/c/coop-a/tests/{batch.pk}/enter/", form, follow=True)
            assert answered.status_code == 200
            assert any(name in str(m) for m in answered.context["messages"]), reading
    with unscoped():
        batch.refresh_from_db()
        assert batch.status == "received"
        assert not Result.objects.filter(batch=batch).exclude(raw="").exists()
