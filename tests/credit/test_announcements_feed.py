"""Announcements that name: an assessment's notice lists each member with its result, exits and
expulsions are announced (name, date, grounds in the portal's words; never the typed reason),
and the public Atom feed carries notices, new commitments and honours, valid Atom, public data
only, one cooperative's own."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coop.models import StepEvent
from coop.tenancy import scope, unscoped
from credit.grading_words import coded
from credit.models import Announcement, Commitment, Complaint, ExitProposal
from credit.services import assessments, complaints, enforcement
from members.models import Honour
from members.services import lifecycle
from tests.credit.test_commitments import published
from tests.factories import MemberFactory

ATOM = "{http://www.w3.org/2005/Atom}"
PRIVATE_REASON = "私下退出理由PRIVATE1"
CONTACT = "13700009876"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def announced_assessment(tenant, names):
    """Members of ``names`` (name → result) assessed over last month and announced."""
    today = timezone.localdate()
    start, end = today - timedelta(days=40), today - timedelta(days=10)
    members = {name: MemberFactory(cooperative=tenant.cooperative, name=name) for name in names}
    with scope({tenant.cooperative.pk}):
        made = assessments.assess(cooperative_id=tenant.cooperative.pk, start=start, end=end)
        by_member = {row.member_id: row for row in made}
        for name, result in names.items():
            if result != "fulfilled":
                assessments.adjust(
                    assessment=by_member[members[name].pk],
                    actor=tenant.admin,
                    result=result,
                    reason="调整理由ADJUSTx",
                )
        notice = assessments.announce(
            cooperative=tenant.cooperative, actor=tenant.admin, start=start, end=end
        )
    return notice, members


def test_an_assessments_notice_names_each_member_and_its_result(coop_a, client):
    notice, members = announced_assessment(
        coop_a,
        {"未履行家纺厂": "not_fulfilled", "基本履行家纺厂": "mostly", "履行家纺厂": "fulfilled"},
    )
    listed = client.get("/c/coop-a/announcements/").content.decode()
    assert "未履行家纺厂</a> — 未履行" in listed and "基本履行家纺厂</a> — 基本履行" in listed
    assert "全部成员及评价结果" in listed and "调整理由ADJUSTx" not in listed
    detail = client.get(f"/c/coop-a/announcements/{notice.pk}/").content.decode()
    for name in members:
        assert name in detail
    assert (
        detail.index("未履行家纺厂") < detail.index("基本履行家纺厂") < detail.index(">履行家纺厂")
    )
    assert f"/c/coop-a/directory/{members['履行家纺厂'].pk}/" in detail
    narrowed = client.get(f"/c/coop-a/announcements/{notice.pk}/?result=not_fulfilled")
    assert "未履行家纺厂" in narrowed.content.decode()
    assert "基本履行家纺厂" not in narrowed.content.decode()


def test_the_announcements_page_reads_in_a_fixed_number_of_queries(
    coop_a, client, django_assert_num_queries
):
    announced_assessment(coop_a, {"甲厂": "not_fulfilled", "乙厂": "mostly"})
    with scope({coop_a.cooperative.pk}):
        lifecycle.MEMBER.take(
            "exit",
            MemberFactory(cooperative=coop_a.cooperative),
            actor=coop_a.admin,
            check_who=False,
            reason="x",
            exit_kind="withdrawal",
            decision_date=date.today(),
        )
    client.get("/c/coop-a/announcements/")  # sessions, caches warmed
    with CaptureQueriesContext(connection) as few:
        client.get("/c/coop-a/announcements/")
    announced_assessment(coop_a, {f"丙厂{i}": "mostly" for i in range(5)})
    with django_assert_num_queries(len(few)):
        assert client.get("/c/coop-a/announcements/").status_code == 200


def test_exits_and_expulsions_are_announced_without_the_typed_reason(coop_a, coop_b, client):
    leaving = MemberFactory(cooperative=coop_a.cooperative, name="自愿退出家纺厂")
    expelled = MemberFactory(cooperative=coop_a.cooperative, name="被除名家纺厂")
    today = date.today()
    with scope({coop_a.cooperative.pk}):
        lifecycle.MEMBER.take(
            "exit",
            leaving,
            actor=coop_a.admin,
            check_who=False,
            reason=PRIVATE_REASON,
            exit_kind="withdrawal",
            decision_date=today - timedelta(days=2),
        )
        proposal = ExitProposal.objects.create(
            cooperative=coop_a.cooperative,
            member=expelled,
            grounds=[coded("grade_d"), coded("failed_samplings", count=3)],
        )
        enforcement.decide_exit(
            proposal=proposal, actor=coop_a.admin, accept=True, reason=PRIVATE_REASON
        )
    page = client.get("/c/coop-a/announcements/").content.decode()
    assert "自愿退出家纺厂 退出合作社" in page
    assert f"自愿退出家纺厂（{leaving.uscc}）经 {today - timedelta(days=2)} 决定自愿退出" in page
    assert "被除名家纺厂 被合作社除名" in page
    assert "理由：信用等级 D；一年内抽检不合格 3 次。" in page
    assert PRIVATE_REASON not in page
    api = client.get("/api/v1/public/coops/coop-a/announcements/").content.decode()
    assert "被除名家纺厂" in api and PRIVATE_REASON not in api
    # Another cooperative's notices are its own.
    assert "自愿退出家纺厂" not in client.get("/c/coop-b/announcements/").content.decode()
    # An exit recorded from an import's history (bulk-created events) is not announced.
    imported = MemberFactory(cooperative=coop_a.cooperative, status="exited")
    with unscoped():
        StepEvent.objects.bulk_create(
            [
                lifecycle.MEMBER.event(
                    imported,
                    "exit",
                    actor=None,
                    from_state="active",
                    details={"exit_kind": "withdrawal", "decision_date": "2020-01-01"},
                )
            ]
        )
        assert Announcement.objects.filter(cooperative=coop_a.cooperative).count() == 2


def parse_atom(response):
    """The feed parsed by a real XML parser and held to RFC 4287's required elements."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"

    def one(parent, name):
        found = parent.findall(f"{ATOM}{name}")
        assert len(found) == 1, f"{parent.tag} has {len(found)} {name}"
        return found[0]

    for name in ("id", "title", "updated"):
        assert one(feed, name).text.strip()
    assert RFC3339.match(one(feed, "updated").text)
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None  # so entries need none of their own
    assert any(link.get("rel") == "self" for link in feed.findall(f"{ATOM}link"))
    ids = []
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        ids.append(one(entry, "id").text)
        assert re.match(r"^[a-z][a-z0-9+.-]*:", ids[-1])  # an absolute IRI
        assert one(entry, "title").text.strip()
        assert RFC3339.match(one(entry, "updated").text)
        alternate = [
            link
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        assert len(alternate) == 1 and alternate[0].get("href").startswith("http")
    assert len(set(ids)) == len(ids)
    updated = [entry.find(f"{ATOM}updated").text for entry in entries]
    assert updated == sorted(updated, reverse=True)  # newest first
    return feed, entries


def text_of(entries):
    return "\n".join(ET.tostring(entry, encoding="unicode") for entry in entries)


def test_the_feed_is_atom_with_notices_commitments_and_honours_public_only(
    coop_a, coop_b, api, client
):
    commitment = published(api, coop_a)
    with unscoped():
        Commitment.objects.filter(pk=commitment).update(review_note="审核意见REVIEWx")
        Honour.objects.create(
            cooperative=coop_a.cooperative,
            member=coop_a.member,
            title="南通市质量信得过企业",
            awarded_by="南通市市场监督管理局",
            awarded_on=date.today() - timedelta(days=30),
        )
        Honour.objects.create(
            cooperative=coop_b.cooperative,
            member=coop_b.member,
            title="乙社荣誉",
            awarded_by="海门区",
            awarded_on=date.today() - timedelta(days=3),
        )
    announced_assessment(coop_a, {"未履行家纺厂": "not_fulfilled"})
    with scope({coop_a.cooperative.pk}):
        complaints.file_complaint(
            member=coop_a.member, product="被芯", description="异味", contact=CONTACT
        )
        lifecycle.MEMBER.take(
            "exit",
            MemberFactory(cooperative=coop_a.cooperative, name="退出家纺厂"),
            actor=coop_a.admin,
            check_who=False,
            reason=PRIVATE_REASON,
            exit_kind="withdrawal",
            decision_date=date.today(),
        )
    feed, entries = parse_atom(client.get("/c/coop-a/announcements/feed/"))
    said = text_of(entries)
    assert "承诺履行评价" in said and "退出家纺厂 退出合作社" in said
    assert f"{coop_a.member.name}的质量承诺" in said and "GB 18401-2010" in said
    assert "南通市质量信得过企业" in said and "南通市市场监督管理局" in said
    assert f"/c/coop-a/directory/{coop_a.member.pk}/" in said
    for private in (PRIVATE_REASON, CONTACT, "审核意见REVIEWx", "调整理由ADJUSTx", "异味"):
        assert private not in response_text(client, "/c/coop-a/announcements/feed/")
    assert "乙社荣誉" not in said  # another cooperative's
    assert len(entries) == 4
    # Every cooperative's, in one.
    _feed, everyone = parse_atom(client.get("/announcements/feed/"))
    assert "乙社荣誉" in text_of(everyone) and "南通市质量信得过企业" in text_of(everyone)
    assert CONTACT not in response_text(client, "/announcements/feed/")
    # The pages say where the feeds are.
    head = client.get("/c/coop-a/announcements/").content.decode().split("</head>")[0]
    assert 'type="application/atom+xml"' in head and "/c/coop-a/announcements/feed/" in head
    assert 'href="/announcements/feed/"' in head
    with unscoped():
        assert Complaint.objects.filter(contact=CONTACT).exists()  # the contact was there


def response_text(client, url):
    return client.get(url).content.decode()


def test_the_feed_reads_in_a_fixed_number_of_queries_and_is_bounded(
    coop_a, client, django_assert_num_queries
):
    with unscoped():
        for i in range(60):
            Honour.objects.create(
                cooperative=coop_a.cooperative,
                member=coop_a.member,
                title=f"荣誉{i}",
                awarded_by="南通市",
                awarded_on=date.today() - timedelta(days=i),
            )
    client.get("/c/coop-a/announcements/feed/")
    with CaptureQueriesContext(connection) as few:
        _feed, entries = parse_atom(client.get("/c/coop-a/announcements/feed/"))
    assert len(entries) == 50 and "荣誉0" in text_of(entries) and "荣誉59" not in text_of(entries)
    announced_assessment(coop_a, {"甲厂": "mostly"})
    with django_assert_num_queries(len(few)):
        client.get("/c/coop-a/announcements/feed/")


def test_a_feed_of_an_unknown_cooperative_is_not_found(coop_a, client):
    assert client.get("/c/no-such-coop/announcements/feed/").status_code == 404
