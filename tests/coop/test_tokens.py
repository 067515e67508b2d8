"""API tokens (coop/tokens.py, django-rest-knox): one per login, expiring, dead at an API logout,
at a logout from the pages and at a password change."""

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

PASSWORD = "test-pass-2026"


def login(user, password=PASSWORD):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def client_with(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token):
    return client_with(token).get("/api/v1/me/").status_code == 200


def test_every_login_gets_its_own_token_and_both_work(coop_a):
    first, second = login(coop_a.admin), login(coop_a.admin)
    assert first["token"] != second["token"]
    assert works(first["token"]) and works(second["token"])
    assert AuthToken.objects.filter(user=coop_a.admin).count() == 2


def test_the_token_is_stored_only_as_a_hash(coop_a):
    token = login(coop_a.admin)["token"]
    stored = AuthToken.objects.get(user=coop_a.admin)
    assert token not in (stored.digest, stored.token_key) and stored.digest


def test_a_token_lives_as_long_as_the_setting_says(coop_a, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(minutes=5)}
    answer = login(coop_a.admin)
    stored = AuthToken.objects.get(user=coop_a.admin)
    assert abs(stored.expiry - stored.created - timedelta(minutes=5)) < timedelta(seconds=5)
    assert answer["expiry"].startswith(timezone.localtime(stored.expiry).isoformat()[:16])


def test_an_expired_token_is_refused_and_deleted(coop_a):
    token = login(coop_a.admin)["token"]
    AuthToken.objects.filter(user=coop_a.admin).update(expiry=timezone.now() - timedelta(seconds=1))
    assert client_with(token).get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=coop_a.admin).exists()


def test_the_default_lifetime_is_ten_hours(coop_a):
    login(coop_a.admin)
    stored = AuthToken.objects.get(user=coop_a.admin)
    assert abs(stored.expiry - stored.created - timedelta(hours=10)) < timedelta(seconds=5)


def test_the_api_logout_ends_only_the_token_it_is_sent_with(coop_a):
    leaving, staying = login(coop_a.admin)["token"], login(coop_a.admin)["token"]
    assert client_with(leaving).post("/api/v1/auth/logout/").status_code == 204
    assert not works(leaving)
    assert works(staying)


def test_logout_all_ends_every_token_of_the_caller_only(coop_a, coop_b):
    one, two = login(coop_a.admin)["token"], login(coop_a.admin)["token"]
    someone_else = login(coop_b.admin)["token"]
    assert client_with(one).post("/api/v1/auth/logout-all/").status_code == 204
    assert not works(one) and not works(two)
    assert works(someone_else)


def test_the_api_logout_needs_a_token(coop_a, client):
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401
    session = APIClient()
    session.force_login(coop_a.admin)
    assert session.post("/api/v1/auth/logout-all/").status_code == 401


def test_a_logout_from_the_pages_ends_the_accounts_tokens(coop_a, coop_b, client):
    token = login(coop_a.admin)["token"]
    other = login(coop_b.admin)["token"]
    client.force_login(coop_a.admin)
    assert client.post("/accounts/logout/").status_code == 302
    assert not works(token)
    assert works(other)


def test_a_password_changed_on_the_page_ends_the_accounts_tokens(coop_a, client):
    token = login(coop_a.admin)["token"]
    client.force_login(coop_a.admin)
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Another-pass-2027",
            "new_password2": "Another-pass-2027",
        },
    )
    assert changed.status_code == 302
    assert not works(token)
    assert works(login(coop_a.admin, "Another-pass-2027")["token"])


def test_a_password_set_anywhere_ends_the_tokens_and_other_saves_do_not(coop_a):
    token = login(coop_a.admin)["token"]
    coop_a.admin.first_name = "新名字"
    coop_a.admin.save()
    assert works(token)
    coop_a.admin.set_password("Another-pass-2027")
    coop_a.admin.save()
    assert not works(token)


def test_a_wrong_password_is_a_400_naming_no_field_and_making_no_token(coop_a):
    answer = APIClient().post(
        "/api/v1/auth/token/", {"username": coop_a.admin.username, "password": "nope"}
    )
    assert answer.status_code == 400
    assert "用户名和密码" in answer.json()["non_field_errors"][0]
    assert not AuthToken.objects.exists()


def test_an_inactive_account_gets_no_token(coop_a):
    coop_a.admin.is_active = False
    coop_a.admin.save()
    answer = APIClient().post(
        "/api/v1/auth/token/", {"username": coop_a.admin.username, "password": PASSWORD}
    )
    assert answer.status_code == 400


def test_missing_or_bad_fields_are_named(db):
    missing = APIClient().post("/api/v1/auth/token/", {}, format="json")
    assert missing.status_code == 400 and set(missing.json()) == {"username", "password"}
    body = {"username": "a\x00b", "password": "x"}
    bad = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"username"}


@pytest.mark.parametrize(
    "header",
    [
        "Token ",
        "Token a b",
        "Token \x00abc",
        "Token " + "ÿ" * 10,
        "Token " + "f" * 5000,
        "Token zzzz",
        "token " + "0" * 64,
    ],
)
def test_a_malformed_token_is_a_401_not_an_error(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/me/").status_code == 401


def test_the_schema_describes_the_token_endpoints(db, client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert {"200", "400", "429"} <= set(token["responses"])
    assert "/api/v1/auth/logout/" in schema["paths"]
    assert "/api/v1/auth/logout-all/" in schema["paths"]


def test_a_login_sweeps_the_accounts_expired_tokens(coop_a):
    login(coop_a.admin)
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    fresh = login(coop_a.admin)["token"]
    assert AuthToken.objects.filter(user=coop_a.admin).count() == 1
    assert works(fresh)


def test_a_token_request_costs_one_query_for_the_token(coop_a, django_assert_num_queries):
    client = client_with(login(coop_a.admin)["token"])
    client.get("/api/v1/me/")  # warm: content types, translations
    with django_assert_num_queries(2):  # the token with its user, then the visible cooperatives
        client.get("/api/v1/me/")
