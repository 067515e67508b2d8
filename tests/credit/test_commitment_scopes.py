"""Issue 15 point 6: a member keeps several commitments in force, one per product scope; a
new one replaces an old one only when the member names it, and the publish step says which
it withdraws; a commitment is reminded (mail, once; and on the member's home) 30 days before
it runs out."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from coop.models import Document, Role
from coop.tenancy import scope, unscoped
from credit.models import Commitment, CommitmentReplacement
from credit.reminders import remind_expiring
from credit.services import commitments
from credit.tasks import issue_commitment_certificate, remind_expiring_commitments
from supervision.inbox import inbox_for
from tests.credit.test_commitments import body, published, step
from tests.factories import MemberFactory, UserFactory

LIST = "/api/v1/coops/coop-a/commitments/"


def status_of(tenant, *pks):
    with scope({tenant.cooperative.pk}):
        found = dict(Commitment.objects.filter(pk__in=pks).values_list("pk", "status"))
    return [found[pk] for pk in pks]


def drafted(api, tenant, **overrides):
    made = api(tenant.enterprise).post(
        f"/api/v1/coops/{tenant.slug}/commitments/", body(tenant, **overrides), format="json"
    )
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert step(api, tenant.enterprise, pk, "submit", tenant.slug).status_code == 200
    return pk


def test_a_member_keeps_a_commitment_in_force_for_each_product_scope(coop_a, api, client):
    bedding = published(api, coop_a, products="四件套")
    silk = published(api, coop_a, products="蚕丝被")
    assert status_of(coop_a, bedding, silk) == ["published", "published"]
    # A third, for towels, names nothing to replace: all three stay in force.
    towels = published(api, coop_a, products="毛巾")
    assert status_of(coop_a, bedding, silk, towels) == ["published"] * 3
    member = api().get(f"/api/v1/public/coops/coop-a/members/{coop_a.member.pk}/").json()
    assert sorted(row["products"] for row in member["commitments"]) == ["四件套", "毛巾", "蚕丝被"]
    assert member["commitment"]["id"] == towels  # the latest, as before there were several
    page = client.get(f"/c/coop-a/directory/{coop_a.member.pk}/").content.decode()
    for products in ("四件套", "蚕丝被", "毛巾"):
        assert f'<h3 class="commitment-scope">{products}</h3>' in page
    registry = client.get("/commitments/", {"q": coop_a.member.name})
    assert sorted(row.products for row in registry.context["page"]) == ["四件套", "毛巾", "蚕丝被"]


def test_the_publish_step_says_what_it_withdraws_and_withdraws_exactly_that(coop_a, api, client):
    bedding = published(api, coop_a, products="四件套")
    silk = published(api, coop_a, products="蚕丝被")
    number = issue_commitment_certificate(coop_a.cooperative.pk, bedding)
    kept = issue_commitment_certificate(coop_a.cooperative.pk, silk)
    new = drafted(api, coop_a, products="四件套（2027版）", replaces=[bedding])
    assert api(coop_a.admin).get(f"{LIST}{new}/").json()["replaces"] == [bedding]
    client.force_login(coop_a.admin)
    page = client.get(f"/c/coop-a/commitments/{new}/", HTTP_ACCEPT_LANGUAGE="en")
    (publish,) = [form for form in page.context["step_forms"] if form["step"].name == "publish"]
    assert f"it replaces no. {bedding} (四件套, valid until" in publish["consequence"]
    assert "withdrawn from the registry, certificate revoked" in publish["consequence"]
    assert f"These stay in force beside it: no. {silk} (蚕丝被" in publish["consequence"]
    chinese = client.get(f"/c/coop-a/commitments/{new}/").content.decode()
    assert f"第 {bedding} 号（四件套，有效期至" in chinese and "撤回并吊销其证书" in chinese
    # Asked first: without "I understand" nothing moves.
    client.post(f"/c/coop-a/commitments/{new}/step/publish/")
    assert status_of(coop_a, bedding, silk, new) == ["published", "published", "submitted"]
    client.post(f"/c/coop-a/commitments/{new}/step/publish/", {"confirm": "true"})
    assert status_of(coop_a, bedding, silk, new) == ["withdrawn", "published", "published"]
    with unscoped():
        revoked = Document.objects.get(number=number)
        valid = Document.objects.get(number=kept)
    assert revoked.status == "revoked" and valid.status == "valid"
    assert revoked.revoked_code == f"commitment_replaced_by:{new}"
    with translation.override("en"):
        assert revoked.revocation == f"replaced by commitment no. {new}"
    with translation.override("zh-hans"):
        assert revoked.revocation == f"已由第 {new} 号承诺替代"
    old_page = client.get(f"/c/coop-a/commitments/{bedding}/").content.decode()
    assert f'href="/c/coop-a/commitments/{new}/"' in old_page  # "replaced by" links to it


def test_a_publication_that_replaces_nothing_says_so(coop_a, api, client):
    bedding = published(api, coop_a, products="四件套")
    new = drafted(api, coop_a, products="蚕丝被")
    client.force_login(coop_a.admin)
    page = client.get(f"/c/coop-a/commitments/{new}/", HTTP_ACCEPT_LANGUAGE="en")
    (publish,) = [form for form in page.context["step_forms"] if form["step"].name == "publish"]
    assert "It replaces none of the member's commitments." in publish["consequence"]
    assert f"no. {bedding} (四件套" in publish["consequence"]  # stays in force, and is named
    assert step(api, coop_a.admin, new, "publish").json()["status"] == "published"
    assert status_of(coop_a, bedding, new) == ["published", "published"]


def test_only_the_members_own_commitments_in_force_can_be_replaced(coop_a, coop_b, api):
    other = MemberFactory(cooperative=coop_a.cooperative)
    other_user = UserFactory(username="other-enterprise", role=Role.ENTERPRISE, member=other)
    made = api(other_user).post(LIST, {**body(coop_a), "member": other.pk}, format="json")
    theirs = made.json()["id"]
    step(api, other_user, theirs, "submit")
    step(api, coop_a.admin, theirs, "publish")
    elsewhere = published(api, coop_b)
    own_draft = api(coop_a.enterprise).post(LIST, body(coop_a), format="json").json()["id"]
    withdrawn = published(api, coop_a, products="毛巾")
    step(api, coop_a.admin, withdrawn, "withdraw", reason="停产")
    with unscoped():
        before = (Commitment.objects.count(), CommitmentReplacement.objects.count())
    for refused in (theirs, elsewhere, own_draft, withdrawn, 999999):
        response = api(coop_a.enterprise).post(
            LIST, body(coop_a, replaces=[refused]), format="json"
        )
        assert response.status_code == 400, refused
        assert response.json() == {
            "replaces": [
                f"第 {refused} 号承诺不是本社员单位现行有效的承诺：新承诺只能替代本单位已公开的承诺。"
            ]
        }
    assert api(coop_a.enterprise).post(
        LIST, body(coop_a, replaces=["x"]), format="json"
    ).json() == {"replaces": {"0": ["请填写合法的整数值。"]}}
    with unscoped():
        assert (Commitment.objects.count(), CommitmentReplacement.objects.count()) == before


def test_a_revision_changes_what_it_replaces_and_checks_it_again(coop_a, coop_b, api):
    bedding = published(api, coop_a, products="四件套")
    elsewhere = published(api, coop_b)
    new = (
        api(coop_a.enterprise)
        .post(LIST, body(coop_a, replaces=[bedding]), format="json")
        .json()["id"]
    )
    cleared = api(coop_a.enterprise).patch(f"{LIST}{new}/", {"replaces": []}, format="json")
    assert cleared.json()["replaces"] == []
    refused = api(coop_a.enterprise).patch(
        f"{LIST}{new}/", {"replaces": [elsewhere]}, format="json"
    )
    assert refused.status_code == 400 and list(refused.json()) == ["replaces"]
    untouched = api(coop_a.enterprise).patch(f"{LIST}{new}/", {"guarantees": "包换"}, format="json")
    assert untouched.json()["replaces"] == []
    step(api, coop_a.enterprise, new, "submit")
    step(api, coop_a.admin, new, "publish")
    assert status_of(coop_a, bedding, new) == ["published", "published"]


def test_the_members_form_offers_its_commitments_in_force_and_refuses_others(
    coop_a, coop_b, api, client
):
    bedding = published(api, coop_a, products="四件套")
    elsewhere = published(api, coop_b, products="别社的产品")
    client.force_login(coop_a.enterprise)
    form = client.get("/c/coop-a/commitments/new/")
    choices = [str(label) for _value, label in form.context["form"].fields["replaces"].choices]
    assert len(choices) == 1 and choices[0].startswith(f"第 {bedding} 号（四件套")
    assert "别社的产品" not in form.content.decode()
    today = date.today()
    data = {
        "products": "四件套（2027版）",
        "standards": "GB 18401-2010",
        "guarantees": "七天无理由退货",
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=365)).isoformat(),
    }
    refused = client.post("/c/coop-a/commitments/new/", {**data, "replaces": [elsewhere]})
    assert refused.status_code == 200 and refused.context["form"].errors["replaces"]
    saved = client.post("/c/coop-a/commitments/new/", {**data, "replaces": [bedding]})
    new = int(saved["Location"].rstrip("/").split("/")[-1])
    with scope({coop_a.cooperative.pk}):
        assert list(Commitment.objects.get(pk=new).replaces.values_list("pk", flat=True)) == [
            bedding
        ]
    # Unticked on revision: it replaces nothing any more.
    client.post(f"/c/coop-a/commitments/{new}/edit/", data)
    with scope({coop_a.cooperative.pk}):
        assert not Commitment.objects.get(pk=new).replaces.exists()


def test_staff_drafting_for_one_member_cannot_name_anothers(coop_a, api, client):
    other = MemberFactory(cooperative=coop_a.cooperative)
    bedding = published(api, coop_a, products="四件套")
    refused = api(coop_a.admin).post(
        LIST, {**body(coop_a), "member": other.pk, "replaces": [bedding]}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["replaces"][0].startswith(
        f"第 {bedding} 号承诺不是本社员单位现行有效的承诺"
    )
    with scope({coop_a.cooperative.pk}):
        assert not Commitment.objects.filter(member=other).exists()
    # On a draft's page staff are offered its member's commitments in force, no one else's.
    theirs = api(coop_a.admin).post(LIST, {**body(coop_a), "member": other.pk}, format="json")
    own = api(coop_a.admin).post(LIST, body(coop_a, products="蚕丝被"), format="json")
    client.force_login(coop_a.admin)
    assert "replaces" not in client.get("/c/coop-a/commitments/new/").context["form"].fields
    edit = client.get(f"/c/coop-a/commitments/{theirs.json()['id']}/edit/")
    assert "replaces" not in edit.context["form"].fields  # the other member has none in force
    edit = client.get(f"/c/coop-a/commitments/{own.json()['id']}/edit/")
    offered = [value for value, _label in edit.context["form"].fields["replaces"].choices]
    assert [int(str(value)) for value in offered] == [bedding]


def test_another_cooperatives_user_cannot_read_or_publish_a_replacing_commitment(
    coop_a, coop_b, api, client
):
    bedding = published(api, coop_a, products="四件套")
    new = drafted(api, coop_a, replaces=[bedding])
    assert api(coop_b.admin).get(f"{LIST}{new}/").status_code in (403, 404)
    assert api(coop_b.admin).post(f"{LIST}{new}/publish/").status_code in (403, 404)
    client.force_login(coop_b.admin)
    assert client.get(f"/c/coop-a/commitments/{new}/").status_code in (403, 404)
    assert status_of(coop_a, bedding, new) == ["published", "submitted"]


def test_the_public_member_page_reads_its_commitments_in_a_fixed_number_of_queries(
    coop_a, api, client
):
    published(api, coop_a, products="四件套")
    pages = [
        f"/c/coop-a/directory/{coop_a.member.pk}/",
        f"/api/v1/public/coops/coop-a/members/{coop_a.member.pk}/",
    ]

    def counts():
        found = []
        for path in pages:
            client.get(path)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            found.append(len(queries))
        return found

    one = counts()
    published(api, coop_a, products="蚕丝被")
    published(api, coop_a, products="毛巾")
    assert counts() == one


# Reminders


def in_force(tenant, products, valid_until, valid_from=None):
    """A published commitment of the tenant's member running to ``valid_until``."""
    with scope({tenant.cooperative.pk}):
        commitment = commitments.draft(
            member=tenant.member,
            actor=tenant.admin,
            products=products,
            standards="GB 18401-2010",
            guarantees="包退包换",
            valid_from=valid_from or date.today() - timedelta(days=300),
            valid_until=valid_until,
        )
        commitments.submit(commitment=commitment, actor=tenant.enterprise)
        commitments.publish(commitment=commitment, actor=tenant.admin)
    return commitment.pk


