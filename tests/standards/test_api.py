from datetime import date

import pytest

from coop.tenancy import unscoped
from standards.models import Standard

CATALOGUE = "/api/v1/standards/"


def own_standard(tenant, code, published):
    with unscoped():
        return Standard.objects.create(
            cooperative=tenant.cooperative,
            code=code,
            level="group",
            title_zh="家纺团体标准",
            implemented_on=date(2023, 1, 1),
            published=published,
        )


def codes(response):
    return [row["code"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("床上用品", "GB/T 22796-2021"),
        ("22796", "GB/T 22796-2021"),
        ("GB/T 22796-2021", "GB/T 22796-2021"),
        ("gb/t 22796–2021", "GB/T 22796-2021"),
        ("甲醛", "GB/T 2912.1-2009"),
    ],
)
def test_search_finds_by_chinese_title_number_and_whole_code(loaded, api, query, expected):
    rows = api().get(CATALOGUE, {"q": query}).json()["results"]
    assert expected in [row["code"] for row in rows]
    wanted = query.upper().replace("–", "-")
    assert all(wanted in (row["code"] + row["title_zh"]).upper() for row in rows)


def test_search_by_number_lists_the_standard_and_its_predecessor(loaded, api):
    assert set(codes(api().get(CATALOGUE, {"q": "22796"}))) == {
        "GB/T 22796-2021",
        "GB/T 22796-2009",
    }


def test_the_detail_has_the_limits_table_and_the_supersession(loaded, api):
    with unscoped():
        gb = Standard.objects.get(code="GB 18401-2010")
        bedding = Standard.objects.get(code="GB/T 22796-2021")
    body = api().get(f"{CATALOGUE}{gb.pk}/").json()
    formaldehyde_b = [
        row
        for row in body["limits"]
        if row["indicator"] == "formaldehyde" and row["category"] == "B"
    ]
    assert formaldehyde_b[0]["maximum"] == "75.0000" and formaldehyde_b[0]["unit"] == "mg/kg"
    assert len(api().get(f"{CATALOGUE}{bedding.pk}/").json()["supersedes"]) == 5
    old = api().get(CATALOGUE, {"q": "GB/T 22797-2009"}).json()["results"][0]
    assert (old["status"], old["superseded_by"]) == ("superseded", "GB/T 22796-2021")


def test_group_standards_are_public_when_published_and_private_to_their_cooperative_if_not(
    loaded, coop_a, coop_b, api
):
    published = own_standard(coop_b, "T/NTJF 001-2023", True)
    draft = own_standard(coop_b, "T/NTJF 002-2023", False)
    for client in (api(), api(coop_a.admin)):
        found = codes(client.get(CATALOGUE, {"q": "T/NTJF"}))
        assert found == [published.code]
        assert client.get(f"{CATALOGUE}{draft.pk}/").status_code == 404
    assert set(codes(api(coop_b.admin).get(CATALOGUE, {"q": "T/NTJF"}))) == {
        published.code,
        draft.code,
    }


def test_a_cooperatives_own_standards_are_kept_by_its_administrator(loaded, coop_a, coop_b, api):
    body = {
        "code": "t/ntjf 003-2024",
        "title_zh": "床品团体标准",
        "implemented_on": "2024-03-01",
        "published": False,
        "product_categories": [],
    }
    created = api(coop_a.admin).post("/api/v1/coops/coop-a/standards/", body, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["code"], created.json()["level"]) == ("T/NTJF 003-2024", "group")
    national = api(coop_a.admin).post(
        "/api/v1/coops/coop-a/standards/", {**body, "code": "GB 99999-2024"}, format="json"
    )
    assert national.status_code == 400 and "cooperative" in national.json()
    bad = api(coop_a.admin).post(
        "/api/v1/coops/coop-a/standards/", {**body, "code": "NTJF 3"}, format="json"
    )
    assert bad.status_code == 400 and "GB/T 22796-2021" in str(bad.json()["code"])
    assert (
        api(coop_a.enterprise)
        .post("/api/v1/coops/coop-a/standards/", body, format="json")
        .status_code
        == 403
    )
    theirs = own_standard(coop_b, "T/NTJF 009-2023", False)
    for path in (
        f"/api/v1/coops/coop-a/standards/{theirs.pk}/",
        f"/api/v1/coops/coop-b/standards/{theirs.pk}/",
        "/api/v1/coops/coop-b/standards/",
    ):
        assert api(coop_a.admin).get(path).status_code == 404
        assert api(coop_a.admin).patch(path, {"title_zh": "x"}, format="json").status_code in (
            404,
            405,
        )


