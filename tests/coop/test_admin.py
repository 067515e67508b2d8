import pytest

from coop.tenancy import unscoped
from members.models import Member
from tests.factories import UserFactory, member_form


def change_url(member):
    return f"/admin/members/member/{member.pk}/change/"


def test_an_administrator_lists_only_its_own_members(coop_a, coop_b, client):
    client.force_login(coop_a.admin)
    page = client.get("/admin/members/member/").content.decode()
    assert coop_a.member.name in page
    assert coop_b.member.name not in page


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_another_cooperatives_member_is_not_found_in_the_admin(coop_a, coop_b, client, role):
    client.force_login(coop_a.users()[role])
    assert client.get(change_url(coop_b.member)).status_code == 404
    form = member_form(coop_b.member, name="taken")
    assert client.post(change_url(coop_b.member), form).status_code == 404
    assert client.get(f"/admin/members/member/{coop_b.member.pk}/history/").status_code == 404
    with unscoped():
        assert Member.objects.get(pk=coop_b.member.pk).name == coop_b.member.name


def test_the_cooperative_choice_offers_only_ones_own(coop_a, coop_b, client):
    client.force_login(coop_a.admin)
    page = client.get("/admin/members/member/add/").content.decode()
    assert coop_a.cooperative.name_zh in page
    assert coop_b.cooperative.name_zh not in page


def test_an_administrator_changes_a_member_through_the_service(coop_a, client):
    client.force_login(coop_a.admin)
    form = member_form(coop_a.member, name="改名家纺")
    assert client.post(change_url(coop_a.member), form).status_code == 302
    with unscoped():
        assert Member.objects.get(pk=coop_a.member.pk).name == "改名家纺"
        from coop.models import AuditRecord

        assert AuditRecord.objects.filter(action="member_update", actor=coop_a.admin).exists()


def test_a_supervisor_reads_but_cannot_change(coop_a, client):
    client.force_login(coop_a.supervisor)
    assert client.get(change_url(coop_a.member)).status_code == 200
    assert client.post(change_url(coop_a.member), member_form(coop_a.member)).status_code == 403


@pytest.mark.parametrize("role", ["lab", "enterprise"])
def test_labs_and_enterprises_do_not_enter_the_admin(coop_a, client, role):
    client.force_login(coop_a.users()[role])
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_accounts_are_managed_by_a_superuser_only(coop_a, client):
    client.force_login(coop_a.admin)
    assert client.get("/admin/coop/user/").status_code == 403
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get("/admin/coop/user/").status_code == 200


def test_a_superuser_sees_every_cooperative(coop_a, coop_b, client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get("/admin/members/member/").content.decode()
    assert coop_a.member.name in page and coop_b.member.name in page


def test_rows_only_the_services_write_cannot_be_changed_or_deleted_in_the_admin(
    coop_a, api, client
):
    api(coop_a.admin).patch(
        f"/api/v1/coops/coop-a/members/{coop_a.member.pk}/", {"town": "常乐镇"}, format="json"
    )
    with unscoped():
        from coop.models import AuditRecord

        record = AuditRecord.objects.get(action="member_update")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    change = client.get(f"/admin/coop/auditrecord/{record.pk}/change/").content.decode()
    assert 'name="_save"' not in change
    assert (
        client.post(f"/admin/coop/auditrecord/{record.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    with unscoped():
        assert AuditRecord.objects.filter(pk=record.pk).exists()
