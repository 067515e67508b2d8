"""A commitment from draft to the public registry and its certificate, and back out."""

import time
from datetime import date, timedelta

import pypdfium2
import pytest

from coop.models import Document
from coop.tenancy import scope, unscoped
from credit.tasks import issue_commitment_certificate

COMMITMENTS = "/api/v1/coops/coop-a/commitments/"


def body(tenant, **overrides):
    today = date.today()
    return {
        "member": tenant.member.pk,
        "products": "四件套、被芯",
        "standards": "GB 18401-2010、GB/T 22796-2021",
        "guarantees": "七天无理由退货；质量问题包换；终身售后。",
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=365)).isoformat(),
        **overrides,
    }


def step(api, user, pk, verb, slug="coop-a", **data):
    return api(user).post(f"/api/v1/coops/{slug}/commitments/{pk}/{verb}/", data, format="json")


def published(api, tenant, **overrides):
    listed = f"/api/v1/coops/{tenant.slug}/commitments/"
    made = api(tenant.enterprise).post(listed, body(tenant, **overrides), format="json")
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    submitted = step(api, tenant.enterprise, pk, "submit", tenant.slug)
    assert submitted.json()["status"] == "submitted"
    assert step(api, tenant.admin, pk, "publish", tenant.slug).json()["status"] == "published"
    return pk


def test_a_commitment_is_drafted_submitted_returned_revised_and_published(coop_a, api):
    made = api(coop_a.enterprise).post(COMMITMENTS, body(coop_a), format="json").json()
    pk = made["id"]
    assert made["status"] == "draft"
    step(api, coop_a.enterprise, pk, "submit")
    refused = step(api, coop_a.admin, pk, "return", note=" ")
    assert refused.status_code == 400 and "note" in refused.json()
    returned = step(api, coop_a.admin, pk, "return", note="请写明退换货期限").json()
    assert (returned["status"], returned["review_note"]) == ("returned", "请写明退换货期限")
    revised = api(coop_a.enterprise).patch(
        f"{COMMITMENTS}{pk}/", {"guarantees": "七天无理由退货"}, format="json"
    )
    assert revised.json()["guarantees"] == "七天无理由退货"
    step(api, coop_a.enterprise, pk, "submit")
    assert step(api, coop_a.admin, pk, "publish").json()["status"] == "published"
    again = step(api, coop_a.admin, pk, "publish")
    assert (
        again.json()["detail"]
        == "质量承诺当前状态为“已公开”，不能发布：只有状态为“待审核”的质量承诺可以。"
    )
    assert step(api, coop_a.enterprise, pk, "publish").status_code == 403


def test_bad_input_names_the_field(coop_a, api):
    today = date.today().isoformat()
    response = api(coop_a.enterprise).post(
        COMMITMENTS, body(coop_a, valid_until=today, guarantees=""), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"guarantees"}  # the field rule first; then the period
    response = api(coop_a.enterprise).post(
        COMMITMENTS, body(coop_a, valid_until=today), format="json"
    )
    assert response.json() == {"valid_until": ["承诺的截止日期须晚于开始日期。"]}


def test_an_enterprise_writes_only_its_own_commitments(coop_a, api):
    from tests.factories import MemberFactory

    other = MemberFactory(cooperative=coop_a.cooperative)
    response = api(coop_a.enterprise).post(
        COMMITMENTS, body(coop_a, member=other.pk), format="json"
    )
    assert response.status_code == 403


def test_published_commitments_form_a_searchable_public_registry(coop_a, coop_b, api):
    pk = published(api, coop_a)
    published(api, coop_b)
    registry = api().get("/api/v1/public/commitments/").json()
    assert registry["count"] == 2
    for query in (coop_a.member.name, coop_a.member.uscc[-6:], "被芯"):
        found = api().get("/api/v1/public/commitments/", {"q": query}).json()["results"]
        assert pk in [row["id"] for row in found], query
    only_a = api().get("/api/v1/public/commitments/", {"q": coop_a.member.name}).json()
    assert [row["cooperative"] for row in only_a["results"]] == ["coop-a"]


def test_the_certificate_is_a_verifiable_pdf_and_withdrawal_revokes_it(coop_a, api, client):
    pk = published(api, coop_a)
    number = issue_commitment_certificate(coop_a.cooperative.pk, pk)
    with unscoped():
        document = Document.objects.get(number=number)
        pdf = pypdfium2.PdfDocument(document.file.open("rb").read())
    text = pdf[0].get_textpage().get_text_range()
    assert "向社会公开承诺" in text and coop_a.member.name in text
    assert api(coop_a.enterprise).get(f"{COMMITMENTS}{pk}/").json()["certificate"] == number
    page = client.get(f"/verify/{document.code}/")
    assert "四件套、被芯" in page.content.decode() and document.status == "valid"
    step(api, coop_a.admin, pk, "withdraw", reason="停产")
    with unscoped():
        document.refresh_from_db()
    assert document.status == "revoked" and document.revoked_reason == "停产"
    assert api().get("/api/v1/public/commitments/").json()["count"] == 0


def test_a_new_commitment_withdraws_an_old_one_only_when_the_member_names_it(coop_a, api):
    # Before issue 15 a new commitment silently withdrew the member's one in force; now the
    # member says which it replaces (tests/credit/test_commitment_scopes.py has the rest).
    first = published(api, coop_a)
    second = published(api, coop_a, products="蚕丝被")
    third = published(api, coop_a, replaces=[first])
    with scope({coop_a.cooperative.pk}):
        from credit.models import Commitment

        assert Commitment.objects.get(pk=first).status == "withdrawn"
        assert Commitment.objects.get(pk=second).status == "published"
        assert Commitment.objects.get(pk=third).status == "published"


@pytest.mark.celery_worker
def test_publishing_has_a_worker_issue_the_certificate(coop_a, api, worker):
    pk = published(api, coop_a)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        code = api(coop_a.enterprise).get(f"{COMMITMENTS}{pk}/").json()["certificate_code"]
        if code:
            break
        time.sleep(0.2)
    assert code and api().get(f"/api/v1/public/certificates/{code}/").json()["status"] == "valid"
