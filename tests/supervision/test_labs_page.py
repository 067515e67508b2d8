"""The labs page of region supervisors (/labs/, supervision/lab_views.py): every lab with the
cooperatives of the supervisor's own region it serves, paginated in a pinned number of queries,
and a form to add one (testing_fund/services/labs.py); nobody else sees or adds to it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from testing_fund.models import TestingInstitution as Lab
from testing_fund.services.labs import add_lab
from tests.factories import InstitutionFactory, UserFactory

NEW_LAB = {
    "name_zh": "如东县产品质量检验所",
    "name_en": "Rudong Product Quality Inspection Institute",
    "accreditation": "CMA 2023-1234",
    "contact": "0513-84100000",
    "turnaround_days": "10",
}


def test_a_supervisor_sees_each_lab_with_only_their_regions_cooperatives(client, coop_a, coop_b):
    shared = InstitutionFactory(name_zh="南通市纤维检验所", accreditation="CNAS L0001")
    shared.cooperatives.add(coop_a.cooperative, coop_b.cooperative)
    client.force_login(coop_a.supervisor)
    response = client.get("/labs/")
    assert response.status_code == 200
    rows = {lab.name_zh: [c.slug for c in lab.served] for lab in response.context["page"]}
    # Labs are shared, so coop_b's lab is listed, but coop_b (another region) is not named.
    assert rows["南通市纤维检验所"] == [coop_a.slug]
    assert len(rows) == 3
    assert [slugs for slugs in rows.values() if coop_b.slug in slugs] == []
    html = response.content.decode()
    assert "CNAS L0001" in html and coop_a.cooperative.name_zh in html
    assert coop_b.cooperative.name_zh not in html


def test_a_superuser_sees_every_regions_cooperatives(client, coop_a, coop_b):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    served = {
        slug
        for lab in client.get("/labs/").context["page"]
        for slug in (c.slug for c in lab.served)
    }
    assert served == {coop_a.slug, coop_b.slug}


@pytest.mark.parametrize("who", ["admin", "lab", "enterprise"])
def test_other_roles_may_neither_see_nor_add_labs(client, coop_a, who):
    client.force_login(getattr(coop_a, who))
    before = Lab.objects.count()
    assert client.get("/labs/").status_code == 403
    assert client.post("/labs/", NEW_LAB).status_code == 403
    assert Lab.objects.count() == before
    with pytest.raises(PermissionDenied):
        add_lab(actor=getattr(coop_a, who), name_zh="另一个检验所")


def test_the_anonymous_are_sent_to_log_in(client, db):
    response = client.get("/labs/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert client.post("/labs/", NEW_LAB).status_code == 302
    assert not Lab.objects.filter(name_zh=NEW_LAB["name_zh"]).exists()


def test_a_supervisor_adds_a_lab_and_onboarding_offers_it(client, coop_a):
    client.force_login(coop_a.supervisor)
    assert 'href="/labs/"' in client.get("/staff/").content.decode()
    response = client.post("/labs/", NEW_LAB, follow=True)
    assert response.status_code == 200
    lab = Lab.objects.get(name_zh=NEW_LAB["name_zh"])
    assert (lab.name_en, lab.accreditation, lab.contact, lab.turnaround_days) == (
        NEW_LAB["name_en"],
        "CMA 2023-1234",
        "0513-84100000",
        10,
    )
    assert list(lab.cooperatives.all()) == []
    onboarding = client.get("/coops/new/")
    assert lab in onboarding.context["form"].fields["labs"].queryset
    assert 'href="/labs/#add"' in onboarding.content.decode()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name_zh": ""}, "name_zh"),
        ({"turnaround_days": "0"}, "turnaround_days"),
        ({"turnaround_days": "x"}, "turnaround_days"),
        ({"name_zh": "x" * 201}, "name_zh"),
    ],
)
def test_a_bad_value_is_named_beside_its_field_and_nothing_is_written(
    client, coop_a, change, field
):
    client.force_login(coop_a.supervisor)
    before = Lab.objects.count()
    response = client.post("/labs/", {**NEW_LAB, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Lab.objects.count() == before


def test_a_second_lab_of_the_same_name_is_refused(client, coop_a):
    InstitutionFactory(name_zh=NEW_LAB["name_zh"])
    client.force_login(coop_a.supervisor)
    response = client.post("/labs/", NEW_LAB)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert f"名为{NEW_LAB['name_zh']}的检测机构已在列表中" in str(errors["name_zh"])
    assert Lab.objects.filter(name_zh=NEW_LAB["name_zh"]).count() == 1
    with pytest.raises(ValidationError) as refused:
        add_lab(actor=coop_a.supervisor, name_zh=NEW_LAB["name_zh"])
    assert "name_zh" in refused.value.message_dict


def test_the_list_is_paginated_in_a_pinned_number_of_queries(
    client, coop_a, coop_b, django_assert_num_queries
):
    client.force_login(coop_a.supervisor)
    client.get("/labs/")  # the session and the translations warm up
    # session, user, the ids of the cooperatives in scope (middleware), count, the page's labs,
    # their cooperatives
    with django_assert_num_queries(6):
        few = client.get("/labs/")
    for number in range(60):
        lab = InstitutionFactory(name_zh=f"检验所{number:03}")
        lab.cooperatives.add(coop_a.cooperative, coop_b.cooperative)
    with django_assert_num_queries(6):
        many = client.get("/labs/")
    assert len(few.context["page"]) == 2
    page = many.context["page"]
    assert (len(page), page.paginator.count, page.paginator.num_pages) == (50, 62, 2)
    with django_assert_num_queries(6):
        second = client.get("/labs/?page=2")
    assert len(second.context["page"]) == 12
