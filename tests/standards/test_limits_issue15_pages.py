"""Issue 15 point 7 on the pages and the API: the catalogue shows each limit's clause and marks
a value not confirmed against the standard's text, in the reader's language; the verdict
endpoint takes the exemptions and a fibre label."""

from django.utils import translation

from tests.standards.conftest import standard

VERDICT = "/api/v1/standards/verdict/"


def test_a_standard_page_marks_an_unconfirmed_limit_with_its_note(loaded, client):
    page = client.get(f"/standards/{standard('GB 2762-2022').pk}/").content.decode()
    assert "镉（以Cd计）" in page and "≤ 0.20" in page
    assert "未核对" in page and "未与标准原文核对" in page
    with translation.override("en"):
        english = client.get(
            f"/standards/{standard('GB 2762-2022').pk}/", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert "not confirmed" in english and "not yet checked against the standard" in english


def test_a_confirmed_limit_cites_its_table_and_is_not_marked(loaded, client):
    page = client.get(f"/standards/{standard('GB 18401-2010').pk}/").content.decode()
    assert "表1" in page and "未核对" not in page


def test_the_fibre_tolerances_show_on_the_page(loaded, client):
    page = client.get(f"/standards/{standard('GB/T 29862-2013').pk}/").content.decode()
    assert "标注值 ±5；≤ 10% 的纤维 ±3，≤ 3% 的不得为 0" in page
    assert "标注值 ±10；≤ 20% 的纤维 ±5，≤ 5% 的不得为 0" in page


def test_the_verdict_endpoint_takes_exemptions_and_a_label(loaded, coop_a, api):
    caller = api(coop_a.lab)
    exempt = caller.post(
        VERDICT,
        {
            "standard": standard("GB 18401-2010").pk,
            "indicator": "fastness-acid-perspiration",
            "category": "C",
            "result": "",
            "exemptions": ["hanging_decorative"],
        },
        format="json",
    )
    assert exempt.status_code == 200, exempt.content[:300]
    assert exempt.json()["result"] == ""
    assert exempt.json()["explanation"].startswith("耐酸汗渍色牢度（变色、沾色）不要求")
    unknown = caller.post(
        VERDICT,
        {
            "standard": standard("GB 18401-2010").pk,
            "indicator": "fastness-water",
            "category": "C",
            "result": "3",
            "exemptions": ["curtain"],
        },
        format="json",
    )
    assert unknown.status_code == 400 and "exemptions" in unknown.json()
    fibre = caller.post(
        VERDICT,
        {
            "standard": standard("GB/T 22796-2021").pk,
            "indicator": "fibre-content",
            "category": "B",
            "result": "棉 92, 涤纶 8",
            "labelled": "棉 95, 涤纶 5",
        },
        format="json",
    )
    assert fibre.status_code == 200 and fibre.json()["result"] == "pass"
    nd = caller.post(
        VERDICT,
        {
            "standard": standard("GB 18401-2010").pk,
            "indicator": "formaldehyde",
            "category": "A",
            "result": "未检出",
        },
        format="json",
    )
    assert nd.json() == {
        "result": "pass",
        "explanation": "甲醛含量未检出（低于 20 mg/kg）：符合 A 类要求（不超过 20 mg/kg，GB 18401-2010）。",
    }
