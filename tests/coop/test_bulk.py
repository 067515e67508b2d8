"""The generic bulk step (coop.bulk.take_many): per row done or refused with the single step's
own refusal, a refused row untouched and the others done, ids out of reach refused as not
found, and a query count of a constant plus a constant per row."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coop.bulk import MAX_IDS, checked_ids, summary, take_many
from coop.errors import Refused
from coop.models import StepEvent
from coop.tenancy import scope, unscoped
from members.models import Member
from members.services.lifecycle import MEMBER
from tests.factories import MemberFactory


def status_of(member):
    with unscoped():
        return Member.objects.get(pk=member.pk).status


def events_of(member):
    with unscoped():
        return list(
            StepEvent.objects.filter(workflow="member", object_id=member.pk).values_list(
                "step", flat=True
            )
        )


def test_each_row_is_done_or_refused_with_the_single_steps_refusal(coop_a):
    applied = MemberFactory(cooperative=coop_a.cooperative, status="applied")
    active = MemberFactory(cooperative=coop_a.cooperative, status="active")
    also_applied = MemberFactory(cooperative=coop_a.cooperative, status="applied")
    with scope({coop_a.cooperative.pk}):
        with pytest.raises(Refused) as single:
            MEMBER.take("review", active, actor=coop_a.admin)
        outcomes = take_many(
            MEMBER, "review", [applied.pk, active.pk, also_applied.pk], actor=coop_a.admin
        )
    assert [(o.id, o.done) for o in outcomes] == [
        (applied.pk, True),
        (active.pk, False),
        (also_applied.pk, True),
    ]
    assert outcomes[1].reason == single.value.message
    # The refused row is untouched, the rows after it done all the same.
    assert status_of(active) == "active" and events_of(active) == []
    assert status_of(also_applied) == "under_review" and events_of(also_applied) == ["review"]
    assert summary(outcomes) == {"done": 2, "refused": 1}


def test_another_cooperatives_ids_and_unknown_ids_are_not_found_and_never_touched(coop_a, coop_b):
    mine = MemberFactory(cooperative=coop_a.cooperative, status="applied")
    theirs = MemberFactory(cooperative=coop_b.cooperative, status="applied")
    with scope({coop_a.cooperative.pk}):
        outcomes = take_many(MEMBER, "review", [theirs.pk, 999_999, mine.pk], actor=coop_a.admin)
    assert [(o.id, o.done) for o in outcomes] == [
        (theirs.pk, False),
        (999_999, False),
        (mine.pk, True),
    ]
    assert outcomes[0].reason == outcomes[1].reason
    assert outcomes[0].reason.startswith("未找到") or "Not found" in outcomes[0].reason
    assert outcomes[0].row is None
    assert status_of(theirs) == "applied" and events_of(theirs) == []


def test_the_rows_a_caller_may_reach_narrow_what_is_found(coop_a):
    first = MemberFactory(cooperative=coop_a.cooperative, status="applied")
    second = MemberFactory(cooperative=coop_a.cooperative, status="applied")
    with scope({coop_a.cooperative.pk}):
        outcomes = take_many(
            MEMBER,
            "review",
            [first.pk, second.pk],
            actor=coop_a.admin,
            rows=Member.objects.filter(pk=first.pk),
        )
    assert [o.done for o in outcomes] == [True, False]
    assert status_of(second) == "applied"


def test_a_role_that_may_not_take_the_step_is_refused_per_row(coop_a):
    applied = MemberFactory(cooperative=coop_a.cooperative, status="applied")
    with scope({coop_a.cooperative.pk}):
        outcomes = take_many(MEMBER, "review", [applied.pk], actor=coop_a.supervisor)
    assert not outcomes[0].done
    assert status_of(applied) == "applied"


def test_a_broken_rule_names_its_field_and_leaves_the_row(coop_a):
    under_review = MemberFactory(cooperative=coop_a.cooperative, status="under_review")
    with scope({coop_a.cooperative.pk}):
        outcomes = take_many(MEMBER, "reject", [under_review.pk], actor=coop_a.admin, given={})
        with_reason = take_many(
            MEMBER,
            "reject",
            [under_review.pk],
            actor=coop_a.admin,
            per_row={under_review.pk: {"reason": "材料不全"}},
        )
    assert not outcomes[0].done
    assert set(outcomes[0].errors) == {"reason"}
    assert outcomes[0].reason == outcomes[0].errors["reason"][0]
    assert with_reason[0].done
    assert status_of(under_review) == "rejected"


def test_several_steps_of_a_row_are_one_transaction(coop_a):
    """A row taken through several steps ends after all of them or as it was."""
    applied = MemberFactory(cooperative=coop_a.cooperative, status="applied")
    with scope({coop_a.cooperative.pk}):
        outcomes = take_many(
            MEMBER, lambda row: ["review", "suspend"], [applied.pk], actor=coop_a.admin
        )
    assert not outcomes[0].done
    assert status_of(applied) == "applied" and events_of(applied) == []


@pytest.mark.parametrize(
    "ids, said",
    [
        ([], "至少"),
        (list(range(1, MAX_IDS + 2)), str(MAX_IDS)),
        (["x"], "x"),
        ([0], "0"),
        ([True], "True"),
    ],
)
def test_the_ids_are_checked_and_capped_naming_the_field(ids, said):
    with pytest.raises(ValidationError) as error:
        checked_ids(ids)
    assert set(error.value.message_dict) == {"ids"}
    assert said in error.value.message_dict["ids"][0]


def test_the_ids_are_taken_once_each_in_the_order_given():
    assert checked_ids([3, "1", 3, 2]) == [3, 1, 2]


def queries_for(coop_a, count):
    members = [
        MemberFactory(cooperative=coop_a.cooperative, status="applied") for _ in range(count)
    ]
    with scope({coop_a.cooperative.pk}), CaptureQueriesContext(connection) as captured:
        outcomes = take_many(MEMBER, "review", [m.pk for m in members], actor=coop_a.admin)
    assert all(o.done for o in outcomes)
    return len(captured)


def test_the_queries_are_a_constant_plus_a_constant_per_row(coop_a):
    five, twenty = queries_for(coop_a, 5), queries_for(coop_a, 20)
    per_row = (twenty - five) // 15
    assert twenty - five == 15 * per_row
    # One query finds the rows; each row: a savepoint, its lock, its save, its event, the
    # savepoint's release.
    assert per_row == 5
    assert five == 1 + 5 * per_row
