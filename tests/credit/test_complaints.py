"""Complaints from the public: filed without login, evidence checked from its content,
throttled, tracked by code; the contact never leaves the staff's view."""

from django.core.files.uploadedfile import SimpleUploadedFile

from coop.tenancy import unscoped
from credit.models import Complaint
from credit.services.complaints import MAX_EVIDENCE_BYTES

FORM = "/api/v1/public/coops/coop-a/complaints/"
STAFF = "/api/v1/coops/coop-a/complaints/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
CONTACT = "13800001111"


def complain(api, tenant, evidence=None, **overrides):
    data = {
        "member": tenant.member.pk,
        "product": "四件套",
        "description": "洗涤一次即严重褪色",
        "contact": CONTACT,
        **overrides,
    }
    if evidence is not None:
        data["evidence"] = evidence
    return api().post(FORM, data, format="multipart")


def upload(content, name="receipt.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_complaint_is_filed_tracked_triaged_answered_and_resolved(coop_a, api):
    filed = complain(api, coop_a, upload(PNG))
    assert filed.status_code == 201, filed.json()
    code = filed.json()["tracking_code"]
    tracked = api().get(f"/api/v1/public/complaints/{code}/").json()
    assert tracked["status"] == "received" and tracked["member_name"] == coop_a.member.name
    pk = api(coop_a.admin).get(STAFF).json()["results"][0]["id"]
    no_reason = api(coop_a.admin).post(f"{STAFF}{pk}/triage/", {"verdict": "valid"})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    api(coop_a.admin).post(f"{STAFF}{pk}/triage/", {"verdict": "valid", "reason": "有购买凭证"})
    answered = api(coop_a.enterprise).post(f"{STAFF}{pk}/answer/", {"text": "已为顾客退货"})
    assert answered.json()["status"] == "answered"
    resolved = api(coop_a.admin).post(f"{STAFF}{pk}/resolve/", {"resolution": "已退货并整改"})
    assert resolved.json()["status"] == "resolved"
    tracked = api().get(f"/api/v1/public/complaints/{code}/").json()
    assert (tracked["answer"], tracked["resolution"]) == ("已为顾客退货", "已退货并整改")
    evidence = api(coop_a.admin).get(f"{STAFF}{pk}/evidence/")
    assert evidence["Content-Type"] == "image/png"
    assert evidence["Content-Disposition"].startswith("attachment")
    assert api(coop_a.enterprise).get(f"{STAFF}{pk}/evidence/").status_code == 403


def test_the_contact_appears_in_no_public_page_or_response(coop_a, api, client):
    code = complain(api, coop_a).json()["tracking_code"]
    with unscoped():
        complaint = Complaint.objects.get()
    api(coop_a.admin).post(f"{STAFF}{complaint.pk}/triage/", {"verdict": "valid", "reason": "属实"})
    public = [
        api().get(f"/api/v1/public/complaints/{code}/"),
        api().get(f"/api/v1/public/coops/coop-a/members/{coop_a.member.pk}/"),
        api().get("/api/v1/public/coops/coop-a/credit-grades/"),
        api().get("/api/v1/public/coops/coop-a/announcements/"),
        api(coop_a.enterprise).get(STAFF),
        api(coop_a.enterprise).get(f"{STAFF}{complaint.pk}/"),
        client.get(f"/complaints/track/?code={code}"),
        client.get(f"/c/coop-a/directory/{coop_a.member.pk}/"),
    ]
    for response in public:
        assert response.status_code == 200
        assert CONTACT not in response.content.decode()
    assert CONTACT in api(coop_a.admin).get(f"{STAFF}{complaint.pk}/").content.decode()


def test_evidence_of_the_wrong_type_or_too_large_is_refused(coop_a, api):
    html = upload(b"<html><script>alert(1)</script></html>", "photo.png", "image/png")
    refused = complain(api, coop_a, html)
    assert refused.status_code == 400
    assert refused.json() == {"evidence": ["文件须为 JPEG、PNG 照片或 PDF；此文件不是。"]}
    big = upload(PNG + b"\0" * MAX_EVIDENCE_BYTES)
    too_large = complain(api, coop_a, big)
    assert too_large.status_code == 400 and "5 MB" in too_large.json()["evidence"][0]
    with unscoped():
        assert Complaint.objects.count() == 0  # nothing half-saved


def test_the_public_form_is_throttled_per_address(coop_a, api):
    answers = [complain(api, coop_a).status_code for _ in range(6)]
    assert answers == [201] * 5 + [429]


def test_a_duplicate_names_the_complaint_it_repeats_and_closes(coop_a, coop_b, api):
    complain(api, coop_a)
    complain(api, coop_a)
    with unscoped():
        first, second = Complaint.objects.order_by("pk")
    wrong = api(coop_a.admin).post(
        f"{STAFF}{second.pk}/triage/", {"verdict": "duplicate", "reason": "重复"}
    )
    assert "duplicate_of" in wrong.json()
    done = (
        api(coop_a.admin)
        .post(
            f"{STAFF}{second.pk}/triage/",
            {"verdict": "duplicate", "reason": "重复投诉", "duplicate_of": first.pk},
        )
        .json()
    )
    assert (done["status"], done["duplicate_of"]) == ("resolved", first.pk)


def test_a_complaint_about_another_cooperatives_member_is_not_taken(coop_a, coop_b, api):
    response = complain(api, coop_a, member=coop_b.member.pk)
    assert response.status_code == 404
