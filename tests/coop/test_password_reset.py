"""Password reset by email with Django's own views: the link goes through a real SMTP server,
names the configured portal address, works once, and ends the account's tokens, sessions and
failed-login count; the form says the same whether or not the address has an account."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.utils import timezone
from knox.models import AuthToken

from coop.models import User
from tests.factories import UserFactory

NEW = "Another-2026!pass"


@pytest.fixture(autouse=True)
def fresh_request_count():
    """Each test starts with the test client's address not having asked yet (the count lives
    in the shared cache, across tests), and leaves it so for the tests that follow."""
    cache.delete("throttle:password-reset:127.0.0.1")
    yield
    cache.delete("throttle:password-reset:127.0.0.1")


def ask(client, email):
    return client.post("/accounts/password/reset/", {"email": email})


def test_the_login_page_leads_to_the_reset_page_in_chinese(coop_a, client):
    login = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in login and "忘记密码？" in login
    page = client.get("/accounts/password/reset/").content.decode()
    assert "忘记密码？" in page and 'name="email"' in page and "发送链接" in page


def test_a_mailed_link_sets_a_new_password_once_and_ends_tokens_and_sessions(
    coop_a, client, smtp_server, settings
):
    settings.PORTAL_BASE_URL = "https://portal.example.cn"
    user = UserFactory(
        username="zhou@x.example.cn",
        email="zhou@x.example.cn",
        role="enterprise",
        member=coop_a.member,
    )
    AuthToken.objects.create(user=user)
    elsewhere = type(client)()
    elsewhere.force_login(user)
    assert elsewhere.get("/c/coop-a/profile/").status_code == 200
    AccessAttempt.objects.create(
        username=user.username,
        ip_address="10.0.0.1",
        user_agent="",
        failures_since_start=3,
        attempt_time=timezone.now(),
    )
    done = ask(client, "ZHOU@x.example.cn")
    assert done.status_code == 302
    assert "请查看邮箱" in client.get(done["Location"]).content.decode()
    message = smtp_server.last_to("zhou@x.example.cn")
    assert "重置" in message["Subject"]
    body = message.get_content()
    assert "https://portal.example.cn/accounts/password/reset/" in body  # not the Host header
    path = smtp_server.link_to("zhou@x.example.cn")
    form = client.get(path, follow=True)
    assert "设置新密码" in form.content.decode() and "zhou@x.example.cn" in form.content.decode()
    set_path = form.redirect_chain[-1][0]
    weak = client.post(set_path, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and "密码只包含数字" in weak.content.decode()
    changed = client.post(set_path, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "新密码已生效" in changed.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not AuthToken.objects.filter(user=user).exists()
    assert elsewhere.get("/c/coop-a/profile/").status_code == 302  # that session has ended
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    again = client.get(path, follow=True).content.decode()
    assert "这个链接已失效" in again and 'name="new_password1"' not in again
    signed_in = client.post("/accounts/login/", {"username": user.username, "password": NEW})
    assert signed_in.status_code == 302


def test_the_answer_is_the_same_whether_the_address_has_an_account_or_not(
    coop_a, client, smtp_server
):
    UserFactory(username="known", email="known@x.example.cn")
    known = ask(client, "known@x.example.cn")
    unknown = ask(client, "nobody@x.example.cn")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert smtp_server.to("known@x.example.cn")
    assert not smtp_server.to("nobody@x.example.cn", seconds=0.5)


def test_an_inactive_account_gets_no_link(coop_a, client, smtp_server):
    UserFactory(username="gone", email="gone@x.example.cn", is_active=False)
    assert ask(client, "gone@x.example.cn").status_code == 302
    assert not smtp_server.to("gone@x.example.cn", seconds=0.5)


def test_an_altered_link_is_refused(coop_a, client, smtp_server):
    user = UserFactory(username="alt", email="alt@x.example.cn")
    ask(client, "alt@x.example.cn")
    path = smtp_server.link_to("alt@x.example.cn")
    altered = path[:-3] + ("a/" if path[-2] != "a" else "b/")
    page = client.get(altered, follow=True).content.decode()
    assert "这个链接已失效" in page
    user.refresh_from_db()
    assert user.check_password("test-pass-2026")


def test_an_address_asks_a_few_times_an_hour(coop_a, client, smtp_server):
    UserFactory(username="many", email="many@x.example.cn")
    answers = [ask(client, "many@x.example.cn").status_code for _ in range(6)]
    assert answers == [302] * 5 + [200]
    assert len(smtp_server.to("many@x.example.cn")) == 5
    assert User.objects.filter(username="many").count() == 1
