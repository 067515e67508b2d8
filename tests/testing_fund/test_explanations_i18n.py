"""A result's explanation is kept as a code with parameters and written in the reader's
language when read; a categorical reading shows through its label ("none" is 无 in Chinese), on
the batch page, in the API and in the test report PDF, never as the bare code."""

import importlib
import io

import pypdfium2
import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import translation

from coop.models import Document
from coop.tenancy import scope, unscoped
from standards.models import Indicator
from standards.notation import reading_in_words
from testing_fund.models import Result
from testing_fund.services import batches
from testing_fund.tasks import issue_test_report
from tests.factories import UserFactory
from tests.testing_fund.conftest import request, sample
from tests.testing_fund.test_workflow import through

# A lab that types the odour's code, not its Chinese label.
READINGS = {"formaldehyde": "82", "ph": "6.5", "odour": "none"}
FILL = "0017_result_explanation_code"


@pytest.fixture
def second_technician(coop_a):
    return UserFactory(role="lab_technician", institution=coop_a.lab.institution)


def results_of(batch):
    with unscoped():
        return {r.indicator.code: r for r in Result.objects.filter(batch=batch)}


def test_the_same_row_reads_in_the_readers_language(coop_a, priced, second_technician):
    results = results_of(through(coop_a, second_technician, READINGS))
    formaldehyde, odour = results["formaldehyde"], results["odour"]
    assert formaldehyde.explanation_code == "above_maximum" and formaldehyde.explanation == ""
    assert formaldehyde.explanation_params == {
        "indicator": "formaldehyde",
        "standard": "GB 18401-2010",
        "category": "B",
        "unit": "mg/kg",
        "value": "82",
        "limit": "75",
    }
    assert odour.explanation_params["value"] == "none"  # a category stays a code
    with translation.override("en"):
        assert formaldehyde.explained == (
            "formaldehyde content 82 mg/kg exceeds the category B limit of 75 mg/kg "
            "(GB 18401-2010)."
        )
        assert odour.explained == "odour: none, as category B requires (GB 18401-2010)."
        assert odour.reading == "none"
    with translation.override("zh-hans"):
        assert (
            formaldehyde.explained == "甲醛含量 82 mg/kg 超过 B 类限量 75 mg/kg（GB 18401-2010）。"
        )
        assert odour.explained == "异味：无，符合 B 类要求（GB 18401-2010）。"
        assert odour.reading == "无"


def test_a_refused_category_names_the_allowed_labels_in_the_readers_language(
    coop_a, priced, second_technician
):
    odour = results_of(through(coop_a, second_technician, dict(READINGS, odour="有")))["odour"]
    assert (odour.verdict, odour.explanation_code) == ("fail", "category_refused")
    assert odour.explanation_params["allowed"] == ["none"]
    with translation.override("en"):
        assert odour.explained.startswith("odour: present, where category B requires none ")
    with translation.override("zh-hans"):
        assert odour.explained.startswith("异味：有，而 B 类要求为无")


@pytest.mark.parametrize(
    "code, raw, english, chinese",
    [
        ("odour", "none", "none", "无"),
        ("odour", " 有 ", "present", "有"),
        ("odour", "faint", "faint", "faint"),  # not a category: shown as written
        ("azo-amines", "ND", "not detected", "未检出"),
        ("azo-amines", "检出", "detected", "检出"),
        ("azo-amines", "12", "12", "12"),
        ("fastness-water", "3-4", "3-4", "3-4"),
    ],
)
def test_a_reading_in_words(priced, code, raw, english, chinese):
    indicator = Indicator.objects.get(code=code)
    with translation.override("en"):
        assert reading_in_words(indicator, raw) == english
    with translation.override("zh-hans"):
        assert reading_in_words(indicator, raw) == chinese


def test_the_batch_page_and_the_api_read_in_the_requests_language(
    coop_a, priced, second_technician, client, api
):
    batch = through(coop_a, second_technician, READINGS)
    client.force_login(coop_a.enterprise)
    page = f"/c/coop-a/tests/{batch.pk}/"
    english = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "exceeds the category B limit of 75 mg/kg" in english
    assert "odour: none, as category B requires" in english
    assert "超过 B 类限量 75 mg/kg" in chinese and "exceeds" not in chinese
    assert ">无</td>" in chinese and ">none</td>" not in chinese
    path = f"/api/v1/coops/coop-a/batches/{batch.pk}/"
    for language, sentence, reading in [
        ("en", "exceeds the category B limit", "none"),
        ("zh-hans", "超过 B 类限量", "无"),
    ]:
        body = api(coop_a.enterprise).get(path, HTTP_ACCEPT_LANGUAGE=language).json()
        rows = {row["indicator"]: row for row in body["results"]}
        assert sentence in rows["formaldehyde"]["explanation"]
        assert rows["formaldehyde"]["explanation_code"] == "above_maximum"
        assert (rows["odour"]["raw"], rows["odour"]["reading"]) == ("none", reading)


