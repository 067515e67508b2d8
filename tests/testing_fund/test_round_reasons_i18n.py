"""A sampling round keeps why each member was drawn as codes with parameters and says it in the
reader's language when read: a round planned in Chinese reads in English to an English reader,
on its page and through the API; the stratum is named by district and product category, never
by the category's code or the district's id."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from coop.tenancy import scope, unscoped
from credit.models import Complaint, CreditGrade
from members.models import MemberProductCategory
from standards.models import ProductCategory, Standard
from testing_fund import round_words
from testing_fund.models import Batch, SamplingRound
from testing_fund.services import rounds
from testing_fund.services.fund import adjust
from tests.factories import MemberFactory


@pytest.fixture
def ten(coop_a, priced):
    """Ten active bedding members of a district named in both languages, one with a failed
    batch, a valid complaint and a C grade, and money in the fund."""
    district = coop_a.cooperative.district
    district.name_zh, district.name_en = "海门区", "Haimen District"
    district.save()
    with scope({coop_a.cooperative.pk}):
        adjust(fund=priced, actor=coop_a.admin, amount=Decimal(99000), reason="追加拨款")
    members = [coop_a.member, *(MemberFactory(cooperative=coop_a.cooperative) for _ in range(9))]
    risky, today = members[3], date.today()
    with unscoped():
        bedding = ProductCategory.objects.get(code="bedding")
        for member in members:
            MemberProductCategory.objects.create(
                cooperative=coop_a.cooperative, member=member, category=bedding
            )
        Batch.objects.create(
            cooperative=coop_a.cooperative,
            member=risky,
            fund=priced,
            standard=Standard.objects.get(code="GB 18401-2010"),
            lab=coop_a.lab.institution,
            product="x",
            safety_category="B",
            passed=False,
            reported_on=today,
        )
        Complaint.objects.create(
            cooperative=coop_a.cooperative,
            member=risky,
            product="被套",
            description="起球",
            triage="valid",
            tracking_code="TS1",
        )
        CreditGrade.objects.create(
            cooperative=coop_a.cooperative,
            member=risky,
            grade="C",
            score=55,
            valid_from=today - timedelta(days=365),
            valid_until=today,
        )
    return members


def planned(coop_a, coverage="1"):
    """A round planned by a Chinese reader, every member drawn."""
    with unscoped():
        standard = Standard.objects.get(code="GB 18401-2010")
    with scope({coop_a.cooperative.pk}), translation.override("zh-hans"):
        return rounds.preview_round(
            cooperative=coop_a.cooperative,
            actor=coop_a.admin,
            name="第四季度监督抽查",
            coverage=Decimal(coverage),
            lab=coop_a.lab.institution,
            standard=standard,
            seed=7,
        )


ENGLISH = [
    "Stratified sampling: Haimen District · Bedding, 10 of 10 members",
    "1 failed batch(es) in the last year",
    "1 valid complaint(s) in the last year",
    "credit grade C",
]
CHINESE = [
    "分层抽样：海门区 · 床上用品，10 家中抽 10 家",
    "近一年 1 批次不合格",
    "近一年 1 件有效投诉",
    "信用等级 C",
]


def test_the_round_keeps_codes_with_parameters(coop_a, ten):
    sampling_round = planned(coop_a)
    risky = next(row for row in sampling_round.selection if row["member"] == ten[3].pk)
    assert risky["reasons"] == [
        {
            "code": "stratum",
            "params": {
                "district": coop_a.cooperative.district_id,
                "category": "bedding",
                "taken": 10,
                "size": 10,
            },
        },
        {"code": "failed_batches", "params": {"count": 1}},
        {"code": "valid_complaints", "params": {"count": 1}},
        {"code": "low_grade", "params": {"grade": "C"}},
    ]
    # kept as stored JSON, with no text in any language
    with unscoped():
        stored = json.dumps(SamplingRound.objects.get(pk=sampling_round.pk).selection)
    assert "分层" not in stored and "Stratified" not in stored


def test_the_page_reads_the_reasons_in_the_readers_language(coop_a, ten, client):
    sampling_round = planned(coop_a)
    client.force_login(coop_a.admin)
    path = f"/c/coop-a/rounds/{sampling_round.pk}/"
    for language, words in [("en", ENGLISH), ("zh-hans", CHINESE)]:
        page = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        rows = {row["member"]: row["reasons"] for row in page.context["rows"]}
        assert rows[ten[3].pk] == words
        assert rows[ten[4].pk] == words[:1]
        html = page.content.decode()
        assert words[0] in html and words[3] in html
        # the stratum's key never shows: not the category's code, not the district's id
        stratum = f"{coop_a.cooperative.district_id}/bedding"
        assert stratum not in html and "bedding" not in " ".join(rows[ten[3].pk])


def test_the_api_reads_the_reasons_in_the_requests_language(coop_a, ten, api):
    sampling_round = planned(coop_a)
    client = api(coop_a.admin)
    path = f"/api/v1/coops/coop-a/rounds/{sampling_round.pk}/"
    for language, words in [("en", ENGLISH), ("zh-hans", CHINESE)]:
        body = client.get(path, HTTP_ACCEPT_LANGUAGE=language).json()
        risky = next(row for row in body["selection"] if row["member"] == ten[3].pk)
        assert risky["reasons"] == words
        assert risky["reason_codes"][0]["params"]["category"] == "bedding"  # raw, alongside
        listed = client.get("/api/v1/coops/coop-a/rounds/", HTTP_ACCEPT_LANGUAGE=language).json()
        row = next(r for r in listed["results"][0]["selection"] if r["member"] == ten[3].pk)
        assert row["reasons"] == words


def test_the_renderer_follows_the_active_language(coop_a, ten):
    sampling_round = planned(coop_a)
    rows = sampling_round.selection
    with translation.override("en"):
        assert round_words.selection_in_words(sampling_round, rows)[ten[3].pk] == ENGLISH
    with translation.override("zh-hans"):
        assert round_words.selection_in_words(sampling_round, rows)[ten[3].pk] == CHINESE


def test_a_round_kept_in_text_shows_its_stratum_in_words_and_the_rest_as_stored(coop_a, ten):
    sampling_round = planned(coop_a)
    key = f"{coop_a.cooperative.district_id}/bedding"
    legacy = [
        {"member": row["member"], "weight": row["weight"], "reasons": [f"分层 {key}", "新入社"]}
        for row in sampling_round.selection
    ]
    with unscoped():
        SamplingRound.objects.filter(pk=sampling_round.pk).update(selection=legacy)
        sampling_round.refresh_from_db()
    with translation.override("en"):
        said = round_words.selection_in_words(sampling_round, sampling_round.selection)
    assert said[ten[3].pk] == [ENGLISH[0], "新入社"]


QUERIES = 6


def test_the_round_page_reads_its_names_in_a_fixed_number_of_queries(
    coop_a, ten, client, django_assert_num_queries
):
    sampling_round = planned(coop_a)
    client.force_login(coop_a.admin)
    path = f"/c/coop-a/rounds/{sampling_round.pk}/"
    client.get(path)
    # session, user, cooperative, the round with its lab and standard, the districts and
    # categories its reasons name (one query for both), its members' names: never one per row
    with django_assert_num_queries(QUERIES):
        assert client.get(path).status_code == 200
