"""The credit journeys in HTML: an enterprise's commitment through review to the registry,
a complaint from the public page with its evidence and tracking, staff steps and refusals."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from coop.tenancy import unscoped
from credit.models import Commitment, Complaint
from tests.credit.test_complaints import CONTACT, PNG


def said(response):
    return [str(message) for message in response.context["messages"]]


def test_a_commitment_from_the_enterprises_page_to_the_public_registry(coop_a, client):
    client.force_login(coop_a.enterprise)
    today = date.today()
    form = {
        "products": "四件套",
        "standards": "GB 18401-2010",
        "guarantees": "七天无理由退货",
        "valid_from": today.isoformat(),
        "valid_until": today.isoformat(),
    }
    refused = client.post("/c/coop-a/commitments/new/", form)
    assert "承诺的截止日期须晚于开始日期。" in refused.content.decode()
    form["valid_until"] = (today + timedelta(days=365)).isoformat()
    saved = client.post("/c/coop-a/commitments/new/", form)
    pk = int(saved["Location"].rstrip("/").split("/")[-1])
    page = client.get(saved["Location"])
    assert [form["step"].name for form in page.context["step_forms"]] == ["submit"]
    client.post(f"/c/coop-a/commitments/{pk}/step/submit/", follow=True)
    early = client.post(f"/c/coop-a/commitments/{pk}/step/publish/", follow=True)
    assert said(early) == ["您的角色不能执行此操作。"]
    client.force_login(coop_a.admin)
    # Publishing may withdraw commitments in force: the page says which and asks first.
    unconfirmed = client.post(f"/c/coop-a/commitments/{pk}/step/publish/", follow=True)
    assert said(unconfirmed) == ["confirm：请勾选“我已了解”后再发布；未做任何更改。"]
    published = client.post(
        f"/c/coop-a/commitments/{pk}/step/publish/", {"confirm": "true"}, follow=True
    )
    assert said(published) == ["已完成：发布。"]
    again = client.post(f"/c/coop-a/commitments/{pk}/step/publish/", follow=True)
    assert said(again) == [
        "质量承诺当前状态为“已公开”，不能发布：只有状态为“待审核”的质量承诺可以。"
    ]
    client.logout()
    registry = client.get("/commitments/", {"q": coop_a.member.name})
    assert [row.pk for row in registry.context["page"]] == [pk]
    with unscoped():
        assert Commitment.objects.get(pk=pk).status == "published"


def test_a_complaint_from_the_member_page_with_evidence_and_its_tracking(coop_a, client):
    member_page = client.get(f"/c/coop-a/directory/{coop_a.member.pk}/")
    assert member_page.status_code == 200
    assert f"/c/coop-a/directory/{coop_a.member.pk}/complain/" in member_page.content.decode()
    form = {"product": "被芯", "description": "异味大", "contact": CONTACT}
    wrong = client.post(
        f"/c/coop-a/directory/{coop_a.member.pk}/complain/",
        {**form, "evidence": SimpleUploadedFile("a.png", b"GIF89a....", "image/png")},
    )
    assert "文件须为 JPEG、PNG 照片或 PDF；此文件不是。" in wrong.content.decode()
    filed = client.post(
        f"/c/coop-a/directory/{coop_a.member.pk}/complain/",
        {**form, "evidence": SimpleUploadedFile("a.png", PNG, "image/png")},
    )
    assert filed.status_code == 303  # to the tracking page: a refresh files nothing more
    landing = client.get(filed["Location"])
    code = landing.context["complaint"].tracking_code
    assert code in landing.content.decode() and CONTACT not in landing.content.decode()
    tracked = client.get("/complaints/track/", {"code": code.lower()})
    assert tracked.context["complaint"].status == "received"
    assert CONTACT not in tracked.content.decode()
    assert client.get("/complaints/track/", {"code": "TSNOTACODE"}).status_code == 404
    client.force_login(coop_a.admin)
    with unscoped():
        pk = Complaint.objects.get().pk
    detail = client.get(f"/c/coop-a/complaints/{pk}/")
    assert CONTACT in detail.content.decode()
    evidence = client.get(f"/c/coop-a/complaints/{pk}/evidence/")
    assert evidence["Content-Type"] == "image/png"
    assert evidence["Content-Disposition"].startswith("attachment")
    client.post(f"/c/coop-a/complaints/{pk}/step/triage/", {"verdict": "valid", "reason": "属实"})
    client.force_login(coop_a.enterprise)
    mine = client.get(f"/c/coop-a/complaints/{pk}/")
    assert CONTACT not in mine.content.decode() and code not in mine.content.decode()
    client.post(f"/c/coop-a/complaints/{pk}/step/answer/", {"text": "已退货"})
    assert client.get(f"/c/coop-a/complaints/{pk}/evidence/").status_code == 403
    with unscoped():
        assert Complaint.objects.get().status == "answered"


def test_the_public_form_is_throttled(coop_a, client):
    path = f"/c/coop-a/directory/{coop_a.member.pk}/complain/"
    for _ in range(5):
        client.post(path, {"product": "x", "description": "x"})
    sixth = client.post(path, {"product": "x", "description": "x"})
    assert "您所在地址提交的投诉过多，请稍后再试。" in sixth.content.decode()
    with unscoped():
        assert Complaint.objects.count() == 5


def test_staff_grade_announce_and_enforce_on_their_pages(coop_a, client):
    client.force_login(coop_a.admin)
    graded = client.post("/c/coop-a/grades/", {"action": "run"}, follow=True)
    assert said(graded) == ["已为 1 家成员评定等级；提出退出建议 0 条。"]
    grade = graded.context["page"][0]
    detail = client.get(f"/c/coop-a/grades/{grade.pk}/")
    assert sum(float(row["points"]) for row in detail.context["factors"]) == float(grade.score)
    period = {"start": "2025-01-01", "end": "2025-12-31"}
    made = client.post("/c/coop-a/assessments/", {**period, "action": "run"}, follow=True)
    assert said(made) == ["已生成 1 条评价。"]
    announced = client.post("/c/coop-a/assessments/", {**period, "action": "announce"}, follow=True)
    assert said(announced) == ["已公示：异议期内成员可提出异议。"]
    recorded = client.post(
        "/c/coop-a/enforcement/",
        {
            "form": "violation",
            "member": coop_a.member.pk,
            "kind": "标识不规范",
            "severity": "minor",
            "legal_clause": "第二十七条",
            "occurred_on": date.today().isoformat(),
        },
        follow=True,
    )
    assert said(recorded) == ["730 天内首次轻微违法：予以警告，不予处罚。"]
    client.force_login(coop_a.supervisor)
    refused = client.post("/c/coop-a/grades/", {"action": "run"})
    assert said(refused) == ["只有合作社管理员可以执行此操作。"]


def test_a_step_never_sends_the_browser_to_another_site(coop_a, client):
    client.force_login(coop_a.admin)
    with unscoped():
        complaint = Complaint.objects.create(
            cooperative=coop_a.cooperative, member=coop_a.member, product="x", description="x"
        )
    for target in ("https://evil.example/", "//evil.example/"):
        answer = client.post(
            f"/c/coop-a/complaints/{complaint.pk}/step/triage/",
            {"verdict": "invalid", "reason": "x", "next": target},
        )
        assert answer["Location"] == f"/c/coop-a/complaints/{complaint.pk}/"
