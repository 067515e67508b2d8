"""A member's lifecycle as one declared workflow (members.services.lifecycle.MEMBER): refusals
that name the step, the status and the allowed ones, the rows due for each role, one recorded
event per step, and the migration that moved the old lifecycle events into StepEvent."""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone, translation

from coop.errors import Refused
from coop.models import StepEvent
from coop.tenancy import scope, unscoped
from members.models import ConventionSignature, Member
from members.services.lifecycle import MEMBER
from tests.factories import MemberFactory, UserFactory

SUSPEND_REFUSED = "社员单位当前状态为“审核中”，不能暂停：只有状态为“在册”的社员单位可以。"


def step_path(tenant, member, verb):
    return f"/api/v1/coops/{tenant.slug}/members/{member.pk}/{verb}/"


def events_of(member):
    with unscoped():
        return list(
            StepEvent.objects.filter(workflow="member", object_id=member.pk).order_by("at", "id")
        )


# Refusals name the step, the status and the statuses that allow it


def test_the_api_refuses_a_step_in_the_wrong_status_naming_step_status_and_allowed(coop_a, api):
    member = MemberFactory(cooperative=coop_a.cooperative, status="under_review")
    response = api(coop_a.admin).post(step_path(coop_a, member, "suspend"), {"reason": "抽检"})
    assert response.status_code == 409
    assert response.json()["detail"] == SUSPEND_REFUSED
    assert events_of(member) == []


