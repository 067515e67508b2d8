"""Public only what is meant to be public: every route of the portal is asked for anonymously,
with real rows behind it, and whatever answers (pages, the public API, the public XLSX and PDF)
must not carry any value of a staff-only field.

The routes come from the URL resolver itself, so a page or endpoint added later is walked too:
it answers anonymously (2xx, and then it is scanned), refuses (a login redirect, 401, 403, or
405 for a method it does not take), or it fails this test until it is given real values here.
"""

import io
import itertools
import json
import re
from datetime import date, timedelta

import pypdfium2
import pytest
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from openpyxl import load_workbook

from coop import audit, invitations
from coop.models import Document, Invitation, StepEvent
from coop.tenancy import scope, unscoped
from credit.models import Assessment, AssessmentObjection, Commitment, CreditGrade, Inspection
from credit.services import assessments, grading
from credit.tasks import issue_commitment_certificate
from members.models import Member, QualityPerson
from members.services import accounts, lifecycle
from standards.models import Indicator, Standard
from testing_fund.models import Batch, LedgerEntry
from tests.credit.test_assessments import failed_batch
from tests.credit.test_commitments import published
from tests.factories import MemberFactory

# Each staff-only field, the distinctive value planted in it, and why the public never sees it.
STAFF_ONLY = {
    "CreditGrade.override_reason": (
        "改级理由OVERRIDE7f3a",
        "why staff set a grade by hand is their judgement of the member: the public sees the "
        "grade and that it was set by the cooperative, not why (issue 12)",
    ),
    "StepEvent.reason": (
        "步骤理由STEP91c2",
        "a row's history, who took which step and why, is for staff and the row's parties",
    ),
    "Complaint.contact": (
        "投诉人电话13700001234",
        "the complainant's phone or address is personal data: staff use it to call back",
    ),
    "Complaint.description": (
        "投诉详情DESC88aa",
        "the complaint's own words may name the complainant; staff and the member read them",
    ),
    "Commitment.review_note": (
        "审核意见REVIEW5d1e",
        "staff's notes to the member while reviewing its commitment",
    ),
    "Assessment.adjustment_reason": (
        "调整理由ADJUST3b7c",
        "staff's reason for changing a computed result, like a grade override's",
    ),
    "AssessmentObjection.reason": (
        "异议理由OBJECT6e0d",
        "a member's grounds for objecting are between it and staff",
    ),
    "Member.contact_person": (
        "联系人PERSONc4d1",
        "the unit's contact person is reached through the cooperative, not published",
    ),
    "Member.contact_phone": ("13912340001", "the contact's phone number is personal data"),
    "Member.contact_email": (
        "private-contact@a.example.cn",
        "the contact's address is personal data, and the unit's login name",
    ),
    "QualityPerson.phone": ("13800009999", "a quality officer's phone number is personal data"),
    "Batch.seal_number": (
        "封样号SEAL2f9b",
        "the seal on a sample protects it: its number is for staff, the lab and the member",
    ),
    "Batch.samplers": ("抽样人SAMPLERa8e1", "who drew a sample is part of the staff's record"),
    "LedgerEntry.reason": ("记账理由LEDGER0b4c", "the testing fund's bookkeeping is for staff"),
    "Inspection.findings": (
        "检查发现FINDINGS7d2e",
        "an inspection's findings are a record for staff until any decision is published",
    ),
    "AuditRecord.reason": ("审计理由AUDIT1c5f", "the audit trail is for staff"),
    "User.email (staff)": ("admin-private@coop-a.example.cn", "staff's own addresses"),
}

# Routes that answer 404 to the anonymous even with real values, and why that is right.
NOT_FOUND = {
    "standard-file": "the catalogue's standards here carry no file to download",
}
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")
ADDRESSES = itertools.count(1)


