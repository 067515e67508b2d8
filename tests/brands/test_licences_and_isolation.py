"""Collective trademark licences: on the member's public page with their numbers (in the
same query as before), on the staff's list and in the API; and every brands page and endpoint
is a 404 to another cooperative's people, a refusal writing nothing."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brands import demo
from brands.models import CollectiveTrademark, DesignReview, InfringementReport, LicenceTerms
from brands.services import infringements
from coop.models import Attachment, StepEvent
from coop.tenancy import scope, unscoped
from members.models import TrademarkLicence
from tests.brands.conftest import licensed, png, review_of
from tests.factories import MemberFactory, UserFactory

PUBLIC = "/c/{slug}/directory/{pk}/"


def test_the_public_page_shows_licences_in_force_with_their_numbers(coop_a, client):
    licensed(coop_a)
    licensed(coop_a, number="HMJF-2020-0009", days=-10)  # ended: not shown
    with unscoped():
        mine = InfringementReport(
            cooperative=coop_a.cooperative,
            member=coop_a.member,
            channel="online",
            url="https://x.example.com/",
            seen_on="2026-11-01",
            description="员工才可见的举报内容",
        )
        mine.save()
    html = client.get(PUBLIC.format(slug=coop_a.slug, pk=coop_a.member.pk)).content.decode()
    assert "海门家纺" in html and "21547836" in html and "HMJF-2026-0001" in html
    assert "HMJF-2020-0009" not in html
    assert "员工才可见的举报内容" not in html and "南通市海门区家纺行业协会" not in html


def test_the_numbers_cost_the_public_page_no_query(coop_a, client):
    path = PUBLIC.format(slug=coop_a.slug, pk=coop_a.member.pk)

    def count():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    without = count()
    licensed(coop_a)
    licensed(coop_a, number="HMJF-2026-0002", registration="30218864")
    assert count() == without


@pytest.mark.parametrize("many", [2, 8])
def test_the_staff_list_of_licences_reads_in_fixed_queries(
    coop_a, client, api, django_assert_num_queries, many
):
    for index in range(many):
        member = MemberFactory(cooperative=coop_a.cooperative)
        licensed(coop_a, number=f"HMJF-2026-{index:04d}", member=member)
    client.force_login(coop_a.admin)
    # session, user, cooperative; ids of the page, its rows with members and numbers; count.
    with django_assert_num_queries(6):
        page = client.get(f"/c/{coop_a.slug}/brands/licences/")
    assert page.status_code == 200 and "HMJF-2026-0001" in page.content.decode()
    token = api(coop_a.admin)
    # token with its user, cooperative; count, ids, the page's rows with members and numbers.
    with django_assert_num_queries(5):
        body = token.get(f"/api/v1/coops/{coop_a.slug}/brand-licences/").json()
    assert body["count"] == many
    assert {row["registration_number"] for row in body["results"]} == {"21547836"}
    assert body["results"][0]["in_force"] is True


def seeded(tenant):
    """One of each brands row for ``tenant``'s member."""
    licence = licensed(tenant)
    review = review_of(tenant)
    with scope({tenant.cooperative.pk}):
        report = infringements.report(
            member=tenant.member,
            actor=tenant.enterprise,
            channel="market",
            place="叠石桥",
            seen_on=date(2026, 11, 1),
            description="冒用",
            evidence=[png()],
        )
        attachment = Attachment.objects.get()
    return {"licence": licence, "review": review, "report": report, "file": attachment}


