"""Failed logins are limited per account and per address, on the login page and on the API's
token endpoint; the refusal says how long to wait; staff unlock (coop/logins.py, django-axes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from knox.models import AuthToken

from coop.models import AuditRecord
from coop.tenancy import unscoped
from tests.factories import UserFactory

PASSWORD = "test-pass-2026"
TOKEN = "/api/v1/auth/token/"


def log_in(client, username, password, address="127.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def ask_token(api, username, password, address="127.0.0.1"):
    return api().post(
        TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def logged_in(client):
    return "_auth_user_id" in client.session


def fail_thirty_times(client, username):
    for _ in range(30):
        assert log_in(client, username, "wrong-password").status_code in (200, 429)


def cool_off_passes():
    """Move every counted failure back past the cool-off, as the clock would."""
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )


def test_thirty_wrong_passwords_then_the_right_one_is_refused_on_the_page(coop_a, client):
    user = coop_a.enterprise
    fail_thirty_times(client, user.username)
    refused = log_in(client, user.username, PASSWORD)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "登录失败次数过多" in page and "30 分钟后再试" in page and "管理员" in page
    assert int(refused["Retry-After"]) == 30 * 60
    assert not logged_in(client)
    # Only the first ten count: tries while locked out do not push the wait further.
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 10


def test_a_lock_ends_when_the_cool_off_has_passed(coop_a, client):
    user = coop_a.enterprise
    fail_thirty_times(client, user.username)
    assert log_in(client, user.username, PASSWORD).status_code == 429
    cool_off_passes()
    assert log_in(client, user.username, PASSWORD).status_code == 302
    assert logged_in(client)


def test_nine_failures_still_let_the_right_password_in(coop_a, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, coop_a.admin.username, "wrong-password")
    assert log_in(client, coop_a.admin.username, PASSWORD).status_code == 302


def test_thirty_wrong_passwords_then_the_right_one_gets_no_token(coop_a, api):
    user = coop_a.admin
    answers = {ask_token(api, user.username, "wrong").status_code for _ in range(30)}
    assert answers == {400, 429}
    refused = ask_token(api, user.username, PASSWORD)
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 30 * 60
    assert not AuthToken.objects.filter(user=user).exists()
    cool_off_passes()
    assert ask_token(api, user.username, PASSWORD).status_code == 200


def test_failures_on_the_page_lock_the_token_endpoint_too(coop_a, client, api):
    fail_thirty_times(client, coop_a.enterprise.username)
    assert ask_token(api, coop_a.enterprise.username, PASSWORD).status_code == 429


def test_the_lock_message_is_in_english_when_asked(coop_a, api):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        ask_token(api, coop_a.admin.username, "wrong")
    refused = api().post(
        TOKEN,
        {"username": coop_a.admin.username, "password": PASSWORD},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Try again in 30 minutes" in refused.json()["detail"]


def test_an_account_is_locked_whatever_address_the_failures_come_from(coop_a, client):
    username = coop_a.enterprise.username
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, username, "wrong", address=f"198.51.100.{number}")
    assert log_in(client, username, PASSWORD, address="203.0.113.9").status_code == 429


def test_an_address_is_locked_whatever_accounts_it_tries(coop_a, client):
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"guess{number}", "wrong", address="198.51.100.7")
    assert (
        log_in(client, coop_a.admin.username, PASSWORD, address="198.51.100.7").status_code == 429
    )
    # The account itself is not locked: from another address it logs in.
    assert log_in(client, coop_a.admin.username, PASSWORD, address="203.0.113.9").status_code == 302


def lock(client, username):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, username, "wrong")


def test_a_cooperative_administrator_unlocks_an_account_of_its_cooperative(coop_a, client):
    lock(client, coop_a.enterprise.username)
    staff = type(client)()
    staff.force_login(coop_a.admin)
    page = staff.get("/c/coop-a/accounts/locked/").content.decode()
    assert coop_a.enterprise.username in page and "已锁定" in page
    done = staff.post("/c/coop-a/accounts/locked/", {"username": coop_a.enterprise.username})
    assert done.status_code == 302
    assert "可以重新登录" in staff.get(done["Location"]).content.decode()
    assert not AccessAttempt.objects.filter(username=coop_a.enterprise.username).exists()
    assert log_in(client, coop_a.enterprise.username, PASSWORD).status_code == 302
    with unscoped():
        record = AuditRecord.objects.get(action="unlock_account")
    assert (record.actor, record.object_id) == (coop_a.admin, coop_a.enterprise.pk)
    assert record.cooperative == coop_a.cooperative


def test_another_cooperatives_administrator_cannot_see_or_unlock(coop_a, coop_b, client):
    lock(client, coop_a.enterprise.username)
    other = type(client)()
    other.force_login(coop_b.admin)
    assert other.get("/c/coop-a/accounts/locked/").status_code == 404
    assert (
        other.post(
            "/c/coop-a/accounts/locked/", {"username": coop_a.enterprise.username}
        ).status_code
        == 404
    )
    # Nor through its own cooperative's page: the account is not one of its accounts.
    assert (
        coop_a.enterprise.username not in other.get("/c/coop-b/accounts/locked/").content.decode()
    )
    assert (
        other.post(
            "/c/coop-b/accounts/locked/", {"username": coop_a.enterprise.username}
        ).status_code
        == 404
    )
    assert log_in(client, coop_a.enterprise.username, PASSWORD).status_code == 429
    with unscoped():
        assert not AuditRecord.objects.filter(action="unlock_account").exists()


@pytest.mark.parametrize("role", ["supervisor", "lab", "enterprise"])
def test_only_administrators_unlock(coop_a, client, role):
    lock(client, coop_a.admin.username)
    other = type(client)()
    other.force_login(coop_a.users()[role])
    assert other.get("/c/coop-a/accounts/locked/").status_code in (403, 404)
    answer = other.post("/c/coop-a/accounts/locked/", {"username": coop_a.admin.username})
    assert answer.status_code in (403, 404)
    assert log_in(client, coop_a.admin.username, PASSWORD).status_code == 429


def test_a_region_supervisor_or_lab_account_is_not_a_cooperatives_to_unlock(coop_a, client):
    lock(client, coop_a.supervisor.username)
    staff = type(client)()
    staff.force_login(coop_a.admin)
    answer = staff.post("/c/coop-a/accounts/locked/", {"username": coop_a.supervisor.username})
    assert answer.status_code == 404
    assert log_in(client, coop_a.supervisor.username, PASSWORD).status_code == 429


def test_a_superuser_unlocks_any_account_in_the_admin(coop_a, client):
    lock(client, coop_a.supervisor.username)
    superuser = type(client)()
    superuser.force_login(UserFactory(is_superuser=True, is_staff=True))
    listing = superuser.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and coop_a.supervisor.username in listing.content.decode()
    ids = AccessAttempt.objects.values_list("pk", flat=True)
    answer = superuser.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": list(ids), "post": "yes"},
    )
    assert answer.status_code == 302
    assert log_in(client, coop_a.supervisor.username, PASSWORD).status_code == 302


def test_a_cooperative_administrator_does_not_get_the_admins_access_attempts(coop_a, client):
    lock(client, coop_a.enterprise.username)
    client.force_login(coop_a.admin)
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_the_admin_login_is_limited_too(coop_a, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": coop_a.admin.username, "password": "wrong"})
    refused = client.post(
        "/admin/login/", {"username": coop_a.admin.username, "password": PASSWORD}
    )
    assert refused.status_code == 429


def test_the_staff_home_leads_an_administrator_to_the_unlock_page(coop_a, client):
    client.force_login(coop_a.admin)
    assert "/c/coop-a/accounts/locked/" in client.get("/staff/").content.decode()
    client.force_login(coop_a.supervisor)
    assert "/accounts/locked/" not in client.get("/staff/").content.decode()
