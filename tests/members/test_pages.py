import pytest

from coop.tenancy import unscoped
from members.models import Member
from tests.factories import MemberFactory, member_form


def page(tenant, member=None, suffix=""):
    base = f"/c/{tenant.slug}/members/"
    return f"{base}{member.pk}/{suffix}" if member else base + suffix


@pytest.mark.parametrize("role", ["supervisor", "admin", "lab", "enterprise"])
def test_another_cooperatives_member_pages_are_not_found(coop_a, coop_b, client, role):
    client.force_login(coop_a.users()[role])
    for path in (page(coop_b), page(coop_b, coop_b.member), page(coop_b, coop_b.member, "edit/")):
        assert client.get(path).status_code == 404, path
    assert client.get(f"/c/coop-a/members/{coop_b.member.pk}/").status_code in (403, 404)


def test_another_cooperatives_member_cannot_be_changed_through_a_page(coop_a, coop_b, client):
    client.force_login(coop_a.admin)
    form = member_form(coop_b.member, name="taken")
    assert client.post(page(coop_b, coop_b.member, "edit/"), form).status_code == 404
    assert client.post(f"/c/coop-a/members/{coop_b.member.pk}/edit/", form).status_code == 404
    with unscoped():
        assert Member.objects.get(pk=coop_b.member.pk).name == coop_b.member.name


def test_the_anonymous_are_sent_to_log_in(coop_a, client):
    response = client.get(page(coop_a))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["lab", "enterprise"])
def test_the_member_list_is_for_staff_only(coop_a, client, role):
    client.force_login(coop_a.users()[role])
    assert client.get(page(coop_a)).status_code == 403


def test_an_enterprise_is_sent_to_its_profile_and_not_to_a_neighbour(coop_a, client):
    neighbour = MemberFactory(cooperative=coop_a.cooperative)
    client.force_login(coop_a.enterprise)
    response = client.get(page(coop_a, coop_a.member), follow=True)
    assert response.redirect_chain[-1][0] == "/c/coop-a/profile/"
    assert coop_a.member.uscc in response.content.decode()
    assert client.get(page(coop_a, neighbour)).status_code == 404


def test_the_member_list_page_is_paginated_with_a_pinned_query_count(
    coop_a, client, django_assert_num_queries
):
    MemberFactory.create_batch(60, cooperative=coop_a.cooperative)
    client.force_login(coop_a.admin)
    # session, user, the URL's cooperative, the district choices of the filters, count,
    # the page's ids, its rows with their counts
    with django_assert_num_queries(7):
        response = client.get(page(coop_a))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50
    assert "page=2" in response.content.decode()


def test_an_administrator_edits_a_member_and_a_bad_uscc_names_the_rule(coop_a, client):
    client.force_login(coop_a.admin)
    form = member_form(coop_a.member, name="改名家纺有限公司", uscc="91350100M000100Y44")
    response = client.post(page(coop_a, coop_a.member, "edit/"), form)
    assert response.status_code == 200
    assert "校验码（第 18 位）应为“3”" in response.content.decode()
    with unscoped():
        assert Member.objects.get(pk=coop_a.member.pk).name == coop_a.member.name
    form["uscc"] = "91350100M000100Y43"
    response = client.post(page(coop_a, coop_a.member, "edit/"), form)
    assert response.status_code == 302
    with unscoped():
        assert Member.objects.get(pk=coop_a.member.pk).name == "改名家纺有限公司"


def test_an_administrator_enters_a_member_through_the_page(coop_a, client):
    client.force_login(coop_a.admin)
    form = member_form(
        cooperative=coop_a.cooperative,
        name="南通新户",
        uscc="91350100M000100Y43",
        kind="individual_household",
        town="",
    )
    response = client.post(page(coop_a, suffix="new/"), form)
    assert response.status_code == 302
    with unscoped():
        created = Member.objects.get(uscc="91350100M000100Y43")
    assert (created.cooperative, created.status) == (coop_a.cooperative, "applied")


def test_a_supervisor_may_read_but_not_edit(coop_a, client):
    client.force_login(coop_a.supervisor)
    assert client.get(page(coop_a)).status_code == 200
    assert client.get(page(coop_a, coop_a.member, "edit/")).status_code == 403
