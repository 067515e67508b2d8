"""The public's one search box (issue 16, points 1 and 4): a company by name, USCC or product,
across every cooperative, answered as cards with the grade, the commitments in force and the
latest test verdicts; the registry finds committed products and standards; the credit list
keeps one grade. Nothing staff-only in the answers, and a page is a fixed number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coop.models import Document
from coop.tenancy import unscoped
from credit.models import Commitment, CreditGrade
from members.models import Member
from standards.models import Indicator, ProductCategory, ProductDeclaration
from testing_fund.models import Batch, Result
from tests.credit.test_assessments import failed_batch
from tests.factories import MemberFactory

SEARCH = "/api/v1/public/search/"

# Every key an answer and a card may hold: a new key must be added here on purpose, after
# asking whether the public may read it.
ANSWER_KEYS = {
    "count",
    "count_is_lower_bound",  # the count stops ten pages on (coop.pagination.CappedCount)
    "next",
    "previous",
    "query",
    "suggestions",
    "results",
}
CARD_KEYS = {
    "id",
    "name",
    "identifier",
    "town",
    "main_products",
    "cooperative",
    "page",
    "grade",
    "commitments",
    "verdicts",
}
COOPERATIVE_KEYS = {"slug", "name"}
GRADE_KEYS = {"grade", "meaning", "scale", "valid_until"}
COMMITMENT_KEYS = {"products", "standards", "valid_until"}
VERDICT_KEYS = {"product", "reported_on", "passed", "failed_indicators"}


def commit(member, products="四件套、被芯", standards="GB 18401-2010、GB/T 22796-2021", **extra):
    today = timezone.localdate()
    with unscoped():
        return Commitment.objects.create(
            cooperative=member.cooperative,
            member=member,
            status=Commitment.Status.PUBLISHED,
            products=products,
            standards=standards,
            guarantees="七天无理由退货",
            review_note="审核意见REVIEW-SEARCH",
            valid_from=today - timedelta(days=10),
            valid_until=today + timedelta(days=300),
            **extra,
        )


def grade(member, letter="C"):
    today = timezone.localdate()
    with unscoped():
        return CreditGrade.objects.create(
            cooperative=member.cooperative,
            member=member,
            grade=letter,
            computed_grade=letter,
            score=Decimal("55.0"),
            factors=[],
            override_reason="改级理由OVERRIDE-SEARCH",
            valid_from=today - timedelta(days=5),
            valid_until=today + timedelta(days=360),
        )


def failed_quilt(tenant, member, on=None):
    """A reported 被芯 that failed on formaldehyde (甲醛 96 mg/kg against 75)."""
    batch = failed_batch(tenant, member, on or timezone.localdate() - timedelta(days=20))
    with unscoped():
        Batch.objects.filter(pk=batch.pk).update(
            product="被芯", seal_number="封样号SEAL-SEARCH", samplers="抽样人SAMPLER-SEARCH"
        )
        Result.objects.create(
            cooperative=member.cooperative,
            batch=batch,
            indicator=Indicator.objects.get(code="formaldehyde"),
            price=Decimal("80.00"),
            raw="96",
            verdict="fail",
        )
    return batch


@pytest.fixture
def units(coop_a, coop_b):
    """Units in two cooperatives: a's with a commitment, a grade and a failed test; b's with a
    declared product only; and an applicant and an exited unit that the public never finds."""
    with unscoped():
        Member.objects.filter(pk=coop_a.member.pk).update(
            contact_phone="13912340001", contact_person="联系人PERSON-SEARCH"
        )
        coop_a.member.refresh_from_db()
    commit(coop_a.member)
    grade(coop_a.member)
    failed_quilt(coop_a, coop_a.member)
    towels = MemberFactory(cooperative=coop_b.cooperative, name="南通毛巾织造厂")
    with unscoped():
        ProductDeclaration.objects.create(
            cooperative=coop_b.cooperative,
            member=towels,
            product="竹纤维浴巾",
            category=ProductCategory.objects.get_or_create(
                code="towels", defaults={"name_zh": "毛巾", "name_en": "Towels"}
            )[0],
            safety_category="B",
        )
    hidden = [
        MemberFactory(cooperative=coop_a.cooperative, name="申请中家纺厂", status="applied"),
        MemberFactory(cooperative=coop_b.cooperative, name="已退出家纺厂", status="exited"),
    ]
    return {"a": coop_a.member, "towels": towels, "hidden": hidden}


def names(answer):
    return [card["name"] for card in answer.json()["results"]]


def test_it_finds_a_company_by_a_part_of_its_name_across_cooperatives(api, units, coop_b):
    answer = api().get(SEARCH, {"q": "家纺"})
    assert answer.status_code == 200
    # Both cooperatives' units; the applicant and the exited unit are never found.
    assert names(answer) == [units["a"].name, coop_b.member.name]
    assert [c["cooperative"]["slug"] for c in answer.json()["results"]] == ["coop-a", "coop-b"]
    assert names(api().get(SEARCH, {"q": "南通毛巾"})) == [units["towels"].name]
    # A name that starts with the text comes first.
    assert names(api().get(SEARCH, {"q": "b 家纺"})) == [coop_b.member.name]
    assert names(api().get(SEARCH, {"q": "B 家纺"})) == [coop_b.member.name]  # Latin in any case


def test_it_finds_a_company_by_its_uscc_whole_in_any_case_or_a_long_part(api, units, coop_b):
    uscc = units["a"].uscc
    assert names(api().get(SEARCH, {"q": uscc.lower()})) == [units["a"].name]
    assert names(api().get(SEARCH, {"q": f" {uscc[:9]} "})) != []
    # Five characters of a code would match a district's every unit: not searched as a code.
    assert units["a"].name not in names(api().get(SEARCH, {"q": uscc[2:7]}))


def test_it_finds_a_company_by_a_committed_product_and_a_category_word(api, units):
    assert names(api().get(SEARCH, {"q": "被芯"})) == [units["a"].name]
    # 床品 is in no name and no product: it names the bedding that 四件套 and 被芯 are.
    assert names(api().get(SEARCH, {"q": "床品"})) == [units["a"].name]
    # A declared product, in the other cooperative, and the standard a commitment names.
    assert names(api().get(SEARCH, {"q": "浴巾"})) == [units["towels"].name]
    assert names(api().get(SEARCH, {"q": "gb/t22796"})) == [units["a"].name]


def test_a_card_holds_the_grade_commitments_and_the_failed_test_by_indicator(api, units, coop_a):
    card = api().get(SEARCH, {"q": "被芯"}).json()["results"][0]
    assert card["page"] == f"/c/coop-a/directory/{units['a'].pk}/"
    assert card["cooperative"] == {"slug": "coop-a", "name": coop_a.cooperative.name}
    assert card["grade"]["grade"] == "C" and card["grade"]["scale"] == [
        "AAA",
        "AA",
        "A",
        "B",
        "C",
        "D",
    ]
    assert card["grade"]["meaning"].startswith("信用较差")
    assert [c["products"] for c in card["commitments"]] == ["四件套、被芯"]
    (verdict,) = card["verdicts"]
    assert verdict["product"] == "被芯" and verdict["passed"] is False
    assert verdict["failed_indicators"] == ["甲醛含量"]


def test_a_withdrawn_report_and_a_retest_give_no_verdict(api, units, coop_a):
    withdrawn = failed_quilt(coop_a, units["a"], timezone.localdate() - timedelta(days=2))
    with unscoped():
        Document.objects.create(
            cooperative=coop_a.cooperative,
            kind=Document.Kind.TEST_REPORT,
            number="R-1",
            code="WITHDRAWN1",
            source_id=withdrawn.pk,
            member=units["a"],
            public_details={},
            revoked_at=timezone.now(),
        )
        retest = failed_quilt(coop_a, units["a"], timezone.localdate() - timedelta(days=1))
        Batch.objects.filter(pk=retest.pk).update(kind=Batch.Kind.RETEST)
    verdicts = api().get(SEARCH, {"q": "被芯"}).json()["results"][0]["verdicts"]
    assert len(verdicts) == 1 and verdicts[0]["reported_on"] < str(withdrawn.reported_on)


def test_the_answer_holds_public_keys_only_and_no_staff_value(api, units):
    answer = api().get(SEARCH, {"q": "家纺"})
    body = answer.content.decode()
    for planted in (
        "13912340001",
        "PERSON-SEARCH",
        "REVIEW-SEARCH",
        "OVERRIDE-SEARCH",
        "SEAL-SEARCH",
        "SAMPLER-SEARCH",
    ):
        assert planted not in body
    data = answer.json()
    assert set(data) == ANSWER_KEYS
    for card in data["results"]:
        assert set(card) == CARD_KEYS
        assert set(card["cooperative"]) == COOPERATIVE_KEYS
        assert card["grade"] is None or set(card["grade"]) == GRADE_KEYS
        assert all(set(c) == COMMITMENT_KEYS for c in card["commitments"])
        assert all(set(v) == VERDICT_KEYS for v in card["verdicts"])
    # The page shows the same and nothing more.
    page = api().get("/search/", {"q": "家纺"}).content.decode()
    assert units["a"].name in page and "甲醛含量" in page
    assert not any(value in page for value in ("13912340001", "OVERRIDE-SEARCH", "SEAL-SEARCH"))


def test_a_page_of_cards_is_five_queries_whatever_its_size(
    api, units, coop_a, django_assert_num_queries
):
    for number in range(6):
        member = MemberFactory(cooperative=coop_a.cooperative, name=f"海门被芯厂{number}")
        commit(member, products="被芯")
        grade(member, "AA")
        failed_quilt(coop_a, member)
    # count, members (with cooperative and grade), commitments, verdicts, failed indicators
    with django_assert_num_queries(5):
        answer = api().get(SEARCH, {"q": "被芯"})
    assert answer.json()["count"] == 7
    with django_assert_num_queries(5):
        page = api().get("/search/", {"q": "被芯"})
    assert page.content.decode().count('class="card search-card"') == 7


def test_the_results_are_paged(api, coop_a):
    for number in range(23):
        MemberFactory(cooperative=coop_a.cooperative, name=f"分页家纺厂{number:02d}")
    first = api().get(SEARCH, {"q": "分页"}).json()
    assert first["count"] == 23 and len(first["results"]) == 20 and "page=2" in first["next"]
    second = api().get(first["next"]).json()
    assert len(second["results"]) == 3 and second["next"] is None


def test_an_empty_box_explains_and_an_empty_answer_suggests(api, units):
    page = api().get("/search/").content.decode()
    assert "统一社会信用代码" in page and "四件套" in page
    missing = api().get(SEARCH, {"q": "没有这个企业名称"}).json()
    assert missing["count"] == 0 and missing["results"] == []
    assert missing["suggestions"][0] == "没有这个" and "四件套" in missing["suggestions"]
    empty = api().get("/search/", {"q": "没有这个企业名称"}).content.decode()
    assert "?q=%E5%9B%9B%E4%BB%B6%E5%A5%97" in empty  # 四件套, a link to its search
    assert 'href="/commitments/"' in empty


def test_bad_input_is_a_400_naming_q(api, units):
    too_long = api().get(SEARCH, {"q": "家" * 101})
    assert too_long.status_code == 400
    assert too_long.json() == {"q": ["最多输入 100 个字符。"]}
    assert api().get(SEARCH, {"q": "家\x00纺"}).json().keys() == {"q"}
    for asked in ("家" * 101, "家\x00纺"):
        page = api().get("/search/", {"q": asked})
        assert page.status_code == 400 and "<code>q</code>" in page.content.decode()
    nothing = api().get(SEARCH, {"q": "  "}).json()
    assert (nothing["count"], nothing["results"], nothing["query"]) == (0, [], "")
    assert "四件套" in nothing["suggestions"]
    assert "100" in api().get("/search/", {"q": "家" * 101}).content.decode()


def test_the_home_page_opens_on_the_search_box(api, units):
    home = api().get("/").content.decode()
    assert 'action="/search/"' in home and 'name="q"' in home
    assert home.index('name="q"') < home.index("<h1>")


# The registry (point 4): committed products by a category's word, and standards.


def test_the_registry_finds_committed_products_and_standards(api, units, coop_b):
    commit(units["towels"], products="浴巾、方巾", standards="FZ/T 62017-2009")
    for q, expected in (
        ("床品", {units["a"].name}),
        ("被子", {units["a"].name}),
        ("GB/T 22796", {units["a"].name}),
        ("fz/t62017", {units["towels"].name}),
        ("毛巾", {units["towels"].name}),
    ):
        rows = api().get("/api/v1/public/commitments/", {"q": q}).json()["results"]
        assert {row["member_name"] for row in rows} == expected, q
    page = api().get("/commitments/", {"q": "床品"}).content.decode()
    assert units["a"].name in page and units["towels"].name not in page
    # Nothing found: what to try, and the search, which finds units without a commitment.
    empty = api().get("/commitments/", {"q": "不存在的产品"}).content.decode()
    assert "统一社会信用代码" in empty and 'href="/search/?q=' in empty


# The credit list (point 4): one grade at a time, an unknown grade refused naming it.


def test_the_credit_list_keeps_one_grade(api, client, units, coop_a):
    other = MemberFactory(cooperative=coop_a.cooperative, name="优等家纺厂")
    grade(other, "AAA")
    page = client.get("/c/coop-a/credit/", {"grade": "aaa"}).content.decode()
    assert other.name in page and units["a"].name not in page
    rows = api().get("/api/v1/public/coops/coop-a/credit-grades/", {"grade": "C"}).json()
    assert [row["member_name"] for row in rows["results"]] == [units["a"].name]
    empty = client.get("/c/coop-a/credit/", {"grade": "D"}).content.decode()
    assert "D" in empty and 'href="/search/"' in empty
    refused = client.get("/c/coop-a/credit/", {"grade": "E"})
    assert refused.status_code == 400 and "grade" in refused.content.decode()
    refused = api().get("/api/v1/public/coops/coop-a/credit-grades/", {"grade": "E"})
    assert refused.status_code == 400 and "grade" in refused.json()


def test_the_credit_list_by_grade_stays_within_its_cooperative(client, units, coop_b):
    grade(units["towels"], "C")
    page = client.get("/c/coop-a/credit/", {"grade": "C"}).content.decode()
    assert units["towels"].name not in page


@pytest.mark.parametrize("word", ["四件套", "被芯"])
def test_every_suggested_product_is_searchable(api, units, word):
    assert api().get(SEARCH, {"q": word}).status_code == 200


def test_a_member_graded_before_today_shows_no_grade(api, coop_a):
    member = MemberFactory(cooperative=coop_a.cooperative, name="旧等级家纺厂")
    with unscoped():
        CreditGrade.objects.create(
            cooperative=coop_a.cooperative,
            member=member,
            grade="A",
            score=Decimal("80.0"),
            valid_from=date(2020, 1, 1),
            valid_until=date(2020, 12, 31),
        )
    (card,) = api().get(SEARCH, {"q": "旧等级"}).json()["results"]
    assert card["grade"] is None
