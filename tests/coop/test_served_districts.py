"""The districts a cooperative serves (issue 13): the migration serves each existing
cooperative's seat, and the admin keeps the seat served and every served district in the
region."""

import importlib
from datetime import date

import pytest
from django.apps import apps as django_apps

from coop.models import Cooperative
from tests.factories import CooperativeFactory, DistrictFactory, UserFactory


def test_the_migration_serves_each_existing_cooperatives_seat(db, coop_a, coop_b):
    """The migration's data step, on cooperatives that serve nothing yet (as before it ran).
    Migrating the schema back and forward instead took most of a minute."""
    Cooperative.districts.through.objects.all().delete()
    migration = importlib.import_module("coop.migrations.0010_cooperative_districts_served")
    migration.serve_the_seat(django_apps, None)
    for tenant in (coop_a, coop_b):
        cooperative = Cooperative.objects.get(pk=tenant.cooperative.pk)
        assert list(cooperative.districts.all()) == [cooperative.district]


def test_a_saved_cooperative_always_serves_its_seat(db):
    made = CooperativeFactory()
    seat, other = made.district, DistrictFactory(region=made.region)
    # Made without the factory or the onboarding, as a script would.
    cooperative = Cooperative.objects.create(
        slug="plain",
        code="PLAIN",
        name_zh="直接建的合作社",
        region=made.region,
        district=seat,
        industry="家纺",
        established=date(2020, 1, 1),
    )
    assert list(cooperative.districts.all()) == [seat]
    cooperative.serve([other.pk])
    assert set(cooperative.districts.all()) == {seat, other}
    cooperative.districts.clear()
    cooperative.district = other
    cooperative.save(update_fields=["district"])  # a new seat is served at once
    assert list(cooperative.districts.all()) == [other]


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def admin_form(cooperative, districts):
    return {
        "name_zh": cooperative.name_zh,
        "name_en": cooperative.name_en,
        "slug": cooperative.slug,
        "code": cooperative.code,
        "region": cooperative.region_id,
        "industry": cooperative.industry,
        "district": cooperative.district_id,
        "districts": [district.pk for district in districts],
        "founding_units": "",
        "established": "2017-06-16",
        "description": "",
    }


def test_the_admin_shows_the_served_districts_and_keeps_the_seat_among_them(client, root, coop_a):
    cooperative = coop_a.cooperative
    other = DistrictFactory(region=cooperative.region, name_zh="启东市")
    client.force_login(root)
    url = f"/admin/coop/cooperative/{cooperative.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="districts"' in page and "启东市" in page
    response = client.post(url, admin_form(cooperative, [other]))  # the seat left unticked
    assert response.status_code == 302
    assert set(cooperative.districts.all()) == {cooperative.district, other}


def test_the_admin_refuses_a_served_district_of_another_region(client, root, coop_a, coop_b):
    cooperative = coop_a.cooperative
    client.force_login(root)
    url = f"/admin/coop/cooperative/{cooperative.pk}/change/"
    response = client.post(url, admin_form(cooperative, [coop_b.cooperative.district]))
    assert response.status_code == 200
    assert "districts" in response.context["adminform"].form.errors
    assert list(cooperative.districts.all()) == [cooperative.district]
