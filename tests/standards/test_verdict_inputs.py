"""A result the verdict cannot sensibly read (an overflowing exponent, infinity, not a number,
below zero for an amount, more digits or places than a limit holds, longer than the result's
column) is refused naming the indicator and the rule, never a 500; the same holds for the
verdict endpoint and, through the same reading, for the lab's result entry."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coop.tenancy import unscoped
from standards.models import Indicator, Limit, Standard
from standards.verdicts import UnreadableResult, verdict
from tests.standards.conftest import standard

VERDICT = "/api/v1/standards/verdict/"
# (indicator, result, a word of the rule the refusal states)
UNREADABLE = [
    ("formaldehyde", "1e1000000", "100000000"),
    ("formaldehyde", "9e999999999", "100000000"),
    ("formaldehyde", "-1e1000000", "100000000"),
    ("formaldehyde", "1E-1000000", "4"),
    ("formaldehyde", "inf", "甲醛含量"),
    ("formaldehyde", "-Infinity", "甲醛含量"),
    ("formaldehyde", "nan", "甲醛含量"),
    ("formaldehyde", "sNaN", "甲醛含量"),
    ("formaldehyde", "-1", "小于零"),
    ("formaldehyde", "-0.5", "小于零"),
    ("formaldehyde", "123456789", "100000000"),
    ("formaldehyde", "0.000001", "4"),
    ("formaldehyde", "1" + "0" * 70, "60"),
    ("ph", "-7", "小于零"),
    ("ph", "99999999999999999999999", "100000000"),
    ("azo-amines", "-3", "小于零"),
    ("azo-amines", "1e400", "100000000"),
    ("fastness-water", "1e1000000", "级"),
]


@pytest.mark.parametrize("code, result, rule", UNREADABLE)
def test_the_verdict_endpoint_refuses_a_result_naming_indicator_and_rule(
    loaded, coop_a, api, code, result, rule
):
    indicator = Indicator.objects.get(code=code)
    body = {
        "standard": standard("GB 18401-2010").pk,
        "indicator": code,
        "category": "B",
        "result": result,
    }
    response = api(coop_a.lab).post(VERDICT, body, format="json")
    assert response.status_code == 400, response.content[:300]
    (said,) = response.json()["result"]
    assert rule in said
    assert indicator.name_zh in said or code.startswith("fastness")  # a grade names the scale


@pytest.mark.parametrize(
    "result, judged",
    [
        ("0", "pass"),
        ("0E+1000000", "pass"),
        ("74.9999", "pass"),
        ("75.0000", "pass"),
        ("76", "fail"),
    ],
)
def test_a_sensible_result_is_still_judged(loaded, coop_a, api, result, judged):
    body = {
        "standard": standard("GB 18401-2010").pk,
        "indicator": "formaldehyde",
        "category": "B",
        "result": result,
    }
    response = api(coop_a.lab).post(VERDICT, body, format="json")
    assert response.status_code == 200 and response.json()["result"] == judged


def test_a_reading_below_zero_is_read_where_a_standard_limits_below_zero(loaded):
    with unscoped():
        shrinkage = Indicator.objects.create(
            code="dimensional-change",
            name_zh="水洗尺寸变化率",
            unit="%",
            result_type="numeric",
            decimals=1,
        )
        gb = Standard.objects.get(code="GB 18401-2010")
        Limit.objects.create(
            standard=gb, indicator=shrinkage, minimum=Decimal("-3.0"), maximum=Decimal("1.0")
        )
        assert verdict(shrinkage, gb, "B", "-2.5").result == "pass"
        assert verdict(shrinkage, gb, "B", "-3.5").result == "fail"
        with pytest.raises(UnreadableResult):
            verdict(shrinkage, gb, "B", "-1e1000000")


def test_an_unreadable_result_is_a_validation_error_for_every_caller(loaded):
    with unscoped():
        formaldehyde = Indicator.objects.get(code="formaldehyde")
        with pytest.raises(ValidationError):
            verdict(formaldehyde, Standard.objects.get(code="GB 18401-2010"), "B", "1e1000000")
