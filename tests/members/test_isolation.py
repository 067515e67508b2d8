"""Every endpoint and page of the members app, tried by each role of another cooperative."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coop.models import Document
from coop.tenancy import unscoped
from members import models
from tests.factories import MemberFactory

ROLES = ["supervisor", "admin", "lab", "enterprise"]


def build_rows(tenant, n=1):
    """One row of every kind in ``tenant``'s cooperative, the n-th: {resource path: row id}."""
    owned = dict(cooperative=tenant.cooperative)
    member = tenant.member
    with unscoped():
        leader = MemberFactory(cooperative=tenant.cooperative)
        person = models.QualityPerson.objects.create(
            **owned, member=member, role="cqo", name="x", appointed_on="2025-01-01"
        )
        session = models.WorkstationSession.objects.create(
            **owned, kind="training", title="t", on="2025-01-01"
        )
        pairing = models.Pairing.objects.create(
            **owned, leader=leader, partner=member, starts_on="2025-01-01", goals="g"
        )
        convention = models.Convention.objects.create(
            **owned,
            version=n,
            title="t",
            purpose="p",
            principles="p",
            duties="d",
            member_conditions="m",
            entry_exit_rules="e",
        )
        return {
            "members": member.pk,
            "certifications": models.Certification.objects.create(
                **owned,
                member=member,
                scheme="iso9001",
                number="1",
                body="b",
                issued_on="2025-01-01",
                expires_on="2028-01-01",
            ).pk,
            "honours": models.Honour.objects.create(
                **owned, member=member, title="t", awarded_by="b", awarded_on="2025-01-01"
            ).pk,
            "trademark-licences": models.TrademarkLicence.objects.create(
                **owned, member=member, trademark="t", starts_on="2025-01-01", ends_on="2026-01-01"
            ).pk,
            "growth-events": models.GrowthEvent.objects.create(
                **owned, member=member, kind="above_designated_size", on="2025-01-01"
            ).pk,
            "quality-people": person.pk,
            "trainings": models.TrainingRecord.objects.create(
                **owned, person=person, course="c", on="2025-01-01", hours=2
            ).pk,
            "workstation-sessions": session.pk,
            "attendance": models.Attendance.objects.create(
                **owned, session=session, person=person
            ).pk,
            "pairings": pairing.pk,
            "pairing-activities": models.PairingActivity.objects.create(
                **owned, pairing=pairing, kind="training", on="2025-01-01", description="d"
            ).pk,
            "conventions": convention.pk,
            "member-imports": models.MemberImport.objects.create(**owned, file_name="f.csv").pk,
            "documents": Document.objects.create(
                **owned,
                kind="convention_certificate",
                number=f"{tenant.cooperative.code}-2026-{n:05d}",
                source_id=n,
                member=member,
                file="x.pdf",
            ).number,
        }


@pytest.fixture
def theirs(coop_b):
    return build_rows(coop_b)


@pytest.mark.parametrize("role", ROLES)
def test_no_list_of_another_cooperative_answers(coop_a, coop_b, theirs, api, role):
    client = api(coop_a.users()[role])
    for resource in theirs:
        response = client.get(f"/api/v1/coops/coop-b/{resource}/")
        assert response.status_code == 404, resource


@pytest.mark.parametrize("role", ROLES)
def test_no_row_of_another_cooperative_is_read_changed_or_deleted(
    coop_a, coop_b, theirs, api, role
):
    client = api(coop_a.users()[role])
    for resource, key in theirs.items():
        for slug in ("coop-a", "coop-b"):
            path = f"/api/v1/coops/{slug}/{resource}/{key}/"
            if resource == "documents":
                path += "pdf/"
            assert client.get(path).status_code in (403, 404), path
            assert client.patch(path, {"name": "taken"}, format="json").status_code in (
                403,
                404,
                405,
            ), path
            assert client.delete(path).status_code in (403, 404, 405), path
    for verb in ("suspend", "events", "approve"):
        path = f"/api/v1/coops/coop-a/members/{theirs['members']}/{verb}/"
        response = client.post(path, {"reason": "x"}) if verb != "events" else client.get(path)
        assert response.status_code in (403, 404), path
    with unscoped():
        assert models.Member.objects.get(pk=coop_b.member.pk).status == "active"
        assert models.Member.objects.get(pk=coop_b.member.pk).name == coop_b.member.name
        assert models.Certification.objects.filter(pk=theirs["certifications"]).exists()


@pytest.mark.parametrize("role", ROLES)
def test_no_private_page_of_another_cooperative_opens(coop_a, coop_b, theirs, client, role):
    client.force_login(coop_a.users()[role])
    member = theirs["members"]
    for path in [
        "members/",
        "members/new/",
        "overview/",
        f"members/{member}/",
        f"members/{member}/edit/",
        "members/export.xlsx",
        "conventions/",
        "people/",
        "imports/",
        f"imports/{theirs['member-imports']}/",
        f"documents/{theirs['documents']}/",
        "profile/",
    ]:
        assert client.get(f"/c/coop-b/{path}").status_code == 404, path
    for path in [
        f"members/{member}/",
        f"members/{member}/edit/",
        f"imports/{theirs['member-imports']}/",
        f"documents/{theirs['documents']}/",
    ]:
        assert client.get(f"/c/coop-a/{path}").status_code in (302, 403, 404), path
    assert client.post(f"/c/coop-a/members/{member}/suspend/", {"reason": "x"}).status_code in (
        403,
        404,
    )
    assert (
        client.post(
            "/c/coop-b/profile/sign/", {"signer_name": "x", "signer_position": "y"}
        ).status_code
        == 404
    )


# Queries a list costs, pinned: the same with 3 rows as with 12 (nothing is loaded per row).
LIST_QUERIES = {
    "members": 6,
    "certifications": 4,
    "honours": 4,
    "trademark-licences": 4,
    "growth-events": 4,
    "quality-people": 4,
    "trainings": 4,
    "workstation-sessions": 5,
    "attendance": 4,
    "pairings": 4,
    "pairing-activities": 4,
    "conventions": 4,
    "documents": 4,
}


def add_rows(tenant, first, count):
    for n in range(first, first + count):
        member = MemberFactory(cooperative=tenant.cooperative)
        build_rows(tenant.__class__(**{**tenant.__dict__, "member": member}), n)


def queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_every_list_pins_its_query_count(coop_a, api):
    client = api(coop_a.admin)
    add_rows(coop_a, 1, 3)
    few = {
        resource: queries_of(client, f"/api/v1/coops/coop-a/{resource}/")
        for resource in LIST_QUERIES
    }
    add_rows(coop_a, 4, 9)
    many = {
        resource: queries_of(client, f"/api/v1/coops/coop-a/{resource}/")
        for resource in LIST_QUERIES
    }
    assert few == many == LIST_QUERIES
