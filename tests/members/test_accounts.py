"""The public application tells nobody which login names or addresses exist: it asks for none,
answers every application alike, and the account is set up from the link mailed to the
contact email."""

import re
import time

import pytest
from django.core import mail, signing

from coop.models import AuditRecord, User
from coop.tenancy import unscoped
from members.models import Member
from members.services import accounts
from members.tasks import send_account_invitation
from tests.factories import MemberFactory, UserFactory
from tests.members.test_public import post_application


def applied(client, coop, **fields):
    """Apply anonymously through the public form; the page's text and the new member."""
    response = post_application(client, coop, **fields)
    assert response.status_code == 200
    with unscoped():
        member = Member.objects.filter(name=fields.get("name", "南通新申请家纺有限公司")).first()
    return response.content.decode(), member


def normalised(page, *varying):
    """The page less what the applicant typed and the form's one-time CSRF token."""
    for text in varying:
        page = page.replace(text, "…")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def mailed_path(address):
    body = [m for m in mail.outbox if address in m.to][-1].body
    return re.search(r"https?://[^/\s]+(/\S+)", body).group(1)


def invite(member):
    send_account_invitation(member.cooperative_id, member.pk)
    return mailed_path(member.contact_email)


def test_the_form_asks_for_no_login_name_or_password(coop_a, client):
    page = client.get("/c/coop-a/apply/").content.decode()
    assert 'name="contact_email"' in page
    for field in ("username", "password", "password_again", "email"):
        assert f'name="{field}"' not in page


def test_an_application_answers_the_same_whether_the_address_is_known_or_not(coop_a, client):
    known = "a-admin@coop.example.cn"
    UserFactory(username=known, email=known, role="coop_admin", cooperative=coop_a.cooperative)
    users = User.objects.count()
    fresh_page, fresh = applied(
        client, coop_a, name="南通甲家纺有限公司", contact_email="nobody@example.cn"
    )
    known_page, taken = applied(client, coop_a, name="南通乙家纺有限公司", contact_email=known)
    # An address that is also an existing login name, and an existing plain login name.
    name_page, named = applied(
        client, coop_a, name="南通丙家纺有限公司", contact_email=f"{coop_a.admin.username}@x.cn"
    )
    assert fresh and taken and named
    assert normalised(fresh_page, "南通甲家纺有限公司", "nobody@example.cn") == normalised(
        known_page, "南通乙家纺有限公司", known
    )
    assert normalised(fresh_page, "南通甲家纺有限公司", "nobody@example.cn") == normalised(
        name_page, "南通丙家纺有限公司", f"{coop_a.admin.username}@x.cn"
    )
    assert User.objects.count() == users  # applying makes no account, so nothing to time


def test_the_mailed_link_sets_up_the_account_once(coop_a, client, mailoutbox):
    _page, member = applied(client, coop_a, contact_email="Zhou@XinShen.example.cn")
    path = invite(member)
    assert path.startswith("/c/coop-a/account/")
    page = client.get(path).content.decode()
    assert "zhou@xinshen.example.cn" in page and member.name in page
    weak = client.post(path, {"password": "123", "password_again": "123"}).content.decode()
    assert (
        "id_password_errors" in weak
        and "密码只包含数字" in weak
        and not User.objects.filter(member=member).exists()
    )
    done = client.post(path, {"password": "Quality-2026!", "password_again": "Quality-2026!"})
    assert done.status_code == 302 and done["Location"] == "/c/coop-a/profile/"
    user = User.objects.get(member=member)
    assert (user.username, user.email, user.role) == (
        "zhou@xinshen.example.cn",
        "zhou@xinshen.example.cn",
        "enterprise",
    )
    assert client.get("/c/coop-a/profile/").status_code == 200  # logged in by the link
    client.logout()
    signed_in = client.post(
        "/accounts/login/", {"username": "zhou@xinshen.example.cn", "password": "Quality-2026!"}
    )
    assert signed_in.status_code == 302  # the login page takes the address and the password
    client.logout()
    again = client.post(path, {"password": "Other-2026!!", "password_again": "Other-2026!!"})
    assert again.status_code == 404 and "这个链接已失效" in again.content.decode()
    with unscoped():
        assert AuditRecord.objects.filter(action="account_set_up", object_id=member.pk).exists()


def test_a_link_stops_working_when_altered_old_moved_or_readdressed(coop_a, coop_b, client):
    _page, member = applied(client, coop_a)
    path = invite(member)
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert client.get(path).status_code == 200
    assert client.get(path[:-3] + "x/").status_code == 404  # altered
    assert client.get(f"/c/coop-b/account/{token}/").status_code == 404  # another cooperative
    with unscoped():
        other = MemberFactory(cooperative=coop_b.cooperative, contact_email="zhou@b.example.cn")
    forged = signing.dumps([other.pk, "zhou@b.example.cn"], salt="another-purpose", compress=True)
    assert client.get(f"/c/coop-b/account/{forged}/").status_code == 404  # not our signature
    with unscoped():
        Member.objects.filter(pk=member.pk).update(contact_email="new@xinshen.example.cn")
    assert client.get(path).status_code == 404  # staff corrected the address
    with unscoped():
        Member.objects.filter(pk=member.pk).update(contact_email="zhou@xinshen.example.cn")
    assert client.get(path).status_code == 200
    accounts.INVITATION_DAYS, days = -1, accounts.INVITATION_DAYS
    try:
        assert client.get(path).status_code == 404  # expired
    finally:
        accounts.INVITATION_DAYS = days


def test_only_the_mailbox_learns_that_its_address_has_an_account(coop_a, client):
    known = "zhou@xinshen.example.cn"
    UserFactory(username=known, email=known, role="coop_admin", cooperative=coop_a.cooperative)
    _page, member = applied(client, coop_a, contact_email=known)
    path = invite(member)
    page = client.post(path, {"password": "Quality-2026!", "password_again": "Quality-2026!"})
    assert page.status_code == 200 and "这个电子邮箱已有门户账号" in page.content.decode()
    assert not User.objects.filter(member=member).exists()


def test_staff_send_a_new_link_and_see_the_account(coop_a, client, mailoutbox):
    _page, member = applied(client, coop_a)
    client.force_login(coop_a.admin)
    detail = client.get(f"/c/coop-a/members/{member.pk}/").content.decode()
    assert "zhou@xinshen.example.cn" in detail and "发送新链接" in detail
    response = client.post(f"/c/coop-a/members/{member.pk}/invitation/", follow=True)
    assert "新链接将发往 zhou@xinshen.example.cn" in response.content.decode()
    with unscoped():
        assert (
            AuditRecord.objects.filter(action="account_invitation", object_id=member.pk).count()
            == 1
        )
    path = invite(member)
    client.logout()
    client.post(path, {"password": "Quality-2026!", "password_again": "Quality-2026!"})
    client.force_login(coop_a.admin)
    detail = client.get(f"/c/coop-a/members/{member.pk}/").content.decode()
    assert "发送新链接" not in detail
    refused = client.post(f"/c/coop-a/members/{member.pk}/invitation/", follow=True)
    assert "账号已设置" in refused.content.decode()
    with unscoped():
        assert (
            AuditRecord.objects.filter(action="account_invitation", object_id=member.pk).count()
            == 1
        )


@pytest.mark.parametrize("role", ["supervisor", "admin", "lab", "enterprise"])
def test_another_cooperative_cannot_send_a_units_link(coop_a, coop_b, client, role):
    with unscoped():
        member = MemberFactory(cooperative=coop_a.cooperative, contact_email="x@a.example.cn")
    client.force_login(coop_b.users()[role])
    response = client.post(f"/c/coop-a/members/{member.pk}/invitation/")
    assert response.status_code == 404
    with unscoped():
        assert not AuditRecord.objects.filter(action="account_invitation").exists()


def test_only_an_administrator_sends_a_link(coop_a, client):
    with unscoped():
        member = MemberFactory(cooperative=coop_a.cooperative, contact_email="x@a.example.cn")
    for user in (coop_a.supervisor, coop_a.enterprise, coop_a.lab):
        client.force_login(user)
        assert client.post(f"/c/coop-a/members/{member.pk}/invitation/").status_code == 403


@pytest.mark.celery_worker
def test_a_worker_mails_the_link_after_an_application(coop_a, client, worker, mailoutbox):
    _page, member = applied(client, coop_a, contact_email="worker@xinshen.example.cn")
    for _ in range(150):  # a bounded wait for the worker's mail
        if any("worker@xinshen.example.cn" in m.to for m in mail.outbox):
            break
        time.sleep(0.2)
    path = mailed_path("worker@xinshen.example.cn")
    assert client.get(path).status_code == 200
