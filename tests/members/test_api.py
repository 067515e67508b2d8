import pytest

from coop.models import AuditRecord
from coop.tenancy import unscoped
from members.models import Member
from tests.factories import MemberFactory, member_payload

ROLES = ["supervisor", "admin", "lab", "enterprise"]


def members_url(tenant, member=None):
    base = f"/api/v1/coops/{tenant.slug}/members/"
    return f"{base}{member.pk}/" if member else base


@pytest.mark.parametrize("role", ROLES)
def test_another_cooperatives_members_are_not_found(coop_a, coop_b, api, role):
    client = api(coop_a.users()[role])
    assert client.get(members_url(coop_b)).status_code == 404
    assert client.get(members_url(coop_b, coop_b.member)).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_another_cooperatives_member_cannot_be_read_through_ones_own_slug(
    coop_a, coop_b, api, role
):
    response = api(coop_a.users()[role]).get(f"/api/v1/coops/coop-a/members/{coop_b.member.pk}/")
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_another_cooperatives_members_cannot_be_changed_or_added(coop_a, coop_b, api, role):
    client = api(coop_a.users()[role])
    patch = client.patch(members_url(coop_b, coop_b.member), {"name": "taken"}, format="json")
    through_own = client.patch(
        f"/api/v1/coops/coop-a/members/{coop_b.member.pk}/", {"name": "taken"}, format="json"
    )
    post = client.post(members_url(coop_b), member_payload(coop_b.cooperative), format="json")
    assert (patch.status_code, post.status_code) == (404, 404)
    assert through_own.status_code in (403, 404)
    with unscoped():
        assert Member.objects.get(pk=coop_b.member.pk).name == coop_b.member.name
        assert Member.objects.filter(cooperative=coop_b.cooperative).count() == 1


def test_staff_see_every_member_of_their_cooperative(coop_a, coop_b, api):
    MemberFactory.create_batch(3, cooperative=coop_a.cooperative)
    for user in (coop_a.admin, coop_a.supervisor):
        body = api(user).get(members_url(coop_a)).json()
        assert body["count"] == 4


def test_an_enterprise_sees_only_its_own_member_unit(coop_a, api):
    neighbour = MemberFactory(cooperative=coop_a.cooperative)
    client = api(coop_a.enterprise)
    body = client.get(members_url(coop_a)).json()
    assert [row["id"] for row in body["results"]] == [coop_a.member.pk]
    assert client.get(members_url(coop_a, neighbour)).status_code == 404
    assert client.get(members_url(coop_a, coop_a.member)).json()["uscc"] == coop_a.member.uscc


def test_a_lab_technician_sees_no_member_list(coop_a, api):
    assert api(coop_a.lab).get(members_url(coop_a)).json()["count"] == 0


@pytest.mark.parametrize("role", ["supervisor", "lab"])
def test_only_an_administrator_may_change_members(coop_a, api, role):
    response = api(coop_a.users()[role]).patch(
        members_url(coop_a, coop_a.member), {"town": "常乐镇"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "只有合作社管理员可以修改社员单位。"


def test_an_enterprise_changes_its_contacts_but_nothing_else(coop_a, api):
    client = api(coop_a.enterprise)
    refused = client.patch(members_url(coop_a, coop_a.member), {"town": "常乐镇"}, format="json")
    assert refused.status_code == 403
    assert "town" in refused.json()["detail"]
    changed = client.patch(
        members_url(coop_a, coop_a.member), {"contact_phone": "13800001111"}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["contact_phone"] == "13800001111"


def test_an_administrator_enters_a_member_and_it_is_audited(coop_a, api):
    response = api(coop_a.admin).post(
        members_url(coop_a),
        member_payload(coop_a.cooperative, uscc="91350100m000100y43"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["uscc"], body["status"]) == ("91350100M000100Y43", "applied")
    with unscoped():
        record = AuditRecord.objects.get(object_id=body["id"], action="member_create")
    assert (record.actor, record.cooperative) == (coop_a.admin, coop_a.cooperative)


def test_an_invalid_uscc_is_refused_naming_the_field_and_the_rule(coop_a, api):
    response = api(coop_a.admin).post(
        members_url(coop_a),
        member_payload(coop_a.cooperative, uscc="91350100M000100Y44"),
        format="json",
    )
    assert response.status_code == 400
    assert "校验码（第 18 位）应为“3”" in response.json()["uscc"][0]


def test_a_uscc_already_in_the_cooperative_is_refused_and_nothing_is_lost(coop_a, api):
    response = api(coop_a.admin).post(
        members_url(coop_a),
        member_payload(coop_a.cooperative, uscc=coop_a.member.uscc),
        format="json",
    )
    assert response.status_code == 400
    assert "本合作社已有" in response.json()["uscc"][0]
    with unscoped():
        assert Member.objects.get(uscc=coop_a.member.uscc).name == coop_a.member.name


def test_the_same_uscc_may_belong_to_members_of_two_cooperatives(coop_a, coop_b, api):
    response = api(coop_a.admin).post(
        members_url(coop_a),
        member_payload(coop_a.cooperative, uscc=coop_b.member.uscc),
        format="json",
    )
    assert response.status_code == 201


def test_an_administrator_changes_details_but_not_the_status(coop_a, api):
    client = api(coop_a.admin)
    response = client.patch(
        members_url(coop_a, coop_a.member), {"town": "常乐镇", "status": "exited"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["town"], response.json()["status"]) == ("常乐镇", "active")
    with unscoped():
        record = AuditRecord.objects.get(object_id=coop_a.member.pk, action="member_update")
    assert record.changes == {"town": ["三厂街道", "常乐镇"]}


def test_the_member_list_filters_and_searches(coop_a, api):
    MemberFactory(cooperative=coop_a.cooperative, name="南通瑞丰布业有限公司", town="常乐镇")
    MemberFactory(cooperative=coop_a.cooperative, status="suspended")
    client = api(coop_a.admin)
    assert client.get(members_url(coop_a), {"q": "瑞丰"}).json()["count"] == 1
    assert client.get(members_url(coop_a), {"status": "suspended"}).json()["count"] == 1


def test_the_member_list_is_paginated_with_a_pinned_query_count(
    coop_a, api, django_assert_num_queries
):
    MemberFactory.create_batch(60, cooperative=coop_a.cooperative)
    client = api(coop_a.admin)
    # token and user, the URL's cooperative, count, the page's ids, its rows with their
    # counts, their districts' codes
    with django_assert_num_queries(6):
        body = client.get(members_url(coop_a)).json()
    assert (body["count"], len(body["results"])) == (61, 50)
    assert body["next"].endswith("page=2")


def test_a_list_row_is_shaped_exactly_as_the_members_detail(coop_a, api):
    from standards.models import ProductCategory

    with unscoped():
        member = Member.objects.get(pk=coop_a.member.pk)
        bedding = ProductCategory.objects.create(code="bedding", name_zh="床上用品")
        from members.models import MemberProductCategory

        MemberProductCategory.objects.create(
            cooperative=coop_a.cooperative, member=member, category=bedding
        )
        Member.objects.filter(pk=member.pk).update(shop_links=["https://shop.example.com"])
    client = api(coop_a.admin)
    row = client.get(members_url(coop_a)).json()["results"][0]
    detail = client.get(members_url(coop_a, member)).json()
    assert (row.pop("quality_people_count"), row.pop("certification_count")) == (0, 0)
    assert detail.pop("product_categories") == ["bedding"]  # the detail's alone
    assert row == detail
    assert row["created_at"].endswith("+08:00") and row["district"] == detail["district"]