def plant(coop_a, api):
    """Real rows behind every public page, each staff-only field holding its value."""
    value = {field: planted for field, (planted, _why) in STAFF_ONLY.items()}
    member = coop_a.member
    with unscoped():
        Member.objects.filter(pk=member.pk).update(
            contact_person=value["Member.contact_person"],
            contact_phone=value["Member.contact_phone"],
            contact_email=value["Member.contact_email"],
            main_products="四件套",
        )
        member.refresh_from_db()
    coop_a.admin.email = value["User.email (staff)"]
    coop_a.admin.save()

    commitment = published(api, coop_a)
    with unscoped():
        Commitment.objects.filter(pk=commitment).update(review_note=value["Commitment.review_note"])
    issue_commitment_certificate(coop_a.cooperative.pk, commitment)
    batch = failed_batch(coop_a, member, date.today() - timedelta(days=20))
    last_year = date.today().year - 1
    start, end = date(last_year, 1, 1), date(last_year, 12, 31)
    with scope({coop_a.cooperative.pk}):
        grading.grade_members(cooperative_id=coop_a.cooperative.pk)
        grading.override(
            grade=CreditGrade.objects.get(member=member),
            actor=coop_a.admin,
            new_grade="AAA",
            reason=value["CreditGrade.override_reason"],
        )
        lifecycle.MEMBER.record(
            member, "review", actor=coop_a.admin, reason=value["StepEvent.reason"]
        )
        assessment = Assessment.objects.create(
            cooperative=coop_a.cooperative,
            member=member,
            period_start=start,
            period_end=end,
            computed="fulfilled",
            result="fulfilled",
        )
        assessments.adjust(
            assessment=assessment,
            actor=coop_a.admin,
            result="mostly",
            reason=value["Assessment.adjustment_reason"],
        )
        notice = assessments.announce(
            cooperative=coop_a.cooperative, actor=coop_a.admin, start=start, end=end
        )
        # An exit is announced (credit.announcements): its typed reason stays staff's.
        lifecycle.MEMBER.take(
            "exit",
            MemberFactory(cooperative=coop_a.cooperative),
            actor=coop_a.admin,
            check_who=False,
            reason=value["StepEvent.reason"],
            exit_kind="expulsion",
            decision_date=date.today(),
        )
        AssessmentObjection.objects.create(
            cooperative=coop_a.cooperative,
            assessment=assessment,
            reason=value["AssessmentObjection.reason"],
        )
        QualityPerson.objects.create(
            cooperative=coop_a.cooperative,
            member=member,
            role=QualityPerson._meta.get_field("role").choices[0][0],
            name="王质量",
            phone=value["QualityPerson.phone"],
            appointed_on=date(2024, 1, 1),
        )
        Batch.objects.filter(pk=batch.pk).update(
            seal_number=value["Batch.seal_number"], samplers=value["Batch.samplers"]
        )
        LedgerEntry.objects.create(
            cooperative=coop_a.cooperative,
            fund=batch.fund,
            kind="adjustment",
            amount=0,
            reason=value["LedgerEntry.reason"],
        )
        Inspection.objects.create(
            cooperative=coop_a.cooperative,
            member=member,
            inspected_on=date.today(),
            inspectors="检查组",
            findings=value["Inspection.findings"],
        )
        audit.record(
            instance=member, actor=coop_a.admin, action="note", reason=value["AuditRecord.reason"]
        )
    filed = api().post(
        "/api/v1/public/coops/coop-a/complaints/",
        {
            "member": member.pk,
            "product": "四件套",
            "description": value["Complaint.description"],
            "contact": value["Complaint.contact"],
        },
        REMOTE_ADDR="2001:db8:2::1",
    )
    assert filed.status_code == 201, filed.content
    with unscoped():
        applicant = MemberFactory(
            cooperative=coop_a.cooperative, status="applied", contact_email="apply@x.example.cn"
        )
        document = Document.objects.get(source_id=commitment, kind="commitment_certificate")
        standard = Standard.objects.filter(cooperative=None).first()
        link = "public-walk-invitation-token"
        Invitation.objects.create(
            cooperative=coop_a.cooperative,
            email="invited@x.example.cn",
            role="enterprise",
            member=applicant,
            token_hash=invitations.hash_token(link),
            expires_at=timezone.now() + timedelta(days=1),
        )
    return {
        "member": member,
        "tracking": filed.json()["tracking_code"],
        "document": document,
        "standard": standard,
        "invitation": accounts.invitation_token(applicant),
        "invitation_link": link,
        "announcement": notice,
    }


def routes():
    """Every route of the portal: (its name, its parameters, the patterns from the root)."""

    def walk(patterns, chain):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, [*chain, pattern.pattern])
            else:
                found = [*chain, pattern.pattern]
                params = [p for part in found for p in part.regex.groupindex]
                yield pattern.name or str(pattern.pattern), params, found

    return list(walk(get_resolver().url_patterns, []))


def url_of(chain, values):
    """The route's address with ``values`` (or plain ones) in its parameters."""
    parts = []
    for part in chain:
        if isinstance(part, RoutePattern):
            parts.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), str(part)))
        else:  # a regular expression (the API's routers)
            text = str(part).removeprefix("^").removesuffix("$")
            text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m[1]]), text)
            parts.append(text.replace("\\.", "."))
    return "/" + "".join(parts)


def fills(rows):
    """Real values for the parameters of the routes that answer the public; any other route
    gets plain ones, which it must refuse before looking anything up."""
    member, document = rows["member"].pk, rows["document"].code
    return {
        "member-page": {"pk": member},
        "region-public-chain-map": {"region_slug": rows["member"].cooperative.region.slug},
        "announcement-detail": {"pk": rows["announcement"].pk},
        "complain": {"pk": member},
        "api-public-member": {"pk": member},
        "api-public-member-anywhere": {"pk": member},
        "standard": {"pk": rows["standard"].pk},
        "standard-file": {"pk": rows["standard"].pk},
        "api-standard-detail": {"pk": rows["standard"].pk},
        "api-indicator-detail": {"code": Indicator.objects.first().code},
        "verify": {"code": document},
        "api-public-certificate": {"code": document},
        "api-complaint-tracking": {"code": rows["tracking"]},
        "account-setup": {"token": rows["invitation"]},
        "invitation-accept": {"token": rows["invitation_link"]},
        "app_list": {"app_label": "coop"},
    }


