"""A member form offers only the product categories of the cooperative's industry: those its
members make and those sharing a catalogue standard with them, so a home-textile cooperative is
never offered rice or motor-vehicle inspection."""

from coop.tenancy import unscoped
from members.models import MemberProductCategory
from standards import catalogue
from standards.models import ProductCategory
from tests.members.test_pages import page


def offered(client, tenant, suffix):
    client.force_login(tenant.admin)
    response = client.get(page(tenant, suffix=suffix))
    assert response.status_code == 200
    return {c.code for c in response.context["form"].fields["categories"].queryset}


def make(tenant, code):
    with unscoped():
        MemberProductCategory.objects.create(
            cooperative=tenant.cooperative,
            member=tenant.member,
            category=ProductCategory.objects.get(code=code),
        )


def test_a_textile_cooperative_is_offered_textile_categories_only(coop_a, client):
    catalogue.load()
    make(coop_a, "bedding")
    codes = offered(client, coop_a, "new/")
    assert {"bedding", "towels"} <= codes
    assert not codes & {"rice", "vehicle-inspection"}


def test_a_rice_cooperative_is_not_offered_bedding(coop_a, coop_b, client):
    catalogue.load()
    make(coop_a, "bedding")
    make(coop_b, "rice")
    codes = offered(client, coop_b, "new/")
    assert "rice" in codes
    assert not codes & {"bedding", "towels", "vehicle-inspection"}


def test_a_cooperative_whose_members_name_none_is_offered_all(coop_a, client):
    catalogue.load()
    assert offered(client, coop_a, "new/") == set(
        ProductCategory.objects.values_list("code", flat=True)
    )


def test_an_edit_keeps_offering_the_units_own_category(coop_a, client):
    catalogue.load()
    make(coop_a, "bedding")
    make(coop_a, "rice")  # entered before the form narrowed the choice
    codes = offered(client, coop_a, f"{coop_a.member.pk}/edit/")
    assert {"bedding", "rice"} <= codes
    assert "vehicle-inspection" not in codes
