"""Design-patent pre-review requests: submitted by the member unit, due 15 working days after
(holidays as data), taken through declared steps by staff; a step from the wrong state is
refused with a message and writes nothing; overdue ones flagged, filtered and sorted first."""

from datetime import date

import pytest

from brands import selectors
from brands.models import DesignReview
from coop.models import StepEvent
from coop.tenancy import scope, unscoped
from tests.brands.conftest import review_of
from tests.factories import MemberFactory

API = "/api/v1/coops/{slug}/design-reviews/"
PAGE = "/c/{slug}/brands/design-reviews/"


def test_the_member_submits_and_staff_take_it_to_a_granted_patent(coop_a, api):
    url = API.format(slug=coop_a.slug)
    made = api(coop_a.enterprise).post(
        url,
        {
            "design_name": "刺绣枕套（江海韵）",
            "product": "枕套",
            "applicant": coop_a.member.name,
            "submitted_on": "2026-09-21",
        },
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    # Across Mid-Autumn (25-27 Sep), National Day (1-7 Oct) and Saturday 10 Oct, worked.
    assert body["due_on"] == "2026-10-19" and body["status"] == "received"
    assert body["member"] == coop_a.member.pk
    pk = body["id"]
    admin = api(coop_a.admin)
    forwarded = admin.post(f"{url}{pk}/forward/", {"centre_reference": "NTIPC-2026-0101"})
    assert forwarded.status_code == 200 and forwarded.json()["status"] == "forwarded"
    assert admin.post(f"{url}{pk}/pass/").json()["status"] == "passed"
    no_number = admin.post(f"{url}{pk}/grant/", {})
    assert no_number.status_code == 400 and "patent_number" in no_number.json()
    granted = admin.post(
        f"{url}{pk}/grant/", {"patent_number": "ZL202630512345.6", "granted_on": "2026-11-02"}
    )
    assert granted.status_code == 200, granted.json()
    assert granted.json()["status"] == "granted"
    assert granted.json()["days_left"] is None and granted.json()["is_overdue"] is False
    with unscoped():
        steps = list(
            StepEvent.objects.filter(workflow="design_review", object_id=pk)
            .order_by("at", "pk")
            .values_list("step", flat=True)
        )
    assert steps == ["submit", "forward", "pass", "grant"]


def test_a_step_from_the_wrong_state_is_refused_and_writes_nothing(coop_a, api):
    review = review_of(coop_a)
    url = API.format(slug=coop_a.slug)
    with unscoped():
        events = StepEvent.objects.count()
    refused = api(coop_a.admin).post(
        f"{url}{review.pk}/grant/", {"patent_number": "ZL1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 409
    assert (
        "received" in refused.json()["detail"] and "pre-review passed" in refused.json()["detail"]
    )
    no_reason = api(coop_a.admin).post(f"{url}{review.pk}/return/", {"reason": " "})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    with unscoped():
        assert StepEvent.objects.count() == events
        fresh = DesignReview.objects.get(pk=review.pk)
    assert (fresh.status, fresh.patent_number, fresh.return_reason) == ("received", "", "")


def test_the_member_cannot_take_staff_steps_or_submit_for_another(coop_a, api):
    review = review_of(coop_a)
    url = API.format(slug=coop_a.slug)
    assert api(coop_a.enterprise).post(f"{url}{review.pk}/forward/").status_code == 403
    other = MemberFactory(cooperative=coop_a.cooperative)
    refused = api(coop_a.enterprise).post(
        url,
        {"member": other.pk, "design_name": "x", "product": "y", "applicant": "z"},
    )
    assert refused.status_code == 403
    staff_unnamed = api(coop_a.admin).post(
        url, {"design_name": "x", "product": "y", "applicant": "z"}
    )
    assert staff_unnamed.status_code == 400 and "member" in staff_unnamed.json()
    future = api(coop_a.enterprise).post(
        url, {"design_name": "x", "product": "y", "applicant": "z", "submitted_on": "2099-01-01"}
    )
    assert future.status_code == 400 and "submitted_on" in future.json()


def test_overdue_is_computed_in_working_days_across_a_holiday(coop_a):
    review = review_of(coop_a)  # 21 Sep 2026, due 19 Oct
    with scope({coop_a.cooperative.pk}):

        def seen_on(today):
            row = selectors.reviews_for(coop_a.admin, today).get(pk=review.pk)
            return selectors.with_days_left([row], today)[0]

        before = seen_on(date(2026, 9, 30))
        # 8, 9, 10 (Sat, worked), 12-16 and 19 Oct: nine working days, National Day skipped.
        assert (before.days_left, before.is_overdue) == (9, False)
        due_day = seen_on(date(2026, 10, 19))
        assert (due_day.days_left, due_day.is_overdue) == (0, False)
        late = seen_on(date(2026, 10, 21))
        assert (late.days_left, late.overdue_by, late.is_overdue) == (-2, 2, True)
        assert list(DesignReview.objects.overdue(date(2026, 10, 20))) == [review]
        assert not DesignReview.objects.overdue(date(2026, 10, 19)).exists()


def test_the_list_flags_filters_and_sorts_the_overdue_first(coop_a, api, client):
    old = review_of(coop_a, submitted_on=date(2026, 9, 1), design_name="逾期的外观")
    fresh = review_of(coop_a, submitted_on=date(2026, 11, 20), design_name="新近的外观")
    url = API.format(slug=coop_a.slug)
    rows = api(coop_a.admin).get(url).json()["results"]
    assert [row["id"] for row in rows] == [old.pk, fresh.pk]
    assert rows[0]["is_overdue"] is True and rows[0]["days_left"] < 0
    only = api(coop_a.admin).get(url, {"overdue": "true"}).json()["results"]
    assert [row["id"] for row in only] == [old.pk]
    client.force_login(coop_a.admin)
    page = client.get(PAGE.format(slug=coop_a.slug) + "?overdue=1").content.decode()
    assert "逾期的外观" in page and "新近的外观" not in page
    assert "超期" in page
    newest = client.get(PAGE.format(slug=coop_a.slug) + "?sort=newest").content.decode()
    assert newest.index("新近的外观") < newest.index("逾期的外观")


@pytest.mark.parametrize("many", [3, 12])
def test_the_list_reads_in_fixed_queries(coop_a, api, client, django_assert_num_queries, many):
    for day in range(many):
        review_of(coop_a, submitted_on=date(2026, 9, 1 + day))
    client.force_login(coop_a.admin)
    # session, user, cooperative; ids of the page, its rows with their members, the count,
    # and one read of the holiday calendar for every row's working days left.
    with django_assert_num_queries(7):
        assert client.get(PAGE.format(slug=coop_a.slug)).status_code == 200
    token = api(coop_a.admin)
    # token with its user, cooperative; count, ids, rows, the calendar.
    with django_assert_num_queries(6):
        assert token.get(API.format(slug=coop_a.slug)).status_code == 200


def test_a_member_submits_on_the_page_and_follows_its_request(coop_a, client):
    client.force_login(coop_a.enterprise)
    new = f"/c/{coop_a.slug}/brands/design-reviews/new/"
    empty = client.post(new, {"design_name": "", "product": "被套", "applicant": "甲"})
    assert empty.status_code == 200 and "design_name" in empty.content.decode()
    made = client.post(
        new,
        {"design_name": "提花被套", "product": "被套", "applicant": "甲", "submitted_on": ""},
    )
    assert made.status_code == 302
    with unscoped():
        review = DesignReview.objects.get()
    detail = client.get(made["Location"]).content.decode()
    assert "提花被套" in detail and "转交知识产权保护中心" not in detail  # no staff step
    client.force_login(coop_a.admin)
    staff = client.get(made["Location"]).content.decode()
    assert "转交知识产权保护中心" in staff
    step = f"/c/{coop_a.slug}/brands/design-reviews/{review.pk}/step/return/"
    client.post(step, {"reason": ""})
    with unscoped():
        assert DesignReview.objects.get().status == "received"
    client.post(step, {"reason": "视图不全"})
    with unscoped():
        assert DesignReview.objects.get().status == "returned"
