"""Trademark-infringement reports: a member reports with evidence (checked from its content),
staff investigate and refer or close; refusals name the field or the state and write nothing."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from brands.models import InfringementReport
from brands.services import infringements
from coop.models import Attachment, StepEvent
from coop.tenancy import scope, unscoped
from tests.brands.conftest import png

API = "/api/v1/coops/{slug}/infringement-reports/"


def report(api, tenant, **overrides):
    data = {
        "channel": "online",
        "url": "https://shop.example.com/item/1",
        "seen_on": "2026-11-01",
        "description": "网店冒用集体商标",
        **overrides,
    }
    return api(tenant.enterprise).post(API.format(slug=tenant.slug), data, format="multipart")


def test_a_report_with_evidence_is_investigated_referred_and_closed(coop_a, api):
    made = report(api, coop_a, evidence=[png("摊位.png")])
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    with unscoped():
        files = list(Attachment.objects.filter(target="brands.infringementreport"))
    assert [(f.target_id, f.purpose, f.content_type) for f in files] == [
        (pk, "infringement_evidence", "image/png")
    ]
    url = API.format(slug=coop_a.slug)
    admin = api(coop_a.admin)
    refused = admin.post(f"{url}{pk}/refer/", {"authority": "海门区市场监督管理局"})
    assert refused.status_code == 409
    assert admin.post(f"{url}{pk}/investigate/").json()["status"] == "investigating"
    no_authority = admin.post(f"{url}{pk}/refer/", {"authority": ""})
    assert no_authority.status_code == 400 and "authority" in no_authority.json()
    referred = admin.post(f"{url}{pk}/refer/", {"authority": "海门区市场监督管理局"})
    assert referred.json()["status"] == "referred"
    no_outcome = admin.post(f"{url}{pk}/close/", {})
    assert no_outcome.status_code == 400 and "outcome" in no_outcome.json()
    closed = admin.post(f"{url}{pk}/close/", {"outcome": "已立案查处"})
    assert closed.json()["status"] == "closed" and closed.json()["outcome"] == "已立案查处"
    # The member reads its report, and cannot take a staff step.
    assert api(coop_a.enterprise).get(f"{url}{pk}/").json()["status"] == "closed"
    assert api(coop_a.enterprise).post(f"{url}{pk}/close/", {"outcome": "x"}).status_code == 403


def test_bad_evidence_or_a_missing_place_is_refused_and_stores_nothing(coop_a, api):
    html = SimpleUploadedFile("photo.png", b"<html>not a photo</html>", content_type="image/png")
    refused = report(api, coop_a, evidence=[html])
    assert refused.status_code == 400 and "evidence" in refused.json()
    no_url = report(api, coop_a, url="")
    assert no_url.status_code == 400 and "url" in no_url.json()
    no_place = report(api, coop_a, channel="market", url="")
    assert no_place.status_code == 400 and "place" in no_place.json()
    with unscoped():
        assert not InfringementReport.objects.exists()
        assert not Attachment.objects.exists()
        assert not StepEvent.objects.filter(workflow="infringement_report").exists()


def test_the_page_form_takes_files_and_shows_them_to_staff(coop_a, client):
    client.force_login(coop_a.enterprise)
    made = client.post(
        f"/c/{coop_a.slug}/brands/infringements/new/",
        {
            "channel": "market",
            "place": "叠石桥国际家纺城三区",
            "seen_on": "2026-11-02",
            "description": "摊位冒用",
            "evidence": [png("一.png"), png("二.png")],
        },
    )
    assert made.status_code == 302, made.content.decode()[:2000]
    client.force_login(coop_a.admin)
    page = client.get(made["Location"]).content.decode()
    assert "一.png" in page and "二.png" in page and "开始调查" in page
    listed = client.get(f"/c/{coop_a.slug}/brands/infringements/").content.decode()
    assert "叠石桥国际家纺城三区" in listed


@pytest.mark.parametrize("many", [2, 9])
def test_the_list_reads_in_fixed_queries(coop_a, api, client, django_assert_num_queries, many):
    with scope({coop_a.cooperative.pk}):
        for day in range(many):
            infringements.report(
                member=coop_a.member,
                actor=coop_a.enterprise,
                channel="market",
                place=f"叠石桥{day}号摊位",
                seen_on=date(2026, 10, 1 + day),
                description="冒用",
            )
    client.force_login(coop_a.admin)
    # session, user, cooperative; ids of the page, its rows with members and marks, the count.
    with django_assert_num_queries(6):
        assert client.get(f"/c/{coop_a.slug}/brands/infringements/").status_code == 200
    token = api(coop_a.admin)
    # token with its user, cooperative; count, ids, rows.
    with django_assert_num_queries(5):
        assert token.get(API.format(slug=coop_a.slug)).json()["count"] == many