@pytest.fixture
def mailed(coop_a):
    coop_a.enterprise.email = "quality@example.com"
    coop_a.enterprise.save()
    return coop_a


def test_a_commitment_is_reminded_once_thirty_days_before_it_runs_out(mailed, smtp_server, api):
    coop_a, today = mailed, date.today()
    due = in_force(coop_a, "四件套", today + timedelta(days=30))
    later = in_force(coop_a, "蚕丝被", today + timedelta(days=31))
    withdrawn = in_force(coop_a, "毛巾", today + timedelta(days=10))
    step(api, coop_a.admin, withdrawn, "withdraw", reason="停产")
    expired = in_force(coop_a, "浴巾", today + timedelta(days=5))
    with unscoped():
        Commitment.objects.filter(pk=expired).update(valid_until=today - timedelta(days=1))
    assert remind_expiring_commitments(coop_a.cooperative.pk) == 1
    assert remind_expiring_commitments(coop_a.cooperative.pk) == 0  # a rerun mails nobody
    (message,) = smtp_server.to("quality@example.com")
    assert (
        message["Subject"].strip()
        == f"您的质量承诺（四件套）将于 {today + timedelta(days=30)} 到期"
    )
    text = message.get_content()
    assert f"第 {due} 号" in text and "还剩 30 天" in text
    assert f"/c/coop-a/commitments/{due}/" in text
    # The next day the one running out in 31 days is due too, and only it.
    with scope({coop_a.cooperative.pk}):
        assert remind_expiring(cooperative_id=coop_a.cooperative.pk) == 0
        tomorrow = today + timedelta(days=1)
        assert remind_expiring(cooperative_id=coop_a.cooperative.pk, today=tomorrow) == 1
    subjects = [m["Subject"].strip() for m in smtp_server.to("quality@example.com")]
    assert len(subjects) == 2 and "蚕丝被" in subjects[1]
    with unscoped():
        reminded = dict(Commitment.objects.values_list("pk", "expiry_reminded_at"))
    assert reminded[due] and reminded[later]
    assert reminded[withdrawn] is None and reminded[expired] is None
    # The member's home shows what runs out as something to do.
    with scope({coop_a.cooperative.pk}):
        inbox = inbox_for(coop_a.enterprise)
    (expiring,) = [group for group in inbox.groups if group.key == "commitments_expiring"]
    assert expiring.count == 1 and expiring.rows[0].label == "四件套"  # 31 days: not yet


