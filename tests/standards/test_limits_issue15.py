"""Issue 15 point 7, limits and readings: the boundaries of every category of GB 18401-2010,
未检出/ND against the method's detection limit, negative and huge readings, category C's
perspiration fastness, the exemptions, and the fibre-content tolerances of GB/T 29862-2013;
through ``verdict`` and through the batch's enter step."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation

from coop.tenancy import scope, unscoped
from standards import catalogue
from standards.models import Indicator, Limit, Standard
from standards.verdicts import FAIL, NOT_JUDGED, PASS, UnreadableResult, verdict
from testing_fund.models import Batch
from testing_fund.services import batches
from tests.testing_fund.conftest import priced, sample  # noqa: F401 (a fixture)


@pytest.fixture
def gb(db):
    catalogue.load()
    with unscoped():
        return Standard.objects.get(code="GB 18401-2010")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def judge(standard, code, category, raw, **more):
    with unscoped():
        return verdict(Indicator.objects.get(code=code), standard, category, raw, **more)


def catalogue_standard(code):
    with unscoped():
        return Standard.objects.get(code=code)


# Each category's limit, the reading on it (passes) and the next step past it (fails).
BOUNDARIES = [
    ("formaldehyde", "A", "20", "20.1"),
    ("formaldehyde", "B", "75", "75.1"),
    ("formaldehyde", "C", "300", "300.1"),
    ("ph", "A", "4.0", "3.9"),
    ("ph", "A", "7.5", "7.6"),
    ("ph", "B", "4.0", "3.9"),
    ("ph", "B", "8.5", "8.6"),
    ("ph", "C", "4.0", "3.9"),
    ("ph", "C", "9.0", "9.1"),
    ("fastness-water", "A", "3-4", "3"),
    ("fastness-water", "B", "3", "2-3"),
    ("fastness-water", "C", "3", "2-3"),
    ("fastness-acid-perspiration", "A", "3-4", "3"),
    ("fastness-acid-perspiration", "B", "3", "2-3"),
    ("fastness-acid-perspiration", "C", "3", "2-3"),
    ("fastness-alkaline-perspiration", "A", "3-4", "3"),
    ("fastness-alkaline-perspiration", "B", "3", "2-3"),
    ("fastness-alkaline-perspiration", "C", "3", "2-3"),
    ("fastness-dry-rubbing", "A", "4", "3-4"),
    ("fastness-dry-rubbing", "B", "3", "2-3"),
    ("fastness-dry-rubbing", "C", "3", "2-3"),
    ("fastness-saliva", "A", "4", "3-4"),
]


@pytest.mark.parametrize("code, category, on_limit, past_it", BOUNDARIES)
def test_every_category_passes_on_its_limit_and_fails_one_step_past(
    gb, code, category, on_limit, past_it
):
    assert judge(gb, code, category, on_limit).result == PASS
    failed = judge(gb, code, category, past_it)
    assert failed.result == FAIL
    assert f"category {category}" in failed.explanation and "GB 18401-2010" in failed.explanation


@pytest.mark.parametrize("category", ["A", "B", "C"])
def test_half_grades_sit_between_their_whole_grades(gb, category):
    minimum = "3-4" if category == "A" else "3"
    assert judge(gb, "fastness-water", category, "4-5").result == PASS
    assert judge(gb, "fastness-water", category, "4").result == PASS
    if category == "A":
        assert judge(gb, "fastness-water", "A", "3").result == FAIL  # below 3-4
    assert f"at least {minimum}" in judge(gb, "fastness-water", category, "5").explanation


def test_category_c_requires_perspiration_fastness_of_3(gb):
    with unscoped():
        limits = Limit.objects.filter(standard=gb, category="C", indicator__code__contains="persp")
        assert sorted((lim.indicator.code, lim.minimum) for lim in limits) == [
            ("fastness-acid-perspiration", Decimal(3)),
            ("fastness-alkaline-perspiration", Decimal(3)),
        ]
    failed = judge(gb, "fastness-acid-perspiration", "C", "2-3")
    assert failed.explanation == (
        "colour fastness to acid perspiration 2-3 is below the category C minimum of 3 "
        "(GB 18401-2010)."
    )


def test_the_data_migration_gives_an_existing_catalogue_category_c_perspiration(gb):
    migration = importlib.import_module(
        "standards.migrations.0008_category_c_perspiration_and_detection_limits"
    )
    with unscoped():
        Limit.objects.filter(standard=gb, category="C", indicator__code__contains="persp").delete()
        Indicator.objects.filter(code="formaldehyde").update(detection_limit=None)
        migration.forward(apps, None)
        migration.forward(apps, None)  # a rerun adds nothing twice
        assert (
            Limit.objects.filter(standard=gb, category="C", minimum=3)
            .filter(indicator__code__contains="persp")
            .count()
            == 2
        )
        assert Indicator.objects.get(code="formaldehyde").detection_limit == 20
    assert judge(gb, "fastness-alkaline-perspiration", "C", "2-3").result == FAIL


@pytest.mark.parametrize("raw", ["未检出", "ND", "nd", "N.D.", "<20", "＜20"])
@pytest.mark.parametrize("category", ["A", "B", "C"])
def test_formaldehyde_not_detected_passes_every_category(gb, raw, category):
    judged = judge(gb, "formaldehyde", category, raw)
    assert judged.result == PASS
    assert judged.explanation.startswith("formaldehyde content not detected (below 20 mg/kg)")


def test_not_detected_reads_in_chinese_too(gb):
    with translation.override("zh-hans"):
        text = judge(gb, "formaldehyde", "A", "未检出").explanation
    assert (
        text == "甲醛含量未检出（低于 20 mg/kg）：符合 A 类要求（不超过 20 mg/kg，GB 18401-2010）。"
    )


def test_not_detected_above_a_stricter_limit_cannot_be_judged(gb):
    with unscoped():
        stricter = Limit.objects.get(standard=gb, indicator__code="formaldehyde", category="A")
        stricter.maximum = Decimal(16)
        stricter.save()
    with pytest.raises(UnreadableResult, match="cannot be judged against the limit of 16"):
        judge(gb, "formaldehyde", "A", "ND")
    assert judge(gb, "formaldehyde", "A", "<10").result == PASS  # a lab's own lower limit


def test_not_detected_without_a_detection_limit_is_refused_naming_the_indicator(gb):
    with pytest.raises(UnreadableResult, match="no detection limit for pH value"):
        judge(gb, "ph", "B", "未检出")


def test_amines_under_their_limit_count_as_not_detected(gb):
    assert judge(gb, "azo-amines", "A", "ND").result == PASS
    assert judge(gb, "azo-amines", "A", "19.9").result == PASS
    assert judge(gb, "azo-amines", "A", "20.1").result == FAIL
    assert judge(gb, "azo-amines", "A", "<20").result == PASS
    with pytest.raises(UnreadableResult, match="decomposable .* “below 30” cannot be judged"):
        judge(gb, "azo-amines", "A", "<30")


@pytest.mark.parametrize(
    "code, raw, said",
    [
        ("formaldehyde", "-1", "cannot be below zero"),
        ("formaldehyde", "-0.1", "cannot be below zero"),
        ("formaldehyde", "<0", "cannot be below zero"),
        ("formaldehyde", "<-5", "cannot be below zero"),
        ("ph", "-0.5", "cannot be below zero"),
        ("azo-amines", "-1", "cannot be below zero"),
        ("fastness-water", "-1", "is not a grade"),
        ("fibre-content", "棉 100 (100), 涤纶 -0.5", "涤纶 cannot be below zero"),
    ],
)
def test_a_negative_reading_is_refused(gb, code, raw, said):
    standard = catalogue_standard("GB/T 29862-2013") if code.startswith("fibre") else gb
    with pytest.raises(UnreadableResult, match=said):
        judge(standard, code, "B", raw)


@pytest.mark.parametrize(
    "code, raw, said",
    [
        ("ph", "14.1", "too large for pH value: it is at most 14"),
        ("ph", "99", "too large for pH value"),
        ("formaldehyde", "1000001", "too large for formaldehyde content: it is at most 1000000"),
        ("formaldehyde", "1e9", "too large for formaldehyde content"),
        ("azo-amines", "2000000", "too large for decomposable carcinogenic aromatic amine dyes"),
        ("fibre-content", "棉 101 (100)", "fibre content: 棉 101% is too large"),
    ],
)
def test_a_reading_too_large_for_the_indicator_is_refused_naming_it(gb, code, raw, said):
    standard = catalogue_standard("GB/T 29862-2013") if code.startswith("fibre") else gb
    with pytest.raises(UnreadableResult, match=said):
        judge(standard, code, "B", raw)


def test_ph_of_14_is_read(gb):
    assert judge(gb, "ph", "C", "14").result == FAIL


@pytest.mark.parametrize(
    "exemption, code, exempt",
    [
        ("undyed_or_bleached", "fastness-water", True),
        ("undyed_or_bleached", "fastness-dry-rubbing", True),
        ("undyed_or_bleached", "fastness-acid-perspiration", True),
        ("hand_dyed", "fastness-saliva", True),
        ("undyed_or_bleached", "formaldehyde", False),
        ("hanging_decorative", "fastness-acid-perspiration", True),
        ("hanging_decorative", "fastness-alkaline-perspiration", True),
        ("hanging_decorative", "fastness-water", False),
        ("hanging_decorative", "ph", False),
    ],
)
def test_an_exempt_indicator_is_not_judged(gb, exemption, code, exempt):
    reading = {"formaldehyde": "500", "ph": "10"}.get(code, "1")  # each fails if judged
    judged = judge(gb, code, "A", reading, exemptions=[exemption])
    assert judged.result == (NOT_JUDGED if exempt else FAIL)
    if exempt:
        assert judged.explanation.startswith(f"{judged.indicator.name} not required: ")
        assert judged.explanation.endswith("(GB 18401-2010).")


def test_the_exemption_is_said_in_chinese(gb):
    judged = judge(gb, "fastness-acid-perspiration", "C", "", exemptions=["hanging_decorative"])
    with translation.override("zh-hans"):
        text = judged.explanation
    assert text == "耐酸汗渍色牢度（变色、沾色）不要求：悬挂类装饰产品（如窗帘）（GB 18401-2010）。"


def test_an_unknown_exemption_is_refused(gb):
    with pytest.raises(ValidationError, match="curtains: not an exemption"):
        judge(gb, "fastness-water", "B", "3", exemptions=["curtains"])


FIBRES = [
    # fabric: the general tolerance, 5 points
    ("fibre-content", "棉 60 (65), 涤纶 40 (35)", PASS, "fibre_content_meets"),
    ("fibre-content", "棉 59.9 (65), 涤纶 40.1 (35)", FAIL, "fibre_off"),
    # a fibre labelled at 10 % or less: 3 points
    ("fibre-content", "棉 87 (90), 涤纶 13 (10)", PASS, "fibre_content_meets"),
    ("fibre-content", "棉 86.9 (90), 涤纶 13.1 (10)", FAIL, "fibre_off"),
    # at 3 % or less it must be found
    ("fibre-content", "棉 99.9 (97), 氨纶 0.1 (3)", PASS, "fibre_content_meets"),
    ("fibre-content", "棉 100 (97), 氨纶 0 (3)", FAIL, "fibre_missing"),
    # a product of one fibre; traces up to 0.5 % may be labelled so or left off
    ("fibre-content", "棉 99.6 (100), 氨纶 0.4 (微量)", PASS, "fibre_content_meets"),
    ("fibre-content", "棉 99.5 (100), 氨纶 0.5", PASS, "fibre_content_meets"),
    ("fibre-content", "氨纶 0.6, 棉 99.4 (100)", FAIL, "fibre_unlabelled"),
    ("fibre-content", "棉 99.4 (100), 氨纶 0.3 (微量), 涤纶 0.3", FAIL, "fibre_off"),
    (
        "fibre-content",
        "羊毛 49.4 (50), 棉 50 (50), 氨纶 0.3 (微量), 涤纶 0.3",
        FAIL,
        "fibre_traces",
    ),
    # filling: a fibre at 20 % or less: 5 points; at 5 % or less it must be found
    ("fibre-content-filling", "棉 85 (80), 聚酯纤维 15 (20)", PASS, "fibre_content_meets"),
    ("fibre-content-filling", "棉 74.9 (80), 聚酯纤维 25.1 (20)", FAIL, "fibre_off"),
    ("fibre-content-filling", "棉 100 (95), 聚酯纤维 0 (5)", FAIL, "fibre_missing"),
    # filling: the general tolerance, 10 points
    ("fibre-content-filling", "棉 40 (50), 聚酯纤维 60 (50)", PASS, "fibre_content_meets"),
    ("fibre-content-filling", "棉 39.9 (50), 聚酯纤维 60.1 (50)", FAIL, "fibre_off"),
]


@pytest.mark.parametrize("code, raw, result, sentence", FIBRES)
def test_fibre_content_against_the_label(gb, code, raw, result, sentence):
    judged = judge(catalogue_standard("GB/T 29862-2013"), code, "B", raw)
    assert (judged.result, judged.code) == (result, sentence)


def test_the_fibre_sentence_names_fibre_measured_labelled_and_tolerance(gb):
    standard = catalogue_standard("GB/T 29862-2013")
    failed = judge(standard, "fibre-content", "B", "棉 86.9 (90), 涤纶 13.1 (10)")
    assert failed.explanation == (
        "fibre content: 涤纶 measured 13.1% against 10% labelled, more than the 3 points "
        "allowed (GB/T 29862-2013)."
    )
    passed = judge(standard, "fibre-content", "B", "棉 95.2（95）、聚酯纤维 4.8（5）")
    assert "棉 95.2% (labelled 95%, ±5), 聚酯纤维 4.8% (labelled 5%, ±3)" in passed.explanation
    with translation.override("zh-hans"):
        assert "涤纶实测 13.1%，标注 10%，超出允差 3 个百分点" in failed.explanation


def test_the_label_may_be_given_apart_from_the_reading(gb):
    standard = catalogue_standard("GB/T 22796-2021")
    judged = judge(
        standard, "fibre-content", "B", "棉 95.2, 聚酯纤维 4.8", labelled="棉 95, 聚酯纤维 5"
    )
    assert judged.result == PASS


@pytest.mark.parametrize(
    "raw, said",
    [
        ("棉 95.2, 聚酯纤维 4.8", "labelled contents add up to 0%"),
        ("棉 95 (90), 聚酯纤维 5 (5)", "labelled contents add up to 95%"),
        ("棉 90 (95), 聚酯纤维 5 (5)", "measured contents add up to 95%"),
        ("about 95 cotton", "is not a fibre and its content"),
        ("棉 95 (95), 棉 5 (5)", "named twice"),
    ],
)
def test_a_composition_that_cannot_be_read_is_refused(gb, raw, said):
    with pytest.raises(UnreadableResult, match=said):
        judge(catalogue_standard("GB/T 29862-2013"), "fibre-content", "B", raw)


def test_the_general_tolerance_is_marked_unconfirmed_in_the_catalogue(gb):
    with unscoped():
        general = Limit.objects.get(
            standard__code="GB/T 29862-2013", indicator__code="fibre-content"
        )
    assert general.unconfirmed and general.clause == "7.4"
    assert "not yet checked" in general.note
    assert "±5" in general.describe()


def test_the_home_textile_key_indicators_each_have_a_method_and_a_bedding_limit(gb):
    assert len(catalogue.KEY_INDICATORS) == 15
    with unscoped():
        bedding = Standard.objects.get(code="GB/T 22796-2021")
        for code in catalogue.KEY_INDICATORS:
            indicator = Indicator.objects.select_related("method").get(code=code)
            assert indicator.method is not None, code
            assert Limit.objects.filter(standard=bedding, indicator=indicator).exists(), code


@pytest.mark.parametrize(
    "standard, code, passing, failing",
    [
        ("GB 2762-2022", "cadmium", "0.2", "0.21"),
        ("GB 2762-2022", "lead", "0.2", "0.21"),
        ("GB 2761-2017", "aflatoxin-b1", "10", "10.1"),
        ("GB/T 1354-2018", "moisture", "14.5", "15.6"),
        ("GB 18285-2018", "co-low-idle", "0.40", "0.41"),
        ("GB 3847-2018", "smoke-opacity", "0.70", "0.71"),
        ("GB 7258-2017", "side-slip", "-5.0", "-5.1"),
        ("GB 7258-2017", "service-brake", "60", "59.9"),
    ],
)
def test_rice_and_vehicle_limits_are_judged(gb, standard, code, passing, failing):
    standard = catalogue_standard(standard)
    assert judge(standard, code, "B", passing).result == PASS
    assert judge(standard, code, "B", failing).result == FAIL


def test_rice_cadmium_below_the_labs_limit_passes_and_a_share_over_100_is_refused(gb):
    assert judge(catalogue_standard("GB 2762-2022"), "cadmium", "B", "<0.01").result == PASS
    with pytest.raises(UnreadableResult, match="too large for moisture: it is at most 100"):
        judge(catalogue_standard("GB/T 1354-2018"), "moisture", "B", "100.1")


# Through the batch: request (exempt indicators neither tested nor charged) and the lab's
# enter step.


def batch_of(tenant, standard, category, codes, exemptions=()):
    with unscoped():
        standard = Standard.objects.get(code=standard)
        indicators = None if codes is None else list(Indicator.objects.filter(code__in=codes))
    with scope({tenant.cooperative.pk}):
        return batches.request_batch(
            member=tenant.member,
            actor=tenant.enterprise,
            standard=standard,
            lab=tenant.lab.institution,
            product="窗帘",
            safety_category=category,
            indicators=indicators,
            exemptions=list(exemptions),
        )


def received(tenant, batch):
    with scope({tenant.cooperative.pk}):
        sample(tenant, batch)
        batches.receive(batch=batch, actor=tenant.lab)
        return Batch.objects.get(pk=batch.pk)


def enter(tenant, batch, values):
    with scope({tenant.cooperative.pk}):
        batches.enter_results(batch=batch, actor=tenant.lab, values=values)
        return {r.indicator.code: r for r in batch.results.select_related("indicator")}


def test_a_curtain_is_neither_tested_nor_charged_for_perspiration(coop_a, priced):  # noqa: F811
    batch = batch_of(coop_a, "GB 18401-2010", "C", None, exemptions=["hanging_decorative"])
    with scope({coop_a.cooperative.pk}):
        tested = set(batch.results.values_list("indicator__code", flat=True))
    assert batch.exemptions == ["hanging_decorative"]
    assert "fastness-acid-perspiration" not in tested
    assert "fastness-alkaline-perspiration" not in tested
    assert "fastness-water" in tested and "formaldehyde" in tested
    assert batch.cost == Decimal(100) * len(tested)
    plain = batch_of(coop_a, "GB 18401-2010", "C", None)
    with scope({coop_a.cooperative.pk}):
        assert plain.results.count() == len(tested) + 2  # C judges perspiration fastness


def test_an_undyed_product_chooses_no_colour_fastness_even_when_ticked(coop_a, priced):  # noqa: F811
    codes = ["formaldehyde", "fastness-water", "fastness-dry-rubbing"]
    batch = batch_of(coop_a, "GB 18401-2010", "B", codes, exemptions=["undyed_or_bleached"])
    with scope({coop_a.cooperative.pk}):
        assert list(batch.results.values_list("indicator__code", flat=True)) == ["formaldehyde"]
    with pytest.raises(ValidationError) as refused:
        batch_of(coop_a, "GB 18401-2010", "B", ["fastness-water"], ["undyed_or_bleached"])
    assert "indicators" in refused.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        batch_of(coop_a, "GB 18401-2010", "B", codes, exemptions=["painted"])
    assert "painted" in unknown.value.message_dict["exemptions"][0]


def test_the_enter_step_judges_not_detected_and_refuses_negative_and_huge(coop_a, priced):  # noqa: F811
    codes = ["formaldehyde", "ph", "fastness-acid-perspiration"]
    batch = received(coop_a, batch_of(coop_a, "GB 18401-2010", "C", codes))
    with pytest.raises(ValidationError) as refused:
        enter(coop_a, batch, {"formaldehyde": "-1", "ph": "15", "fastness-acid-perspiration": "3"})
    errors = refused.value.message_dict
    assert "cannot be below zero" in errors["formaldehyde"][0]
    assert "too large for pH value" in errors["ph"][0]
    with scope({coop_a.cooperative.pk}):
        assert Batch.objects.get(pk=batch.pk).status == Batch.Status.RECEIVED  # nothing written
    results = enter(
        coop_a, batch, {"formaldehyde": "未检出", "ph": "6.5", "fastness-acid-perspiration": "2-3"}
    )
    assert results["formaldehyde"].verdict == PASS
    assert results["formaldehyde"].explained.startswith("formaldehyde content not detected")
    assert results["fastness-acid-perspiration"].verdict == FAIL  # category C: at least 3


def test_the_enter_step_judges_fibre_content_against_the_label(coop_a, priced):  # noqa: F811
    batch = received(
        coop_a, batch_of(coop_a, "GB/T 22796-2021", "B", ["fibre-content", "formaldehyde"])
    )
    results = enter(
        coop_a, batch, {"fibre-content": "棉 86.9 (90), 涤纶 13.1 (10)", "formaldehyde": "ND"}
    )
    assert results["fibre-content"].verdict == FAIL
    assert "more than the 3 points allowed" in results["fibre-content"].explained
    assert results["formaldehyde"].verdict == PASS


def test_the_batch_page_says_the_exemption_in_words_to_its_cooperative_only(
    coop_a,
    coop_b,
    priced,  # noqa: F811
    client,
):
    batch = batch_of(coop_a, "GB 18401-2010", "C", None, exemptions=["hanging_decorative"])
    client.force_login(coop_a.enterprise)
    page = client.get(f"/c/coop-a/tests/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert page.status_code == 200 and "悬挂类装饰产品（如窗帘）" in text
    assert "hanging_decorative" not in text
    client.force_login(coop_b.enterprise)
    assert client.get(f"/c/coop-a/tests/{batch.pk}/").status_code in (403, 404)