def test_the_catalogue_list_pins_its_queries(loaded, api, django_assert_num_queries):
    # the count and one page (a standard's successor is joined in)
    with django_assert_num_queries(2):
        assert api().get(CATALOGUE).json()["count"] >= 20
    with django_assert_num_queries(2):
        api().get(CATALOGUE, {"q": "GB"})


def test_the_verdict_endpoint_judges_a_result(loaded, coop_a, api):
    with unscoped():
        gb = Standard.objects.get(code="GB 18401-2010")
    body = {"standard": gb.pk, "indicator": "formaldehyde", "category": "B", "result": "82"}
    judged = api(coop_a.lab).post("/api/v1/standards/verdict/", body, format="json").json()
    assert judged["result"] == "fail" and "75 mg/kg" in judged["explanation"]
    unreadable = api(coop_a.lab).post(
        "/api/v1/standards/verdict/", {**body, "result": "约80"}, format="json"
    )
    assert unreadable.status_code == 400 and "不是数值" in str(unreadable.json())
    assert api().post("/api/v1/standards/verdict/", body, format="json").status_code == 401


def test_indicators_are_listed_with_their_result_types(loaded, api):
    body = api().get("/api/v1/standards/indicators/").json()
    types = {row["code"]: row["result_type"] for row in body["results"]}
    assert types["ph"] == "numeric" and types["fastness-water"] == "grade"
    assert types["odour"] == "categorical" and types["azo-amines"] == "detection"


def test_a_buyers_requirement_is_entered_by_level_and_benchmarked_against(loaded, coop_a, api):
    body = {
        "code": "IKEA IOS-MAT-0054",
        "level": "buyer",
        "title_zh": "采购商化学品要求",
        "implemented_on": "2024-01-01",
        "published": False,
    }
    created = api(coop_a.admin).post("/api/v1/coops/coop-a/standards/", body, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["code"], created.json()["level"]) == ("IKEA IOS-MAT-0054", "buyer")
    forced = api(coop_a.admin).post(
        "/api/v1/coops/coop-a/standards/",
        {**body, "code": "T/NTJF 020-2024", "level": "buyer"},
        format="json",
    )
    assert forced.json()["level"] == "group"  # a Chinese code decides its own level


@pytest.mark.parametrize("resource", ["standards", "collection", "draftings"])
def test_the_cooperatives_standard_lists_pin_their_queries(
    loaded, coop_a, api, django_assert_num_queries, resource
):
    from standards.models import CollectionEntry, Drafting

    with unscoped():
        for number in range(4):
            own = Standard.objects.create(
                cooperative=coop_a.cooperative,
                code=f"T/NTJF {100 + number}-2024",
                level="group",
                title_zh="x",
                implemented_on=date(2024, 1, 1),
            )
            CollectionEntry.objects.create(
                cooperative=coop_a.cooperative, standard=own, position=number
            )
            Drafting.objects.create(
                cooperative=coop_a.cooperative,
                member=coop_a.member,
                standard=own,
                role="join",
                year=2024,
            )
    client = api(coop_a.admin)
    # token and user, the URL's cooperative, count, one page (and the standards' categories)
    with django_assert_num_queries(5 if resource == "standards" else 4):
        assert client.get(f"/api/v1/coops/coop-a/{resource}/").json()["count"] == 4
