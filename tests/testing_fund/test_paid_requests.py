"""A request beyond the free quota, paid by the member itself: the form says the free tests
left before sending, asks for the member's word once none is left, and approval neither refuses
such a batch for the quota nor reserves fund money for it."""

import pytest

from coop.errors import Refused
from coop.tenancy import scope, unscoped
from standards.models import Indicator, Standard
from testing_fund.models import Batch, Fund, LedgerEntry
from testing_fund.services import batches
from tests.testing_fund.conftest import THREE, request

REQUEST = "/c/coop-a/tests/request/"


def standard_pk():
    with unscoped():
        return Standard.objects.get(code="GB 18401-2010").pk


def form_data(tenant, **extra):
    with unscoped():
        picked = list(Indicator.objects.filter(code__in=THREE).values_list("pk", flat=True))
    return {
        "product": "四件套",
        "safety_category": "B",
        "lab": tenant.lab.institution_id,
        "delivery": "delivery",
        "indicators": picked,
        **extra,
    }


def use_up_the_quota(tenant, fund):
    """A quota of one, spent by one approved request."""
    with scope({tenant.cooperative.pk}):
        Fund.objects.filter(pk=fund.pk).update(free_quota=1)
    spent = request(tenant)
    with scope({tenant.cooperative.pk}):
        batches.approve(batch=spent, actor=tenant.admin)
    return spent


def batch_count():
    with unscoped():
        return Batch.objects.count()


def test_the_form_says_the_free_tests_left_before_sending(coop_a, priced, client):
    client.force_login(coop_a.enterprise)
    html = client.get(REQUEST).content.decode()
    assert f"今年还可免费检测 {priced.free_quota} 批（每年 {priced.free_quota} 批）" in html
    form = client.get(REQUEST, {"standard": standard_pk()}).context["form"]
    assert "paid_by_member" not in form.fields  # a free test: the normal request


def test_at_quota_the_request_needs_the_members_word_and_is_paid_by_it(coop_a, priced, client):
    use_up_the_quota(coop_a, priced)
    client.force_login(coop_a.enterprise)
    page = client.get(REQUEST, {"standard": standard_pk()})
    html = page.content.decode()
    assert "今年的免费检测已用完（每年 1 批）" in html and "由本单位自费检测" in html
    before = batch_count()

    refused = client.post(f"{REQUEST}?standard={standard_pk()}", form_data(coop_a))
    assert refused.status_code == 200
    assert "由本单位自费检测" in refused.context["form"].errors["paid_by_member"][0]
    assert batch_count() == before  # a refusal writes nothing

    sent = client.post(
        f"{REQUEST}?standard={standard_pk()}", form_data(coop_a, paid_by_member="on")
    )
    assert sent.status_code == 302, sent.context["form"].errors
    with unscoped():
        paid = Batch.objects.latest("pk")
        ledger = list(LedgerEntry.objects.filter(fund=priced).values_list("pk", flat=True))
    assert paid.paid_by_member and not paid.free_reinspection

    # The officer approves it: not refused for the quota, and the fund reserves nothing.
    client.force_login(coop_a.admin)
    approved = client.post(f"/c/coop-a/tests/{paid.pk}/approve/", follow=True)
    assert [str(m) for m in approved.context["messages"]][-1] == "已完成：批准。"
    with unscoped():
        paid.refresh_from_db()
        assert paid.status == Batch.Status.APPROVED
        after = list(LedgerEntry.objects.filter(fund=priced).values_list("pk", flat=True))
    assert after == ledger  # the fund's ledger is unchanged

    # Staff see it paid by the member, on the page, the list and through the API.
    assert "自费" in client.get(f"/c/coop-a/tests/{paid.pk}/").content.decode()
    listed = client.get("/c/coop-a/tests/", {"state": "all"}).content.decode()
    assert "自费" in listed
    api = client.get(f"/api/v1/coops/coop-a/batches/{paid.pk}/")
    assert api.status_code == 200 and api.json()["paid_by_member"] is True
    # A member-paid batch does not count against the quota: still none free, not fewer.
    with scope({coop_a.cooperative.pk}):
        assert batches.free_batches(coop_a.member, priced.year) == (0, 1)


def test_a_fund_paid_request_is_still_refused_at_quota(coop_a, priced):
    # Sent while a free test was left (a request is counted once approved); approval is the
    # backstop once another approval used the quota up.
    over = request(coop_a)
    use_up_the_quota(coop_a, priced)
    with scope({coop_a.cooperative.pk}):
        with pytest.raises(Refused, match="本批次超出额度"):
            batches.approve(batch=over, actor=coop_a.admin)
        over.refresh_from_db()
        assert over.status == Batch.Status.REQUESTED and not over.paid_by_member


def test_the_home_page_links_to_the_paid_request(coop_a, priced, client):
    use_up_the_quota(coop_a, priced)
    client.force_login(coop_a.enterprise)
    html = client.get("/staff/").content.decode()
    assert "超出部分可申请自费检测" in html and f'href="{REQUEST}"' in html


def test_another_cooperatives_member_cannot_request_for_this_one(coop_a, coop_b, priced, client):
    use_up_the_quota(coop_a, priced)
    before = batch_count()
    client.force_login(coop_b.enterprise)
    assert client.get(REQUEST, {"standard": standard_pk()}).status_code == 404
    response = client.post(
        f"{REQUEST}?standard={standard_pk()}", form_data(coop_a, paid_by_member="on")
    )
    assert response.status_code == 404
    assert batch_count() == before
