"""The administrator's home lists the pre-review requests and infringement reports waiting for
a step, overdue requests first; another cooperative's administrator sees none of them."""

from datetime import date

from brands.services import infringements
from coop.tenancy import scope
from supervision.inbox import inbox_for
from tests.brands.conftest import review_of


def groups_of(tenant):
    with scope({tenant.cooperative.pk}):
        return {group.key: group for group in inbox_for(tenant.admin).groups}


def test_requests_and_reports_waiting_are_on_the_administrators_home(coop_a, coop_b):
    late = review_of(coop_a, submitted_on=date(2026, 9, 1), design_name="逾期的外观")
    review_of(coop_a, submitted_on=date(2026, 11, 20), design_name="新近的外观")
    with scope({coop_a.cooperative.pk}):
        infringements.report(
            member=coop_a.member,
            actor=coop_a.enterprise,
            channel="online",
            url="https://shop.example.com/1",
            seen_on=date(2026, 11, 1),
            description="冒用",
        )
    groups = groups_of(coop_a)
    reviews = groups["design_reviews"]
    assert reviews.count == 2 and reviews.rows[0].label == "逾期的外观"
    assert reviews.rows[0].overdue
    assert reviews.rows[0].url == f"/c/coop-a/brands/design-reviews/{late.pk}/"
    assert groups["infringements"].count == 1
    theirs = groups_of(coop_b)
    assert theirs["design_reviews"].count == 0 and theirs["infringements"].count == 0