PLAIN = {"coop_slug": "coop-a", "kind": "grades", "verb": "review"}

# Asked again with what a visitor types, so search results and look-ups are scanned too.
QUERIES = {
    "directory": {"q": "家纺"},
    "registry": {"q": "四件套"},
    "api-registry": {"q": "四件套"},
    "api-public-directory": {"q": "家纺"},
    "track": {"code": "{tracking}"},
    "verify-lookup": {"code": "{document}"},
    "catalogue": {"q": "床上用品"},
    "public-search": {"q": "四件套"},
    "api-public-search": {"q": "四件套"},
}


def text_of(response):
    """What a visitor reads in a response: a page, JSON, a spreadsheet's cells, a PDF's text."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(body))
        return " ".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if "pdf" in kind:
        pdf = pypdfium2.PdfDocument(body)
        return "".join("".join(page.get_textpage().get_text_range().split()) for page in pdf)
    text = body.decode("utf-8", "replace")
    if "json" in kind and text:
        text += json.dumps(json.loads(text), ensure_ascii=False)  # escapes read as written
    return text


def leaks(text):
    return sorted(field for field, (planted, _why) in STAFF_ONLY.items() if planted in text)


@pytest.fixture
def anonymous():
    from django.test import Client

    return Client(REMOTE_ADDR="2001:db8:3::1")


def test_no_public_page_or_api_response_shows_a_staff_only_field(coop_a, api, client, anonymous):
    from standards import catalogue

    catalogue.load()
    rows = plant(coop_a, api)
    values = fills(rows)
    scanned, refused, problems = {}, [], []
    for name, params, chain in routes():
        short = name
        url = url_of(chain, {p: values.get(name, {}).get(p, PLAIN.get(p, "1")) for p in params})
        response = anonymous.get(url)
        status = response.status_code
        if status in (301, 302, 303, 307, 308):
            if response["Location"].split("?")[0].endswith(LOGIN_PAGES):
                refused.append(url)
                continue
            response = anonymous.get(url, follow=True)
            status = response.status_code
        if status in (401, 403, 405):
            refused.append(url)
        elif 200 <= status < 300:
            scanned[url] = leaks(text_of(response))
            for key, asked in QUERIES.get(short, {}).items():
                typed = asked.format(tracking=rows["tracking"], document=rows["document"].code)
                answer = anonymous.get(url, {key: typed}, follow=True)
                scanned[f"{url}?{key}={typed}"] = leaks(text_of(answer))
        elif status == 404 and short in NOT_FOUND:
            refused.append(url)
        else:
            problems.append(f"{name} {url} answers {status} to the anonymous: give it real values")
    # The public's forms: the answers to a complaint and an application are scanned too.
    member = rows["member"]
    complained = anonymous.post(
        f"/c/coop-a/directory/{member.pk}/complain/",
        {"product": "被芯", "description": "起球", "contact": ""},
        REMOTE_ADDR=f"2001:db8:4::{next(ADDRESSES):x}",
    )
    scanned["POST complain"] = leaks(text_of(complained))
    assert problems == []
    assert {url: found for url, found in scanned.items() if found} == {}
    # The walk reached the pages where these fields would show, with their content.
    member_page = anonymous.get(f"/c/coop-a/directory/{member.pk}/").content.decode()
    assert (
        member.name in member_page and "AAA" in member_page and "合作社将其设为 AAA" in member_page
    )
    public_api = anonymous.get(f"/api/v1/public/coops/coop-a/members/{member.pk}/").json()
    assert (
        public_api["grade"]["grade"] == "AAA" and public_api["assessments"][0]["result"] == "mostly"
    )
    for url in (
        f"/c/coop-a/directory/{member.pk}/",
        "/c/coop-a/credit/",
        "/c/coop-a/directory/",
        "/api/v1/public/coops/coop-a/credit-grades/",
        f"/api/v1/public/complaints/{rows['tracking']}/",
        f"/verify/{rows['document'].code}/",
        "/commitments/",
        "/c/coop-a/collection.pdf",
        "/c/coop-a/announcements/feed/",
        "/announcements/feed/",
    ):
        assert url in scanned
    assert len(scanned) > 30 and len(refused) > 100
    # And the values are there for staff: the scan finds what it looks for.
    client.force_login(coop_a.admin)
    with unscoped():
        grade = CreditGrade.objects.filter(member=member).latest("id")
    staff_page = text_of(client.get(f"/c/coop-a/grades/{grade.pk}/"))
    assert leaks(staff_page) == ["CreditGrade.override_reason"]
    with unscoped():
        assert StepEvent.objects.filter(reason=STAFF_ONLY["StepEvent.reason"][0]).exists()
