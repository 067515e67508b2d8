import pytest
from knox.models import AuthToken


@pytest.mark.parametrize("role", ["supervisor", "admin", "lab", "enterprise"])
def test_every_role_gets_a_token_for_its_password(coop_a, api, role):
    user = coop_a.users()[role]
    response = api().post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": "test-pass-2026"},
        format="json",
    )
    assert response.status_code == 200
    assert AuthToken.objects.filter(user=user).count() == 1
    me = api()
    me.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert me.get("/api/v1/me/").json()["username"] == user.username


def test_a_wrong_password_gets_no_token(coop_a, api):
    response = api().post(
        "/api/v1/auth/token/", {"username": coop_a.admin.username, "password": "nope"}
    )
    assert response.status_code == 400
    assert "token" not in response.json()


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/coops/", "/api/v1/coops/coop-a/members/"])
def test_private_endpoints_refuse_the_anonymous(coop_a, api, path):
    assert api().get(path).status_code == 401


def test_a_bad_token_is_refused_with_401(coop_a, api):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/me/").status_code == 401


def test_the_api_root_lists_the_resources(db, api):
    body = api().get("/api/v1/").json()
    assert body["coops"].endswith("/api/v1/coops/")
    assert body["token"].endswith("/api/v1/auth/token/")


def test_me_tells_role_member_and_cooperatives(coop_a, coop_b, api):
    body = api(coop_a.enterprise).get("/api/v1/me/").json()
    assert body["role"] == "enterprise"
    assert body["member"] == coop_a.member.pk
    assert body["cooperatives"] == ["coop-a"]


@pytest.mark.parametrize(
    "role, expected",
    [
        ("supervisor", ["coop-a"]),
        ("admin", ["coop-a"]),
        ("lab", ["coop-a"]),
        ("enterprise", ["coop-a"]),
    ],
)
def test_coops_lists_only_what_the_role_may_see(coop_a, coop_b, api, role, expected):
    body = api(coop_a.users()[role]).get("/api/v1/coops/").json()
    assert [row["slug"] for row in body["results"]] == expected


def test_a_region_supervisor_sees_every_cooperative_of_its_region(coop_a, api):
    from tests.factories import CooperativeFactory

    sibling = CooperativeFactory(region=coop_a.cooperative.region)
    body = api(coop_a.supervisor).get("/api/v1/coops/").json()
    assert {row["slug"] for row in body["results"]} == {"coop-a", sibling.slug}


def test_another_cooperatives_slug_is_not_found(coop_a, coop_b, api):
    assert api(coop_a.admin).get("/api/v1/coops/coop-b/").status_code == 404
    assert api(coop_a.admin).get("/api/v1/coops/coop-a/").json()["slug"] == "coop-a"


def test_the_schema_and_docs_are_served_without_a_cdn(db, client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/coops/{coop_slug}/members/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs
