"""Invitations: a one-time link mailed through a real SMTP server, which expires, is kept only
as a hash and is useless to anyone but the invited person; who may invite whom; accounts listed
and deactivated, each cooperative's out of another's reach."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from knox.models import AuthToken

from coop import invitations
from coop.models import AuditRecord, Invitation, Role, User
from coop.tenancy import scope, unscoped
from tests.factories import MemberFactory, UserFactory

PASSWORD = "Quality-2026!"


def invite_by_page(client, coop, admin, capture, **fields):
    """An invitation sent from the accounts page; the response."""
    client.force_login(admin)
    data = {"email": "Zhou@XinShen.example.cn", "role": "enterprise", "member": coop.member.pk}
    with capture(execute=True):
        response = client.post(f"/c/{coop.slug}/accounts/", {**data, **fields})
    client.logout()
    return response


def invite(coop, capture, inviter=None, **fields):
    arguments = {
        "email": "zhou@xinshen.example.cn",
        "role": Role.ENTERPRISE,
        "member": coop.member,
    }
    with capture(execute=True), scope({coop.cooperative.pk}):
        return invitations.invite(
            inviter=inviter or coop.admin, cooperative=coop.cooperative, **{**arguments, **fields}
        )


def set_password(client, path, password=PASSWORD):
    return client.post(path, {"password": password, "password_again": password})


def test_the_mailed_link_sets_up_the_invited_account_once(
    coop_a, client, smtp_server, django_capture_on_commit_callbacks
):
    response = invite_by_page(client, coop_a, coop_a.admin, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    message = smtp_server.last_to("zhou@xinshen.example.cn")
    assert "zhou@xinshen.example.cn" in message.get_content()
    assert coop_a.cooperative.name in message["Subject"]
    path = smtp_server.link_to("zhou@xinshen.example.cn")
    assert path.startswith("/c/coop-a/invitation/")
    page = client.get(path).content.decode()
    assert "zhou@xinshen.example.cn" in page and coop_a.member.name in page and "企业用户" in page
    weak = set_password(client, path, "123").content.decode()
    assert "密码只包含数字" in weak and not User.objects.filter(username__icontains="zhou").exists()
    done = set_password(client, path)
    assert done.status_code == 302
    user = User.objects.get(username="zhou@xinshen.example.cn")
    assert (user.email, user.role, user.member_id, user.is_owner) == (
        "zhou@xinshen.example.cn",
        Role.ENTERPRISE,
        coop_a.member.pk,
        False,
    )
    assert client.get("/c/coop-a/profile/").status_code == 200  # logged in by the link
    client.logout()
    signed_in = client.post(
        "/accounts/login/", {"username": "zhou@xinshen.example.cn", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    client.logout()
    again = set_password(client, path, "Other-2026!!")
    assert again.status_code == 410 and "已用于设置账号" in again.content.decode()
    assert User.objects.filter(username__icontains="zhou").count() == 1
    with unscoped():
        invitation = Invitation.objects.get()
        assert invitation.used_at and invitation.user == user
        assert AuditRecord.objects.filter(action="invitation_used", object_id=invitation.pk)


def test_only_a_hash_of_the_link_is_kept(coop_a, smtp_server, django_capture_on_commit_callbacks):
    invitation = invite(coop_a, django_capture_on_commit_callbacks)
    token = smtp_server.link_to("zhou@xinshen.example.cn").rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 40
    assert invitation.token_hash == invitations.hash_token(token) != token
    with unscoped():
        stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert not any(token in str(value) for value in stored.values())


def test_an_altered_expired_withdrawn_or_moved_link_is_refused(
    coop_a, coop_b, client, smtp_server, django_capture_on_commit_callbacks
):
    invitation = invite(coop_a, django_capture_on_commit_callbacks)
    path = smtp_server.link_to("zhou@xinshen.example.cn")
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert client.get(path).status_code == 200
    altered = client.get(path[:-3] + ("x/" if path[-2] != "x" else "y/"))
    assert altered.status_code == 404 and "没有邀请使用这个链接" in altered.content.decode()
    assert client.get(f"/c/coop-b/invitation/{token}/").status_code == 404  # another cooperative
    with unscoped():
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    expired = set_password(client, path)
    assert expired.status_code == 410 and "已过期" in expired.content.decode()
    with unscoped():
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() + timedelta(days=1)
        )
    assert client.get(path).status_code == 200
    newer = invite(coop_a, django_capture_on_commit_callbacks)  # the same address again
    withdrawn = set_password(client, path)
    assert withdrawn.status_code == 410 and "已撤回" in withdrawn.content.decode()
    assert not User.objects.filter(username__icontains="zhou").exists()
    newest = smtp_server.link_to("zhou@xinshen.example.cn")
    assert newest != path and client.get(newest).status_code == 200
    with scope({coop_a.cooperative.pk}):
        invitations.revoke(invitation=newer, actor=coop_a.admin)
    assert client.get(newest).status_code == 410


def test_the_days_a_link_lasts_come_from_the_settings(
    coop_a, settings, smtp_server, django_capture_on_commit_callbacks
):
    settings.INVITATION_DAYS = 3
    invitation = invite(coop_a, django_capture_on_commit_callbacks)
    lasts = invitation.expires_at - invitation.created_at
    assert lasts == timedelta(days=3)
    assert "3 天" in smtp_server.last_to("zhou@xinshen.example.cn").get_content()


@pytest.mark.parametrize("who", ["enterprise", "admin", "b-admin"])
def test_a_link_opened_by_another_logged_in_user_gives_nothing(
    coop_a, coop_b, client, who, smtp_server, django_capture_on_commit_callbacks
):
    invite(coop_a, django_capture_on_commit_callbacks)
    path = smtp_server.link_to("zhou@xinshen.example.cn")
    other = {"enterprise": coop_a.enterprise, "admin": coop_a.admin, "b-admin": coop_b.admin}[who]
    client.force_login(other)
    page = client.get(path)
    text = page.content.decode()
    assert page.status_code == 403 and "退出登录" in text
    assert "zhou@xinshen.example.cn" not in text and coop_a.member.name not in text
    assert set_password(client, path).status_code == 403
    assert not User.objects.filter(username__icontains="zhou").exists()
    other.refresh_from_db()
    assert other.check_password("test-pass-2026") and other.username != "zhou@xinshen.example.cn"
    with unscoped():
        assert Invitation.objects.get().status == Invitation.Status.PENDING
    client.logout()
    assert client.get(path).status_code == 200  # still the invited person's to use


def test_an_address_that_has_an_account_learns_it_only_from_the_link(
    coop_a, client, smtp_server, django_capture_on_commit_callbacks
):
    UserFactory(username="zhou@xinshen.example.cn", email="zhou@xinshen.example.cn")
    invite(coop_a, django_capture_on_commit_callbacks)  # not one of coop A's: no refusal here
    page = set_password(client, smtp_server.link_to("zhou@xinshen.example.cn"))
    assert page.status_code == 200 and "这个电子邮箱已有门户账号" in page.content.decode()
    assert User.objects.filter(username="zhou@xinshen.example.cn").count() == 1


def test_an_address_already_of_the_cooperative_is_refused_naming_the_field(
    coop_a, django_capture_on_commit_callbacks
):
    coop_a.enterprise.email = "zhou@xinshen.example.cn"
    coop_a.enterprise.save()
    with pytest.raises(ValidationError) as refused:
        invite(coop_a, django_capture_on_commit_callbacks, email="ZHOU@xinshen.example.cn")
    assert "email" in refused.value.message_dict
    with unscoped():
        assert not Invitation.objects.exists()


def make_owner(user):
    User.objects.filter(pk=user.pk).update(is_owner=True)
    user.refresh_from_db()
    return user


def test_who_may_invite_whom(coop_a, coop_b, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    other_unit = MemberFactory(cooperative=coop_a.cooperative)
    lab = coop_a.lab.institution
    allowed = [
        (coop_a.admin, {"role": Role.COOP_ADMIN, "member": None}),
        (coop_a.admin, {"role": Role.ENTERPRISE, "member": other_unit, "owner": True}),
        (coop_a.admin, {"role": Role.LAB_TECHNICIAN, "member": None, "institution": lab}),
        (coop_a.supervisor, {"role": Role.COOP_ADMIN, "member": None}),
    ]
    refused = [
        (coop_a.enterprise, {}),  # not its unit's owner
        (coop_a.lab, {"role": Role.LAB_TECHNICIAN, "member": None, "institution": lab}),
        (coop_a.supervisor, {}),  # a supervisor invites administrators only
        (coop_b.admin, {}),
        (coop_b.supervisor, {"role": Role.COOP_ADMIN, "member": None}),
    ]
    for number, (inviter, fields) in enumerate(allowed):
        invite(coop_a, capture, inviter, email=f"ok{number}@example.cn", **fields)
    for number, (inviter, fields) in enumerate(refused):
        with pytest.raises(PermissionDenied):
            invite(coop_a, capture, inviter, email=f"no{number}@example.cn", **fields)
    owner = make_owner(coop_a.enterprise)
    invite(coop_a, capture, owner, email="colleague@example.cn")
    for fields in ({"member": other_unit}, {"owner": True}, {"role": Role.COOP_ADMIN}):
        with pytest.raises(PermissionDenied):
            invite(coop_a, capture, owner, email="no@example.cn", **fields)
    lead = make_owner(coop_a.lab)
    invite(
        coop_a,
        capture,
        lead,
        email="tech@example.cn",
        role=Role.LAB_TECHNICIAN,
        member=None,
        institution=lab,
    )
    with pytest.raises(PermissionDenied):
        invite(coop_a, capture, lead, email="no@example.cn")
    with unscoped():
        assert Invitation.objects.count() == len(allowed) + 2
        assert not Invitation.objects.filter(email__startswith="no")


def test_a_unit_has_one_owner(coop_a, client, django_capture_on_commit_callbacks):
    make_owner(coop_a.enterprise)
    response = invite_by_page(
        client, coop_a, coop_a.admin, django_capture_on_commit_callbacks, owner="on"
    )
    assert response.status_code == 200 and "id_owner_errors" in response.content.decode()
    with unscoped():
        assert not Invitation.objects.exists()


def test_an_owner_invited_becomes_the_units_owner(
    coop_a, client, smtp_server, django_capture_on_commit_callbacks
):
    unit = MemberFactory(cooperative=coop_a.cooperative)
    invite(coop_a, django_capture_on_commit_callbacks, member=unit, owner=True)
    set_password(client, smtp_server.link_to("zhou@xinshen.example.cn"))
    owner = User.objects.get(username="zhou@xinshen.example.cn")
    assert owner.is_owner and owner.member_id == unit.pk
    client.force_login(owner)
    page = client.get("/c/coop-a/accounts/").content.decode()
    assert "企业用户（负责人）" in page and "邀请" in page
    assert 'name="member"' not in page and 'name="role"' in page  # hidden: its own unit only


def test_an_enterprise_owner_cannot_invite_for_another_unit_through_the_api(coop_a, api):
    owner = make_owner(coop_a.enterprise)
    other_unit = MemberFactory(cooperative=coop_a.cooperative)
    body = {"email": "x@example.cn", "role": "enterprise", "member": other_unit.pk}
    assert api(owner).post("/api/v1/coops/coop-a/invitations/", body).status_code == 403
    body["member"] = coop_a.member.pk
    assert api(owner).post("/api/v1/coops/coop-a/invitations/", body).status_code == 201
    plain = api(coop_a.lab).post("/api/v1/coops/coop-a/invitations/", body)
    assert plain.status_code == 403
    with unscoped():
        assert Invitation.objects.count() == 1


def test_the_api_invites_and_lists_pending_invitations(coop_a, coop_b, api, mailoutbox):
    body = {"email": "New@Example.cn", "role": "coop_admin"}
    answer = api(coop_a.admin).post("/api/v1/coops/coop-a/invitations/", body, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["email"] == "new@example.cn"
    assert answer.json()["status"] == "pending" and answer.json()["role_display"]
    listed = api(coop_a.admin).get("/api/v1/coops/coop-a/invitations/").json()
    assert [row["email"] for row in listed["results"]] == ["new@example.cn"]
    assert api(coop_a.enterprise).get("/api/v1/coops/coop-a/invitations/").status_code == 403
    foreign = {"email": "x@example.cn", "role": "enterprise", "member": coop_b.member.pk}
    refused = api(coop_a.admin).post("/api/v1/coops/coop-a/invitations/", foreign)
    assert refused.status_code == 400 and "member" in refused.json()
    missing = api(coop_a.admin).post(
        "/api/v1/coops/coop-a/invitations/", {"email": "x@example.cn", "role": "enterprise"}
    )
    assert missing.status_code == 400 and "member" in missing.json()
    bad = api(coop_a.admin).post(
        "/api/v1/coops/coop-a/invitations/", {"email": "nope", "role": "region_supervisor"}
    )
    assert bad.status_code == 400 and {"email", "role"} <= set(bad.json())
    invitation_id = answer.json()["id"]
    revoked = api(coop_a.admin).post(f"/api/v1/coops/coop-a/invitations/{invitation_id}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert api(coop_a.admin).get("/api/v1/coops/coop-a/invitations/").json()["count"] == 0


@pytest.mark.parametrize("role", ["admin", "supervisor", "enterprise", "lab"])
def test_another_cooperative_cannot_invite_list_or_withdraw(
    coop_a, coop_b, api, client, role, django_capture_on_commit_callbacks
):
    invitation = invite(coop_a, django_capture_on_commit_callbacks)
    user = coop_b.users()[role]
    body = {"email": "x@example.cn", "role": "coop_admin"}
    assert api(user).post("/api/v1/coops/coop-a/invitations/", body).status_code == 404
    assert api(user).get("/api/v1/coops/coop-a/invitations/").status_code == 404
    assert api(user).get("/api/v1/coops/coop-a/accounts/").status_code == 404
    path = f"/api/v1/coops/coop-a/invitations/{invitation.pk}/revoke/"
    assert api(user).post(path).status_code == 404
    # Nor through its own cooperative's address.
    own = api(user).post(f"/api/v1/coops/coop-b/invitations/{invitation.pk}/revoke/")
    assert own.status_code in (403, 404)
    client.force_login(user)
    assert client.get("/c/coop-a/accounts/").status_code == 404
    assert client.post("/c/coop-a/accounts/", {**body, "member": ""}).status_code == 404
    assert client.post(f"/c/coop-a/invitations/{invitation.pk}/revoke/").status_code == 404
    with unscoped():
        assert Invitation.objects.count() == 1
        assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_the_accounts_page_lists_roles_in_chinese_in_pinned_queries(
    coop_a, coop_b, client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    invite(coop_a, django_capture_on_commit_callbacks)
    client.force_login(coop_a.admin)
    client.get("/c/coop-a/accounts/")  # warm the session and the caches

    def count(extra):
        for number in range(extra):
            unit = MemberFactory(cooperative=coop_a.cooperative)
            UserFactory(username=f"u{extra}-{number}", role=Role.ENTERPRISE, member=unit)
            invite(coop_a, django_capture_on_commit_callbacks, email=f"p{extra}-{number}@x.cn")

    # Session, user, the cooperative, the accounts' count and page, the invitations' count
    # and page, and the form's units and labs.
    with django_assert_num_queries(9):
        page = client.get("/c/coop-a/accounts/").content.decode()
    count(5)
    with django_assert_num_queries(9):
        client.get("/c/coop-a/accounts/")
    for shown in ("合作社管理员", "企业用户", "检测机构人员", "a-admin", "从未", "启用中"):
        assert shown in page, shown
    assert "coop_admin" not in page.split('name="role"')[0]
    assert "b-admin" not in page and "b-enterprise" not in page
    assert "zhou@xinshen.example.cn" in page  # pending


def test_an_administrator_deactivates_an_account_and_its_tokens_and_sessions_end(
    coop_a, client, api
):
    target = coop_a.enterprise
    _token_row, token = AuthToken.objects.create(user=target)
    other = type(client)()
    other.force_login(target)
    assert other.get("/c/coop-a/profile/").status_code == 200
    client.force_login(coop_a.admin)
    response = client.post(f"/c/coop-a/accounts/{target.pk}/deactivate/", follow=True)
    assert "已停用" in response.content.decode()
    target.refresh_from_db()
    assert not target.is_active
    assert not AuthToken.objects.filter(user=target).exists()
    assert other.get("/c/coop-a/profile/").status_code == 302  # to the login page
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(target.pk) for s in Session.objects.all()
    )
    refused = client.post(
        "/accounts/login/", {"username": target.username, "password": "test-pass-2026"}
    )
    assert refused.status_code == 200  # the login page again: an inactive account is refused
    client.force_login(coop_a.admin)
    client.post(f"/c/coop-a/accounts/{target.pk}/activate/")
    target.refresh_from_db()
    assert target.is_active
    with unscoped():
        actions = list(
            AuditRecord.objects.filter(object_id=target.pk, object_type="coop.user")
            .order_by("at")
            .values_list("action", flat=True)
        )
    assert actions == ["account_deactivated", "account_activated"]


def test_an_owner_deactivates_a_colleague_but_nobody_else(coop_a, client):
    owner = make_owner(coop_a.enterprise)
    colleague = UserFactory(username="colleague", role=Role.ENTERPRISE, member=coop_a.member)
    client.force_login(owner)
    assert client.post(f"/c/coop-a/accounts/{coop_a.admin.pk}/deactivate/").status_code == 404
    assert client.post(f"/c/coop-a/accounts/{owner.pk}/deactivate/").status_code == 403
    client.post(f"/c/coop-a/accounts/{colleague.pk}/deactivate/")
    colleague.refresh_from_db()
    coop_a.admin.refresh_from_db()
    assert not colleague.is_active and coop_a.admin.is_active
    page = client.get("/c/coop-a/accounts/").content.decode()
    assert "colleague" in page and "a-admin" not in page


@pytest.mark.parametrize("role", ["admin", "supervisor", "enterprise", "lab"])
def test_another_cooperative_cannot_deactivate_this_ones_accounts(
    coop_a, coop_b, client, api, role
):
    user = coop_b.users()[role]
    if role in ("enterprise", "lab"):
        make_owner(user)
    target = coop_a.enterprise
    client.force_login(user)
    assert client.post(f"/c/coop-a/accounts/{target.pk}/deactivate/").status_code == 404
    assert client.post(f"/c/coop-b/accounts/{target.pk}/deactivate/").status_code in (403, 404)
    for slug in ("coop-a", "coop-b"):
        answer = api(user).post(f"/api/v1/coops/{slug}/accounts/{target.pk}/deactivate/")
        assert answer.status_code in (403, 404)
    target.refresh_from_db()
    assert target.is_active


def test_the_api_lists_and_deactivates_accounts(coop_a, api):
    listed = api(coop_a.admin).get("/api/v1/coops/coop-a/accounts/").json()
    names = {row["username"] for row in listed["results"]}
    assert {"a-admin", "a-enterprise", "a-lab"} <= names and "b-admin" not in names
    answer = api(coop_a.admin).post(
        f"/api/v1/coops/coop-a/accounts/{coop_a.enterprise.pk}/deactivate/"
    )
    assert answer.status_code == 200 and answer.json()["is_active"] is False
    # A lab's technician may serve several cooperatives: its lab's lead deactivates it.
    lab = api(coop_a.admin).post(f"/api/v1/coops/coop-a/accounts/{coop_a.lab.pk}/deactivate/")
    assert lab.status_code == 403
    own = api(coop_a.admin).post(f"/api/v1/coops/coop-a/accounts/{coop_a.admin.pk}/deactivate/")
    assert own.status_code == 403
