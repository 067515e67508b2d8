import pytest

from coop.tenancy import unscoped
from members.models import ConventionSignature, Member
from tests.factories import MemberFactory

SIGNER = {"signer_name": "陈建华", "signer_position": "法定代表人"}


def sign(api, tenant, convention):
    return api(tenant.enterprise).post(
        f"/api/v1/coops/{tenant.slug}/conventions/{convention.pk}/signatures/",
        SIGNER,
        format="json",
    )


def adopt(api, tenant, title="质量公约（修订）"):
    body = {
        "title": title,
        "text": "",
        "purpose": "质量第一",
        "principles": "诚信",
        "duties": "执行标准",
        "member_conditions": "依法登记",
        "entry_exit_rules": "自愿",
    }
    return api(tenant.admin).post(f"/api/v1/coops/{tenant.slug}/conventions/", body, format="json")


def test_an_administrator_adopts_numbered_versions(coop_a, api):
    first, second = adopt(api, coop_a, "第一版"), adopt(api, coop_a, "第二版")
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    listed = api(coop_a.enterprise).get("/api/v1/coops/coop-a/conventions/").json()
    assert [row["version"] for row in listed["results"]] == [2, 1]


@pytest.mark.parametrize("role", ["supervisor", "lab", "enterprise"])
def test_only_an_administrator_adopts(coop_a, api, role):
    response = adopt(api, coop_a.__class__(**{**coop_a.__dict__, "admin": coop_a.users()[role]}))
    assert response.status_code == 403


def test_a_signature_records_signer_time_and_address(coop_a, convention, api):
    response = sign(api, coop_a, convention)
    assert response.status_code == 201
    with unscoped():
        signature = ConventionSignature.objects.get(member=coop_a.member)
    assert (signature.signer_name, signature.signer_position) == ("陈建华", "法定代表人")
    assert signature.ip_address == "127.0.0.1" and signature.signed_by == coop_a.enterprise


def test_a_second_signature_of_the_same_version_is_refused(coop_a, convention, api):
    assert sign(api, coop_a, convention).status_code == 201
    again = sign(api, coop_a, convention)
    assert again.status_code == 409
    assert again.json()["detail"] == "该社员单位已签署第 1 版质量公约，不能重复签署。"
    with unscoped():
        assert ConventionSignature.objects.filter(member=coop_a.member).count() == 1


def test_a_unit_under_review_cannot_sign(coop_a, convention, api):
    with unscoped():
        Member.objects.filter(pk=coop_a.member.pk).update(status="under_review")
    response = sign(api, coop_a, convention)
    assert response.status_code == 409
    assert "审核中" in response.json()["detail"]


def test_a_new_version_makes_every_member_sign_again(coop_a, convention, api):
    other = MemberFactory(cooperative=coop_a.cooperative)
    sign(api, coop_a, convention)
    unsigned = api(coop_a.admin).get("/api/v1/coops/coop-a/conventions/unsigned/").json()
    assert [row["id"] for row in unsigned["results"]] == [other.pk]
    new = adopt(api, coop_a).json()
    unsigned = api(coop_a.admin).get("/api/v1/coops/coop-a/conventions/unsigned/").json()
    assert {row["id"] for row in unsigned["results"]} == {other.pk, coop_a.member.pk}
    old = sign(api, coop_a, convention)
    assert old.status_code == 409 and "现行版本（第 2 版）" in old.json()["detail"]
    assert (
        api(coop_a.enterprise)
        .post(f"/api/v1/coops/coop-a/conventions/{new['id']}/signatures/", SIGNER, format="json")
        .status_code
        == 201
    )


def test_staff_see_who_has_not_signed_on_the_page(coop_a, convention, client):
    client.force_login(coop_a.supervisor)
    page = client.get("/c/coop-a/conventions/").content.decode()
    assert coop_a.member.name in page and "1 个社员单位未签署" in page


def test_only_staff_see_the_unsigned_list(coop_a, convention, api):
    response = api(coop_a.enterprise).get("/api/v1/coops/coop-a/conventions/unsigned/")
    assert response.status_code == 403


def test_an_enterprise_sees_only_its_own_signatures(coop_a, convention, api):
    other = MemberFactory(cooperative=coop_a.cooperative)
    with unscoped():
        ConventionSignature.objects.create(
            cooperative=coop_a.cooperative,
            convention=convention,
            member=other,
            signer_name="x",
            signer_position="y",
        )
    sign(api, coop_a, convention)
    path = f"/api/v1/coops/coop-a/conventions/{convention.pk}/signatures/"
    mine = api(coop_a.enterprise).get(path).json()
    assert [row["member"] for row in mine["results"]] == [coop_a.member.pk]
    assert api(coop_a.admin).get(path).json()["count"] == 2


def test_staff_cannot_sign_for_a_member(coop_a, convention, api):
    response = api(coop_a.admin).post(
        f"/api/v1/coops/coop-a/conventions/{convention.pk}/signatures/", SIGNER, format="json"
    )
    assert response.status_code == 403


def test_another_cooperatives_convention_is_not_found(coop_a, coop_b, convention, api):
    assert (
        api(coop_b.enterprise)
        .post(
            f"/api/v1/coops/coop-b/conventions/{convention.pk}/signatures/", SIGNER, format="json"
        )
        .status_code
        == 404
    )
    assert api(coop_b.admin).get("/api/v1/coops/coop-a/conventions/").status_code == 404


def test_the_enterprise_signs_on_its_profile_page(coop_a, convention, client):
    client.force_login(coop_a.enterprise)
    assert "签署公约" in client.get("/c/coop-a/profile/").content.decode()
    response = client.post("/c/coop-a/profile/sign/", SIGNER, follow=True)
    page = response.content.decode()
    assert "签署成功" in page and "您已签署《质量公约》第 1 版" in page
    again = client.post("/c/coop-a/profile/sign/", SIGNER, follow=True).content.decode()
    assert "不能重复签署" in again
