import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from coop.tenancy import unscoped
from standards import catalogue
from standards.models import Indicator, Standard
from standards.verdicts import FAIL, PASS, WARN, UnreadableResult, verdict


@pytest.fixture
def gb18401(db):
    catalogue.load()
    with unscoped():
        return Standard.objects.get(code="GB 18401-2010")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def judge(standard, indicator, category, raw):
    return verdict(Indicator.objects.get(code=indicator), standard, category, raw)


@pytest.mark.parametrize(
    "indicator, category, raw, result",
    [
        ("formaldehyde", "B", "75", PASS),
        ("formaldehyde", "B", "75.1", FAIL),
        ("formaldehyde", "A", "20", PASS),
        ("formaldehyde", "A", "20.01", FAIL),
        ("formaldehyde", "C", "300", PASS),
        ("formaldehyde", "C", "301", FAIL),
        ("ph", "B", "8.5", PASS),
        ("ph", "B", "8.6", FAIL),
        ("ph", "B", "4.0", PASS),
        ("ph", "B", "3.9", FAIL),
        ("ph", "A", "7.5", PASS),
        ("ph", "A", "7.6", FAIL),
        ("ph", "C", "9.0", PASS),
        ("ph", "C", "9.1", FAIL),
        ("fastness-water", "B", "3", PASS),
        ("fastness-water", "B", "2-3", FAIL),
        ("fastness-water", "A", "3-4", PASS),
        ("fastness-water", "A", "3", FAIL),
        ("fastness-dry-rubbing", "A", "4", PASS),
        ("fastness-dry-rubbing", "A", "3-4", FAIL),
        ("fastness-dry-rubbing", "B", "3-4", PASS),
        ("fastness-saliva", "A", "4-5", PASS),
        ("fastness-saliva", "A", "3-4", FAIL),
        ("odour", "B", "none", PASS),
        ("odour", "B", "无", PASS),
        ("odour", "A", "present", FAIL),
        ("azo-amines", "B", "not detected", PASS),
        ("azo-amines", "B", "未检出", PASS),
        ("azo-amines", "B", "detected", FAIL),
        ("azo-amines", "C", "20", PASS),
        ("azo-amines", "C", "20.5", FAIL),
    ],
)
def test_verdicts_on_the_limits_of_gb_18401(gb18401, indicator, category, raw, result):
    assert judge(gb18401, indicator, category, raw).result == result


def test_a_grade_of_3_4_passes_a_minimum_of_3_and_fails_a_minimum_of_4(gb18401):
    assert judge(gb18401, "fastness-dry-rubbing", "B", "3-4").result == PASS  # minimum 3
    assert judge(gb18401, "fastness-dry-rubbing", "A", "3-4").result == FAIL  # minimum 4
    assert judge(gb18401, "fastness-dry-rubbing", "A", "3–4").value == "3-4"  # an en dash


def test_the_sentence_names_value_limit_category_and_standard(gb18401):
    failed = judge(gb18401, "formaldehyde", "B", "82")
    assert failed.explanation == (
        "formaldehyde content 82 mg/kg exceeds the category B limit of 75 mg/kg (GB 18401-2010)."
    )
    assert judge(gb18401, "ph", "B", "3.5").explanation == (
        "pH value 3.5 is below the category B minimum of 4.0 (GB 18401-2010)."
    )
    assert "at least 3-4" in judge(gb18401, "fastness-water", "A", "4").explanation
    assert "prohibited" in judge(gb18401, "azo-amines", "B", "detected").explanation


def test_the_sentence_is_in_chinese_by_default(gb18401):
    with translation.override("zh-hans"):
        text = judge(gb18401, "formaldehyde", "B", "82").explanation
    assert text == "甲醛含量 82 mg/kg 超过 B 类限量 75 mg/kg（GB 18401-2010）。"


def test_a_warning_band_warns_before_the_limit(gb18401):
    from decimal import Decimal

    from standards.models import Limit

    with unscoped():
        Limit.objects.filter(standard=gb18401, indicator__code="formaldehyde", category="B").update(
            warn_above=Decimal(60)
        )
    assert judge(gb18401, "formaldehyde", "B", "60").result == PASS
    warned = judge(gb18401, "formaldehyde", "B", "70")
    assert warned.result == WARN and "close to its limit" in warned.explanation
    assert judge(gb18401, "formaldehyde", "B", "76").result == FAIL


def test_an_exclusive_maximum_fails_on_the_limit_itself(gb18401):
    from standards.models import Limit

    with unscoped():
        Limit.objects.filter(standard=gb18401, indicator__code="formaldehyde", category="B").update(
            maximum_inclusive=False
        )
    assert judge(gb18401, "formaldehyde", "B", "75").result == FAIL
    assert judge(gb18401, "formaldehyde", "B", "74.9").result == PASS


@pytest.mark.parametrize(
    "indicator, raw, words",
    [
        ("formaldehyde", "about 80", "is not a number"),
        ("formaldehyde", "NaN", "is not a number"),
        ("formaldehyde", "", "is not a number"),
        ("ph", "7,5", "is not a number"),
        ("fastness-water", "3.5", "is not a grade"),
        ("fastness-water", "6", "is not a grade"),
        ("odour", "faint", "is not one of"),
        ("azo-amines", "maybe", "is not a number"),
    ],
)
def test_an_unreadable_result_is_refused_never_guessed(gb18401, indicator, raw, words):
    with pytest.raises(UnreadableResult) as refused:
        judge(gb18401, indicator, "B", raw)
    assert words in refused.value.messages[0]


def test_a_category_without_a_limit_is_refused(gb18401):
    with pytest.raises(ValidationError, match="sets no limit"):
        judge(gb18401, "fastness-saliva", "C", "4")
