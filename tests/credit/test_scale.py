"""Issue 17, the public side of credit at a province's size: the registry's search is answered
by indexes and counts no further than it must, each list's page costs the same queries on a
deep page as on the first, and a member's grade in force is its newest grade (``latest``),
kept right by grading and by an override."""

import functools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coop.pagination import CappedCount
from coop.tenancy import scope, unscoped
from credit import views
from credit.api import commitments as commitments_api
from credit.api import complaints as complaints_api
from credit.api import public as public_api
from credit.models import Commitment, Complaint, CreditGrade
from credit.services import grading
from supervision import public_search
from tests.factories import MemberFactory

REGISTRY = "/commitments/"
API_REGISTRY = "/api/v1/public/commitments/"


def commitment(member, products="四件套", standards="GB 18401-2010", status="published", **kw):
    today = timezone.localdate()
    with unscoped():
        return Commitment.objects.create(
            cooperative=member.cooperative,
            member=member,
            status=status,
            products=products,
            standards=standards,
            guarantees="包退包换",
            valid_from=today - timedelta(days=1),
            valid_until=today + timedelta(days=300),
            published_at=timezone.now() if status == "published" else None,
            **kw,
        )


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of two rows, so a handful of rows makes a deep page."""
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for pagination in (
        public_api.RegistryPagination,
        commitments_api.CommitmentPagination,
        complaints_api.ComplaintPagination,
    ):
        monkeypatch.setattr(pagination, "page_size", 2)


def queries(client, path, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {})
        assert response.status_code == 200, (path, params)
    return len(captured), response


# The registry


@pytest.fixture
def registry(coop_a, coop_b):
    units = {
        "a": MemberFactory(cooperative=coop_a.cooperative, name="海门星辰家纺有限公司"),
        "b": MemberFactory(cooperative=coop_b.cooperative, name="南通月光毛巾厂"),
    }
    made = [
        commitment(units["a"], products="四件套", standards="GB/T 22796-2021"),
        commitment(units["b"], products="浴巾", standards="FZ/T 62006-2004"),
        commitment(units["b"], products="草稿毛巾", status="draft"),
    ]
    made += [commitment(MemberFactory(cooperative=coop_a.cooperative)) for _ in range(6)]
    return units, made


def found(client, text):
    return {row.member.name for row in client.get(REGISTRY, {"q": text}).context["page"]}


def test_the_registry_finds_by_name_code_product_word_and_standard(registry, client, api):
    units, _made = registry
    a, b = units["a"].name, units["b"].name
    assert found(client, "星辰家纺") == {a}
    assert found(client, units["b"].uscc.lower()) == {b}
    assert found(client, "毛巾") == {b}  # 浴巾 is a towel (standards.product_words)
    assert b not in found(client, "草稿毛巾")  # a draft is not in the registry
    assert found(client, "gb/t22796") == found(client, "GB/T 22796") == {a}
    answer = api().get(API_REGISTRY, {"q": "星辰家纺"}).json()
    assert [row["member_name"] for row in answer["results"]] == [a]
    assert answer["count"] == 1 and answer["count_is_lower_bound"] is False


def test_the_registry_is_newest_first_and_a_deep_page_costs_what_the_first_does(
    registry, client, api, small_pages
):
    _units, made = registry
    published = [row for row in made if row.status == "published"]
    first, first_page = queries(client, REGISTRY)
    assert [row.pk for row in first_page.context["page"]] == [row.pk for row in published[::-1][:2]]
    deep, deep_page = queries(client, REGISTRY, {"page": 4})
    assert [row.pk for row in deep_page.context["page"]] == [published[1].pk, published[0].pk]
    searched, _page = queries(client, REGISTRY, {"q": "四件套"})
    searched_deep, _page = queries(client, REGISTRY, {"q": "四件套", "page": 3})
    # The count, the page's ids, its rows (with certificate, member and cooperative).
    assert first == deep == searched == searched_deep == 3
    assert queries(api(), API_REGISTRY)[0] == queries(api(), API_REGISTRY, {"page": 4})[0] == 3
    assert queries(api(), API_REGISTRY, {"q": "四件套", "page": 3})[0] == 3


def test_a_broad_search_counts_no_further_than_it_must(
    registry, client, api, small_pages, monkeypatch
):
    monkeypatch.setattr(CappedCount, "AHEAD", 1)
    page = client.get(REGISTRY, {"q": "四件套"})  # 7 match; page 1 counts to 4
    assert page.context["page"].paginator.count == 4 and page.context["page"].paginator.more
    assert "超过 4 份承诺" in page.content.decode()
    answer = api().get(API_REGISTRY, {"q": "四件套"}).json()
    assert answer["count"] == 4 and answer["count_is_lower_bound"] is True
    assert answer["next"]
    # Asking for page 3 counts on to page 4: the page asked for is there, with its neighbours.
    deep = client.get(REGISTRY, {"q": "四件套", "page": 3}).context["page"]
    assert deep.number == 3 and deep.paginator.count == 7 and not deep.paginator.more
    assert "7 份承诺" in client.get(REGISTRY, {"q": "四件套", "page": 3}).content.decode()


# The staff lists


def test_the_staff_lists_cost_the_same_on_a_deep_page(coop_a, client, api, small_pages):
    member = coop_a.member
    for _ in range(7):
        commitment(member)
        with scope({coop_a.cooperative.pk}):
            Complaint.objects.create(
                cooperative=coop_a.cooperative, member=member, product="毛巾", description="起球"
            )
    client.force_login(coop_a.admin)
    staff = api(coop_a.admin)
    for path in ("commitments/", "complaints/"):
        first, page = queries(client, f"/c/coop-a/{path}")
        deep, deep_page = queries(client, f"/c/coop-a/{path}", {"page": 4})
        assert first == deep, path
        assert len(page.context["page"]) == 2 and len(deep_page.context["page"]) == 1
        first_api, answer = queries(staff, f"/api/v1/coops/coop-a/{path}")
        deep_api, deep_answer = queries(staff, f"/api/v1/coops/coop-a/{path}", {"page": 4})
        assert first_api == deep_api, path
        assert answer.json()["count"] == 7 and len(deep_answer.json()["results"]) == 1
    # Newest first, as before: the order the (cooperative, -created_at, -id) index serves.
    with scope({coop_a.cooperative.pk}):
        newest = Commitment.objects.order_by("-created_at", "-id").first()
    assert (
        api(coop_a.admin).get("/api/v1/coops/coop-a/commitments/").json()["results"][0]["id"]
        == newest.pk
    )


# The grade in force: ``latest``


def latest_of(member):
    with unscoped():
        return list(
            CreditGrade.objects.filter(member=member, latest=True).values_list("pk", flat=True)
        )


def in_force(member, today=None):
    with unscoped():
        return list(grading.current_grades(today).filter(member=member))


def test_grading_and_an_override_keep_one_latest_grade_per_member(coop_a):
    member, cooperative = coop_a.member, coop_a.cooperative.pk
    today = timezone.localdate()
    with scope({cooperative}):
        (old,) = grading.grade_members(cooperative_id=cooperative, today=today - timedelta(days=40))
        (new,) = grading.grade_members(cooperative_id=cooperative, today=today)
    assert latest_of(member) == [new.pk]
    assert [grade.pk for grade in in_force(member)] == [new.pk]
    # A run for an earlier day (a task handed out late) leaves the newer grade the newest.
    with scope({cooperative}):
        (late,) = grading.grade_members(
            cooperative_id=cooperative, today=today - timedelta(days=20)
        )
    assert not late.latest and latest_of(member) == [new.pk]
    with scope({cooperative}):
        overridden = grading.override(
            grade=new, actor=coop_a.admin, new_grade="D", reason="抽检造假"
        )
    assert latest_of(member) == [overridden.pk]
    assert [(g.pk, g.grade) for g in in_force(member)] == [(overridden.pk, "D")]
    with unscoped():
        assert not CreditGrade.objects.get(pk=new.pk).latest  # history kept, no longer newest
    # The grade in force on a past day is the newest grade when it covered that day.
    assert in_force(member, today - timedelta(days=400)) == []


def test_an_expired_newest_grade_leaves_no_grade_in_force(coop_a):
    """The one change ``latest`` made (credit.services.grading.current_grades): an older grade
    still valid no longer stands in for a newer one that ran out."""
    member = coop_a.member
    with unscoped():
        for start, days in [(date(2020, 1, 1), 3650), (date(2021, 1, 1), 30)]:
            CreditGrade.objects.create(
                cooperative=member.cooperative,
                member=member,
                grade="B",
                score=Decimal("60.0"),
                valid_from=start,
                valid_until=start + timedelta(days=days),
            )
    assert len(latest_of(member)) == 1
    assert in_force(member, date(2022, 1, 1)) == []
    assert len(in_force(member, date(2021, 1, 15))) == 1


# The public search (supervision.public_search): the same capped count, the same queries deep


def test_the_public_search_counts_no_further_than_it_must(coop_a, api, client, monkeypatch):
    monkeypatch.setattr(CappedCount, "AHEAD", 1)
    monkeypatch.setattr(
        public_search, "search_page", functools.partial(public_search.search_page, per_page=5)
    )
    units = [
        MemberFactory(cooperative=coop_a.cooperative, name=f"分页家纺厂{number:02d}")
        for number in range(23)
    ]
    first, answer = queries(api(), "/api/v1/public/search/", {"q": "分页"})
    assert answer.json()["count"] == 10 and answer.json()["count_is_lower_bound"] is True
    assert "page=2" in answer.json()["next"]
    deep, answer = queries(api(), "/api/v1/public/search/", {"q": "分页", "page": 4})
    assert answer.json()["count"] == 23 and answer.json()["count_is_lower_bound"] is False
    assert len(answer.json()["results"]) == 5 and answer.json()["next"]
    # count, members with their grade, commitments, verdicts (no batch: no failed indicators)
    assert first == deep == 4
    page = client.get("/search/", {"q": "分页"}).content.decode()
    assert "“分页”找到超过 10 家社员单位" in page
    # By USCC (a part of six or more characters), in any case.
    (card,) = api().get("/api/v1/public/search/", {"q": units[3].uscc.lower()}).json()["results"]
    assert card["id"] == units[3].pk