def test_the_daily_upkeep_sends_the_reminders(mailed):
    from django.core import mail

    from credit.tasks import daily

    in_force(mailed, "四件套", date.today() + timedelta(days=20))
    assert daily(mailed.cooperative.pk)["commitments_reminded"] == 1
    assert daily(mailed.cooperative.pk)["commitments_reminded"] == 0
    assert [m.to for m in mail.outbox] == [["quality@example.com"]]


def test_a_reminder_whose_mail_failed_is_sent_by_the_next_run(mailed, settings):
    from smtplib import SMTPException

    from django.core import mail

    due = in_force(mailed, "四件套", date.today() + timedelta(days=20))
    settings.EMAIL_BACKEND = "tests.testing_fund.test_task_reruns.DownBackend"
    with pytest.raises(SMTPException):
        remind_expiring_commitments(mailed.cooperative.pk)
    with unscoped():
        assert Commitment.objects.get(pk=due).expiry_reminded_at is None  # claim rolled back
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert remind_expiring_commitments(mailed.cooperative.pk) == 1
    assert len(mail.outbox) == 1


def test_another_cooperatives_commitments_are_not_reminded_with_these(mailed, coop_b):
    from django.core import mail

    coop_b.enterprise.email = "b@example.com"
    coop_b.enterprise.save()
    in_force(coop_b, "四件套", date.today() + timedelta(days=20))
    assert remind_expiring_commitments(mailed.cooperative.pk) == 0
    assert remind_expiring_commitments(coop_b.cooperative.pk) == 1
    assert [m.to for m in mail.outbox] == [["b@example.com"]]