def test_another_cooperatives_people_get_404_and_change_nothing(coop_a, coop_b, client, api):
    rows = seeded(coop_a)
    review, report = rows["review"], rows["report"]
    a = coop_a.slug
    pages = [
        f"/c/{a}/brands/licences/",
        f"/c/{a}/brands/design-reviews/",
        f"/c/{a}/brands/design-reviews/new/",
        f"/c/{a}/brands/design-reviews/{review.pk}/",
        f"/c/{a}/brands/infringements/",
        f"/c/{a}/brands/infringements/new/",
        f"/c/{a}/brands/infringements/{report.pk}/",
        f"/c/{a}/attachments/{rows['file'].pk}/",
    ]
    endpoints = [
        f"/api/v1/coops/{a}/design-reviews/",
        f"/api/v1/coops/{a}/design-reviews/{review.pk}/",
        f"/api/v1/coops/{a}/infringement-reports/",
        f"/api/v1/coops/{a}/infringement-reports/{report.pk}/",
        f"/api/v1/coops/{a}/brand-licences/",
        f"/api/v1/coops/{a}/collective-trademarks/",
        f"/api/v1/coops/{a}/attachments/{rows['file'].pk}/",
    ]
    with unscoped():
        events = StepEvent.objects.count()
    for user in coop_b.users().values():
        client.force_login(user)
        for path in pages:
            assert client.get(path).status_code == 404, (user.username, path)
        for path in endpoints:
            assert api(user).get(path).status_code == 404, (user.username, path)
        # Steps and writes, on the page and in the API.
        assert (
            client.post(
                f"/c/{a}/brands/design-reviews/{review.pk}/step/return/", {"reason": "x"}
            ).status_code
            == 404
        )
        assert (
            client.post(
                f"/c/{a}/brands/infringements/{report.pk}/step/close/", {"outcome": "x"}
            ).status_code
            == 404
        )
        token = api(user)
        assert (
            token.post(f"/api/v1/coops/{a}/design-reviews/{review.pk}/forward/").status_code == 404
        )
        assert (
            token.post(
                f"/api/v1/coops/{a}/infringement-reports/{report.pk}/investigate/"
            ).status_code
            == 404
        )
        made = token.post(
            f"/api/v1/coops/{a}/design-reviews/",
            {"member": coop_a.member.pk, "design_name": "x", "product": "y", "applicant": "z"},
        )
        assert made.status_code == 404
    # coop_b's own address does not show coop_a's rows or take coop_a's member.
    own = api(coop_b.admin)
    assert own.get(f"/api/v1/coops/{coop_b.slug}/design-reviews/{review.pk}/").status_code == 404
    assert own.get(f"/api/v1/coops/{coop_b.slug}/design-reviews/").json()["count"] == 0
    assert own.get(f"/api/v1/coops/{coop_b.slug}/brand-licences/").json()["count"] == 0
    wrong = own.post(
        f"/api/v1/coops/{coop_b.slug}/design-reviews/",
        {"member": coop_a.member.pk, "design_name": "x", "product": "y", "applicant": "z"},
    )
    assert wrong.status_code == 400 and "member" in wrong.json()
    with unscoped():
        assert StepEvent.objects.count() == events
        assert DesignReview.objects.get().status == "received"
        assert InfringementReport.objects.get().status == "received"
        assert DesignReview.objects.count() == 1


def test_another_member_of_the_same_cooperative_sees_none_of_it(coop_a, client, api):
    rows = seeded(coop_a)
    other = MemberFactory(cooperative=coop_a.cooperative)
    user = UserFactory(username="a-other", role="enterprise", member=other)
    client.force_login(user)
    assert (
        client.get(f"/c/{coop_a.slug}/brands/design-reviews/{rows['review'].pk}/").status_code
        == 404
    )
    assert client.get(f"/c/{coop_a.slug}/attachments/{rows['file'].pk}/").status_code == 404
    assert api(user).get(f"/api/v1/coops/{coop_a.slug}/infringement-reports/").json()["count"] == 0
    assert api(user).get(f"/api/v1/coops/{coop_a.slug}/brand-licences/").json()["count"] == 0


def test_the_lab_sees_nothing(coop_a, client, api):
    rows = seeded(coop_a)
    client.force_login(coop_a.lab)
    assert client.get(f"/c/{coop_a.slug}/brands/design-reviews/").status_code == 403
    token = api(coop_a.lab)
    for resource in ("design-reviews", "infringement-reports", "brand-licences"):
        assert token.get(f"/api/v1/coops/{coop_a.slug}/{resource}/").json()["count"] == 0
    review = rows["review"].pk
    assert token.get(f"/api/v1/coops/{coop_a.slug}/design-reviews/{review}/").status_code == 404


def test_the_demo_seed_is_idempotent(coop_a):
    with unscoped():
        coop_a.admin.username = "haimen-admin"
        coop_a.admin.save()
        TrademarkLicence.objects.create(
            cooperative=coop_a.cooperative,
            member=coop_a.member,
            trademark="海门家纺",
            starts_on="2026-01-01",
            ends_on="2028-12-31",
        )
        for _ in range(6):
            MemberFactory(cooperative=coop_a.cooperative, kind="enterprise")

        def counts():
            return [
                model.objects.count()
                for model in (
                    CollectiveTrademark,
                    LicenceTerms,
                    DesignReview,
                    InfringementReport,
                    StepEvent,
                    Attachment,
                )
            ]

        said = []
        demo.seed(coop_a.cooperative, coop_a.member, log=said.append)
        first = counts()
        demo.seed(coop_a.cooperative, coop_a.member, log=said.append)
        assert counts() == first
        assert first[:4] == [2, 1, 6, 3]
        assert DesignReview.objects.overdue().count() == 1
        assert DesignReview.objects.filter(status="granted").count() == 1
        assert len(said) == 2