def test_the_page_refuses_a_step_in_the_wrong_status_naming_step_status_and_allowed(coop_a, client):
    member = MemberFactory(cooperative=coop_a.cooperative, status="under_review")
    client.force_login(coop_a.admin)
    response = client.post(
        f"/c/coop-a/members/{member.pk}/suspend/",
        {"reason": "抽检", "confirm": "true"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/c/coop-a/members/{member.pk}/"
    assert SUSPEND_REFUSED in response.content.decode()
    with unscoped():
        assert Member.objects.get(pk=member.pk).status == "under_review"
    assert events_of(member) == []


def test_the_refusal_reads_in_english_too(coop_a):
    member = MemberFactory(cooperative=coop_a.cooperative, status="exited")
    with scope({coop_a.cooperative.pk}), translation.override("en"):
        with pytest.raises(Refused) as refused:
            MEMBER.take("reinstate", member, actor=coop_a.admin)
    assert refused.value.message == (
        "Cannot reinstate member unit that is exited: only one that is suspended."
    )


def test_nobody_makes_a_unit_active_without_its_signature(coop_a, convention, api, client):
    member = MemberFactory(cooperative=coop_a.cooperative, status="approved", joined_on=None)
    refused = api(coop_a.admin).post(step_path(coop_a, member, "activate"))
    assert refused.status_code == 409
    assert refused.json()["detail"] == "已批准的社员单位签署公约后即转为在册。"
    user = UserFactory(role="enterprise", member=member)
    assert api(user).post(step_path(coop_a, member, "activate")).status_code == 403
    assert api(coop_a.admin).post(step_path(coop_a, member, "apply")).status_code == 404
    assert api(coop_a.admin).post(step_path(coop_a, member, "promote")).status_code == 404
    client.force_login(coop_a.admin)
    page = client.post(f"/c/coop-a/members/{member.pk}/activate/", follow=True)
    assert "已批准的社员单位签署公约后即转为在册。" in page.content.decode()
    with unscoped():
        assert Member.objects.get(pk=member.pk).status == "approved"
    assert events_of(member) == []
    # A signature recorded without the step (as data entered before the portal) lets it be
    # taken by hand: the condition is the signature, not who signs.
    with unscoped():
        ConventionSignature.objects.create(
            cooperative=coop_a.cooperative,
            convention=convention,
            member=member,
            signer_name="陈建华",
            signer_position="法定代表人",
        )
    taken = api(coop_a.admin).post(step_path(coop_a, member, "activate"))
    assert taken.json()["status"] == "active"
    assert [(e.step, e.actor_id) for e in events_of(member)] == [("activate", coop_a.admin.pk)]


def test_the_page_draws_the_forms_of_the_steps_due_now(coop_a, client):
    client.force_login(coop_a.admin)
    page = client.get(f"/c/coop-a/members/{coop_a.member.pk}/").content.decode()
    assert "变更状态" in page
    for verb in ("suspend", "exit"):
        assert f'action="/c/coop-a/members/{coop_a.member.pk}/{verb}/"' in page
    for verb in ("approve", "reinstate", "activate"):
        assert f"/c/coop-a/members/{coop_a.member.pk}/{verb}/" not in page
    assert 'name="exit_kind"' in page and 'type="date" name="decision_date"' in page
    client.force_login(coop_a.supervisor)
    assert "变更状态" not in client.get(f"/c/coop-a/members/{coop_a.member.pk}/").content.decode()


# The rows with a step due for each role


@pytest.fixture
def every_status(coop_a):
    """A member of coop A in every status (the fixture's own member is active)."""
    rows = {
        status: MemberFactory(cooperative=coop_a.cooperative, status=status)
        for status in Member.Status.values
        if status != "active"
    }
    rows["active"] = coop_a.member
    return rows


def due_ids(user, cooperative, django_assert_num_queries, queries):
    with scope({cooperative.pk}), django_assert_num_queries(queries):
        return set(MEMBER.due_for(user).values_list("pk", flat=True))


def test_an_administrator_has_a_step_due_on_every_member_not_rejected_or_exited(
    coop_a, every_status, django_assert_num_queries
):
    due = due_ids(coop_a.admin, coop_a.cooperative, django_assert_num_queries, 1)
    assert due == {
        every_status[status].pk
        for status in ("applied", "under_review", "approved", "active", "suspended")
    }


@pytest.mark.parametrize("role", ["supervisor", "lab", "enterprise"])
def test_no_other_role_has_a_step_due_on_a_member(
    coop_a, every_status, django_assert_num_queries, role
):
    user = coop_a.users()[role]
    assert due_ids(user, coop_a.cooperative, django_assert_num_queries, 0) == set()


def test_the_enterprise_of_another_member_has_no_step_due(
    coop_a, every_status, django_assert_num_queries
):
    other = UserFactory(role="enterprise", member=every_status["approved"])
    assert due_ids(other, coop_a.cooperative, django_assert_num_queries, 0) == set()


def test_the_other_cooperatives_administrator_sees_only_its_own_rows_due(
    coop_a, coop_b, every_status, django_assert_num_queries
):
    due = due_ids(coop_b.admin, coop_b.cooperative, django_assert_num_queries, 1)
    assert due == {coop_b.member.pk}


def test_the_steps_due_on_a_row_are_the_declared_ones_of_its_status(
    coop_a, every_status, django_assert_num_queries
):
    expected = {
        "applied": ["review"],
        "under_review": ["approve", "reject"],
        "approved": ["exit"],  # it becomes active by signing, not by a button
        "active": ["suspend", "exit"],
        "suspended": ["reinstate", "exit"],
        "rejected": [],
        "exited": [],
    }
    # One query: whether the approved unit has signed (the condition of "activate").
    with scope({coop_a.cooperative.pk}), django_assert_num_queries(1):
        found = {
            status: [s.name for s in MEMBER.due_steps(coop_a.admin, row)]
            for status, row in every_status.items()
        }
        others = [
            MEMBER.due_steps(user, row)
            for user in (coop_a.supervisor, coop_a.lab, coop_a.enterprise)
            for row in every_status.values()
        ]
    assert found == expected
    assert not any(others)


# One recorded event per step


def test_each_step_records_one_event_with_from_to_actor_and_reason(coop_a, convention, api):
    member = MemberFactory(cooperative=coop_a.cooperative, status="applied", joined_on=None)
    admin = api(coop_a.admin)
    assert admin.post(step_path(coop_a, member, "review")).json()["status"] == "under_review"
    assert admin.post(step_path(coop_a, member, "approve")).json()["status"] == "approved"
    enterprise = UserFactory(role="enterprise", member=member)
    signed = api(enterprise).post(
        f"/api/v1/coops/coop-a/conventions/{convention.pk}/signatures/",
        {"signer_name": "陈建华", "signer_position": "法定代表人"},
        format="json",
    )
    assert signed.status_code == 201
    suspended = admin.post(step_path(coop_a, member, "suspend"), {"reason": "抽检不合格"})
    assert suspended.json()["status"] == "suspended"
    reinstated = admin.post(step_path(coop_a, member, "reinstate"), {"reason": "整改完成"})
    assert reinstated.json()["status"] == "active"
    today = timezone.localdate()
    exited = admin.post(
        step_path(coop_a, member, "exit"),
        {"reason": "自愿退出", "exit_kind": "withdrawal", "decision_date": str(today)},
    )
    assert (exited.json()["status"], exited.json()["exited_on"]) == ("exited", str(today))
    recorded = [
        (e.step, e.from_status, e.to_status, e.actor_id, e.reason, e.details)
        for e in events_of(member)
    ]
    assert recorded == [
        ("review", "applied", "under_review", coop_a.admin.pk, "", {}),
        ("approve", "under_review", "approved", coop_a.admin.pk, "", {}),
        ("activate", "approved", "active", enterprise.pk, "", {}),
        ("suspend", "active", "suspended", coop_a.admin.pk, "抽检不合格", {}),
        ("reinstate", "suspended", "active", coop_a.admin.pk, "整改完成", {}),
        (
            "exit",
            "active",
            "exited",
            coop_a.admin.pk,
            "自愿退出",
            {"exit_kind": "withdrawal", "decision_date": today.isoformat()},
        ),
    ]
    with unscoped():
        assert Member.objects.get(pk=member.pk).joined_on == today
    history = admin.get(f"/api/v1/coops/coop-a/members/{member.pk}/events/").json()["results"]
    assert [row["verb"] for row in history] == [
        "review",
        "approve",
        "activate",
        "suspend",
        "reinstate",
        "exit",
    ]
    assert {k: history[-1][k] for k in ("exit_kind", "decision_date", "actor")} == {
        "exit_kind": "withdrawal",
        "decision_date": str(today),
        "actor": "a-admin",
    }
    assert (history[0]["exit_kind"], history[0]["decision_date"]) == ("", None)


def test_a_step_refused_for_its_input_records_nothing(coop_a, api):
    response = api(coop_a.admin).post(step_path(coop_a, coop_a.member, "suspend"), {"reason": " "})
    assert response.status_code == 400 and "reason" in response.json()
    assert events_of(coop_a.member) == []


def test_an_application_is_the_first_event(coop_a, api):
    created = api(coop_a.admin).post(
        "/api/v1/coops/coop-a/members/",
        {
            "name": "南通录入家纺有限公司",
            "uscc": "91350100M000100Y43",
            "district": coop_a.cooperative.district.division_code,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    member = Member(pk=created.json()["id"])
    assert [(e.step, e.from_status, e.to_status, e.actor_id) for e in events_of(member)] == [
        ("apply", "", "applied", coop_a.admin.pk)
    ]


# The migration that moved the lifecycle's events into StepEvent


@pytest.fixture
def old_events_table(db):
    """The members_memberevent table as migration 0004 found it, made inside the test's
    transaction (dropped with it), and the apps of that moment."""
    state = MigrationLoader(connection).project_state(
        ("members", "0004_member_events_to_step_events"), at_end=False
    )
    with connection.schema_editor() as editor:
        editor.create_model(state.apps.get_model("members", "MemberEvent"))
    return state.apps


def test_the_migration_copies_every_lifecycle_event_into_step_events(coop_a, old_events_table):
    migration = importlib.import_module("members.migrations.0004_member_events_to_step_events")
    MemberEvent = old_events_table.get_model("members", "MemberEvent")
    at = timezone.now() - datetime.timedelta(days=30)
    member = coop_a.member
    owned = dict(cooperative_id=member.cooperative_id, member_id=member.pk)
    MemberEvent.objects.bulk_create(
        [
            MemberEvent(**owned, verb="apply", to_status="applied", at=at),
            MemberEvent(
                **owned,
                verb="suspend",
                from_status="active",
                to_status="suspended",
                actor_id=coop_a.admin.pk,
                reason="抽检不合格",
                at=at + datetime.timedelta(days=1),
            ),
            MemberEvent(
                **owned,
                verb="exit",
                from_status="suspended",
                to_status="exited",
                actor_id=coop_a.admin.pk,
                reason="除名",
                exit_kind="expulsion",
                decision_date=datetime.date(2026, 3, 1),
                at=at + datetime.timedelta(days=2),
            ),
        ]
    )
    migration.forward(old_events_table, None)
    copied = [
        (
            e.cooperative_id,
            e.step,
            e.from_status,
            e.to_status,
            e.actor_id,
            e.reason,
            e.details,
            e.at,
        )
        for e in events_of(member)
    ]
    assert copied == [
        (member.cooperative_id, "apply", "", "applied", None, "", {}, at),
        (
            member.cooperative_id,
            "suspend",
            "active",
            "suspended",
            coop_a.admin.pk,
            "抽检不合格",
            {},
            at + datetime.timedelta(days=1),
        ),
        (
            member.cooperative_id,
            "exit",
            "suspended",
            "exited",
            coop_a.admin.pk,
            "除名",
            {"exit_kind": "expulsion", "decision_date": "2026-03-01"},
            at + datetime.timedelta(days=2),
        ),
    ]
    MemberEvent.objects.all().delete()
    migration.backward(old_events_table, None)
    assert events_of(member) == []
    back = MemberEvent.objects.order_by("at").values_list("verb", "exit_kind", "decision_date")
    assert list(back) == [
        ("apply", "", None),
        ("suspend", "", None),
        ("exit", "expulsion", datetime.date(2026, 3, 1)),
    ]
