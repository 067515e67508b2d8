"""A complaint filed on the page lands on its tracking page (a refresh files nothing more),
says how long handling is expected to take, and a complaint found valid reaches the member:
in its home and by one mail, never with the complainant's contact."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from coop.tenancy import scope, unscoped
from credit.models import Complaint
from credit.services import complaints
from credit.tasks import tell_member_of_valid_complaint
from supervision.inbox import inbox_for
from tests.factories import UserFactory

CONTACT = "13700005678"
DAYS_15 = timedelta(days=15)
STAFF = "/api/v1/coops/coop-a/complaints/"


def file_on_the_page(client, tenant):
    return client.post(
        f"/c/{tenant.slug}/directory/{tenant.member.pk}/complain/",
        {"product": "被芯", "description": "异味明显", "contact": CONTACT},
    )


def test_filing_redirects_to_the_tracking_page_and_a_refresh_files_nothing(coop_a, client):
    form = client.get(f"/c/coop-a/directory/{coop_a.member.pk}/complain/").content.decode()
    assert "15 个自然日" in form
    filed = file_on_the_page(client, coop_a)
    assert filed.status_code == 303
    with unscoped():
        complaint = Complaint.objects.get()
    assert filed["Location"] == f"/complaints/track/?code={complaint.tracking_code}"
    landing = client.get(filed["Location"])
    page = landing.content.decode()
    assert landing.status_code == 200 and f'<strong class="code">{complaint.tracking_code}' in page
    assert "已收到投诉" in page and "预计办结" in page and "15 个自然日" in page
    assert CONTACT not in page
    # A refresh is a GET of the tracking page: the complaint shows again, nothing is filed,
    # and the "just received" notice is said once.
    again = client.get(filed["Location"]).content.decode()
    assert complaint.tracking_code in again and "已收到投诉" not in again
    with unscoped():
        assert Complaint.objects.count() == 1
    expected = str(complaint.received_at.astimezone(ZoneInfo("Asia/Shanghai")).date() + DAYS_15)
    assert expected in page
    tracked = client.get(f"/api/v1/public/complaints/{complaint.tracking_code}/").json()
    assert tracked["expected_by"] == expected and CONTACT not in str(tracked)


def test_an_invalid_form_stays_on_the_form_and_files_nothing(coop_a, client):
    answer = client.post(
        f"/c/coop-a/directory/{coop_a.member.pk}/complain/", {"product": "被芯", "description": ""}
    )
    assert answer.status_code == 200 and "id_description" in answer.content.decode()
    with unscoped():
        assert not Complaint.objects.exists()


def test_the_member_sees_a_valid_complaint_in_its_home(coop_a, coop_b, client):
    with scope({coop_a.cooperative.pk}):
        complaint = complaints.file_complaint(
            member=coop_a.member, product="被芯", description="异味", contact=CONTACT
        )
        complaints.triage(complaint=complaint, actor=coop_a.admin, verdict="valid", reason="属实")
        groups = {g.key: g for g in inbox_for(coop_a.enterprise).groups}
    assert groups["complaints"].count == 1
    row = groups["complaints"].rows[0]
    assert row.label == "被芯" and row.url.endswith(f"/complaints/{complaint.pk}/")
    client.force_login(coop_a.enterprise)
    home = client.get("/staff/").content.decode()
    assert "被芯" in home and f"/c/coop-a/complaints/{complaint.pk}/" in home
    assert "经甄别属实" in home
    assert CONTACT not in home
    # Another cooperative's member is not told.
    with scope({coop_b.cooperative.pk}):
        assert {g.key: g for g in inbox_for(coop_b.enterprise).groups}["complaints"].count == 0
    client.force_login(coop_b.enterprise)
    assert f"/complaints/{complaint.pk}/" not in client.get("/staff/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_valid_triage_mails_the_members_users_once(coop_a, coop_b, api, smtp_server, worker):
    coop_a.enterprise.email = "owner@a.example.cn"
    coop_a.enterprise.save()
    colleague = UserFactory(
        username="a-colleague", role="enterprise", member=coop_a.member, email="qa@a.example.cn"
    )
    coop_b.enterprise.email = "owner@b.example.cn"
    coop_b.enterprise.save()
    with scope({coop_a.cooperative.pk}):
        complaint = complaints.file_complaint(
            member=coop_a.member, product="四件套", description="褪色", contact=CONTACT
        )
        invalid = complaints.file_complaint(
            member=coop_a.member, product="毛巾", description="起球", contact=CONTACT
        )
    api(coop_a.admin).post(
        f"{STAFF}{invalid.pk}/triage/", {"verdict": "invalid", "reason": "无凭证"}
    )
    triaged = api(coop_a.admin).post(
        f"{STAFF}{complaint.pk}/triage/", {"verdict": "valid", "reason": "有购买凭证，属实"}
    )
    assert triaged.status_code == 200, triaged.json()
    message = smtp_server.last_to("owner@a.example.cn")
    assert "四件套" in message["Subject"]
    body = message.get_content()
    assert "有购买凭证，属实" in body and f"/c/coop-a/complaints/{complaint.pk}/" in body
    assert CONTACT not in body and "褪色" not in body
    assert "qa@a.example.cn" in message.recipients and colleague.member_id == coop_a.member.pk
    # Once: a rerun of the task (a lost worker, a retry) finds it claimed.
    assert tell_member_of_valid_complaint(coop_a.cooperative.pk, complaint.pk) == 0
    with unscoped():
        assert Complaint.objects.get(pk=complaint.pk).member_told_at is not None
        assert Complaint.objects.get(pk=invalid.pk).member_told_at is None
    assert len(smtp_server.to("owner@a.example.cn", seconds=1)) == 1  # not for the invalid one
    assert smtp_server.to("owner@b.example.cn", seconds=1) == []
    assert mail.outbox == [] or all("owner@b" not in m.to for m in mail.outbox)