def test_the_labs_entry_form_shows_a_category_reading_by_its_label(coop_a, priced, client):
    batch = request(coop_a)
    with scope({coop_a.cooperative.pk}):
        sample(coop_a, batch)
        batches.receive(batch=batch, actor=coop_a.lab)
        batch.results.filter(indicator__code="odour").update(raw="none")  # as typed before
    client.force_login(coop_a.lab)
    for language, label in [("zh-hans", "无"), ("en", "none")]:
        page = client.get(f"/c/coop-a/tests/{batch.pk}/", HTTP_ACCEPT_LANGUAGE=language)
        assert f'name="value-odour" value="{label}"' in page.content.decode()


def test_the_report_pdf_says_wu_for_an_odour_of_none(coop_a, priced, second_technician):
    batch = through(coop_a, second_technician, READINGS)
    with scope({coop_a.cooperative.pk}):
        batches.report(batch=batch, actor=coop_a.admin)
        # Issued for an English-speaking reader: the report is Chinese all the same.
        with translation.override("en"):
            number = issue_test_report(coop_a.cooperative.pk, batch.pk)
    with unscoped():
        content = Document.objects.get(number=number).file.read()
    page = pypdfium2.PdfDocument(io.BytesIO(content))[0]
    text = "".join(page.get_textpage().get_text_range().split())
    # The indicator (outside the lab's scope: *), its method, the requirement and the reading.
    assert "异味*GB18401-2010无无" in text
    assert "超过B类限量75mg/kg" in text  # the failure said in words, in the notes
    assert "none" not in text.lower()


def fill_codes():
    """Run the migration's fill on the database as it is, with the models of its time."""
    state = MigrationLoader(connection).project_state(("testing_fund", FILL))
    migration = importlib.import_module(f"testing_fund.migrations.{FILL}")
    migration.give_codes(state.apps, None)


def test_the_migration_judges_old_rows_again_and_keeps_what_it_cannot(
    coop_a, priced, second_technician
):
    results = results_of(through(coop_a, second_technician, READINGS))
    # As the portal kept them before: the text in the lab user's language, no code. The pH
    # row's text no longer matches what its limit gives (the limit changed since).
    written = {}
    for code, language in [("formaldehyde", "zh-hans"), ("odour", "en"), ("ph", "zh-hans")]:
        with translation.override(language):
            written[code] = results[code].explained
    written["ph"] = "pH值 6.5 符合 B 类要求（4.0–9.0，GB 18401-2010）。"
    with unscoped():
        for code, text in written.items():
            Result.objects.filter(pk=results[code].pk).update(
                explanation=text, explanation_code="", explanation_params={}
            )
    fill_codes()
    filled = results_of(results["ph"].batch_id)
    assert filled["formaldehyde"].explanation_code == "above_maximum"
    assert filled["formaldehyde"].explanation_params == results["formaldehyde"].explanation_params
    assert filled["odour"].explanation_code == "category_allowed"
    assert filled["ph"].explanation_code == "" and filled["ph"].explanation_params == {}
    with translation.override("en"):
        assert filled["formaldehyde"].explained.startswith("formaldehyde content 82 mg/kg")
        assert filled["ph"].explained == written["ph"]  # the old text, as it always read


@pytest.mark.django_db
def test_a_grade_reads_with_its_counter_word_only_in_chinese():
    """The catalogue writes a colour-fastness grade's unit as 级 ("3 级"); English writes the
    bare grade, so no Chinese word is left in an English sentence."""
    from standards.verdicts import explain

    params = {
        "indicator": "no-such-indicator",
        "standard": "GB 18401-2010",
        "category": "B",
        "unit": "级",
        "value": "3",
        "minimum": "3",
        "maximum": None,
    }
    with translation.override("en"):
        english = explain("meets", params)
    with translation.override("zh-hans"):
        chinese = explain("meets", params)
    assert "级" not in english and "3 meets" in english and "at least 3," in english
    assert "3 级" in chinese
