from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail

from coop.errors import Refused
from coop.tenancy import scope, unscoped
from credit.models import Complaint, CreditGrade
from members.models import Member
from standards.models import Standard
from testing_fund.models import Batch, LedgerEntry, Result
from testing_fund.services import rounds
from testing_fund.services.fund import adjust
from tests.factories import MemberFactory


@pytest.fixture
def forty(coop_a, priced):
    """Forty active members, and ¥100,000 in the fund (a round's batch costs ¥800)."""
    with scope({coop_a.cooperative.pk}):
        adjust(fund=priced, actor=coop_a.admin, amount=Decimal(99000), reason="追加拨款")
    members = [MemberFactory(cooperative=coop_a.cooperative) for _ in range(39)]
    return [coop_a.member, *members]


def preview(coop_a, seed=7, coverage="0.10"):
    with unscoped():
        standard = Standard.objects.get(code="GB 18401-2010")
    with scope({coop_a.cooperative.pk}):
        return rounds.preview_round(
            cooperative=coop_a.cooperative,
            actor=coop_a.admin,
            name="2026年第四季度监督抽查",
            coverage=Decimal(coverage),
            lab=coop_a.lab.institution,
            standard=standard,
            seed=seed,
        )


def test_the_same_seed_and_inputs_give_the_same_selection(coop_a, forty):
    first, again = preview(coop_a, seed=7), preview(coop_a, seed=7)
    assert [r["member"] for r in first.selection] == [r["member"] for r in again.selection]
    assert rounds.select(first.inputs, first.seed, first.coverage) == first.selection
    others = {tuple(r["member"] for r in preview(coop_a, seed=seed).selection) for seed in range(5)}
    assert len(others) > 1  # another seed, another draw
    assert len(first.selection) == 4  # 10% of 40


def test_each_selected_member_shows_why(coop_a, forty, priced):
    cooperative, today = coop_a.cooperative, date.today()
    with unscoped():
        Batch.objects.create(
            cooperative=cooperative,
            member=forty[3],
            fund=priced,
            standard=Standard.objects.get(code="GB 18401-2010"),
            lab=coop_a.lab.institution,
            product="x",
            safety_category="B",
            passed=False,
            reported_on=today,
        )
        for code, triage in [("TS1", "valid"), ("TS2", "invalid")]:
            Complaint.objects.create(
                cooperative=cooperative,
                member=forty[4],
                product="被套",
                description="起球",
                triage=triage,
                tracking_code=code,
            )
        # An older AA that ran out yesterday, then the C in force: the newest grade counts
        # (credit.services.grading.current_grades reads the member's newest, ``latest``).
        for grade, until in [("AA", today - timedelta(days=1)), ("C", today)]:
            CreditGrade.objects.create(
                cooperative=cooperative,
                member=forty[5],
                grade=grade,
                score=55,
                valid_from=today - timedelta(days=365),
                valid_until=until,
            )
    chosen = {row["member"]: row for row in preview(coop_a, coverage="1").selection}
    failed, complained, graded = (chosen[forty[n].pk] for n in (3, 4, 5))
    # kept as codes with parameters, put in words when read (test_round_reasons_i18n.py)
    assert failed["weight"] == 3
    assert {"code": "failed_batches", "params": {"count": 1}} in failed["reasons"]
    assert complained["weight"] == 2
    assert {"code": "valid_complaints", "params": {"count": 1}} in complained["reasons"]
    assert graded["weight"] == 3
    assert {"code": "low_grade", "params": {"grade": "C"}} in graded["reasons"]
    assert chosen[forty[6].pk]["weight"] == 1
    assert all(row["reasons"][0]["code"] == "stratum" for row in chosen.values())


def test_the_strata_share_the_target_in_proportion():
    inputs = [
        {"member": n, "stratum": "a" if n < 30 else "b", "weight": 1, "reasons": []}
        for n in range(40)
    ]
    chosen = rounds.select(inputs, seed=1, coverage=Decimal("0.25"))
    assert len(chosen) == 10
    assert sum(1 for row in chosen if row["member"] < 30) == 8  # 30 of 40 -> 7.5, 10 of 40 -> 2.5


def confirm(coop_a, sampling_round):
    with scope({coop_a.cooperative.pk}):
        return rounds.confirm_round(sampling_round=sampling_round, actor=coop_a.admin)


def booked(sampling_round):
    with unscoped():
        batches = Batch.objects.filter(sampling_round=sampling_round)
        return (
            batches.count(),
            Result.objects.filter(batch__in=batches).count(),
            LedgerEntry.objects.filter(batch__in=batches, kind="reservation").count(),
        )


def test_the_demo_reads_the_selected_members_on_sqlite_in_the_selections_order():
    """The SQLite form of ``selected_members``, the demo's, run on SQLite itself (the suite's
    database is PostgreSQL): Django's parameter style (%s) becomes sqlite3's (?)."""
    import json
    import sqlite3

    database = sqlite3.connect(":memory:")
    database.execute("CREATE TABLE rounds (id integer primary key, selection text)")
    selection = [{"member": member, "weight": 1, "reasons": []} for member in (12, 3, 40, 7)]
    database.execute("INSERT INTO rounds VALUES (5, ?)", [json.dumps(selection)])
    database.execute("INSERT INTO rounds VALUES (6, ?)", [json.dumps([{"member": 99}])])
    sql = rounds.SELECTED_MEMBERS["sqlite"].format(table="rounds").replace("%s", "?")
    assert [member for (member,) in database.execute(sql, [5])] == [12, 3, 40, 7]


def test_confirming_twice_books_each_selected_member_once(coop_a, forty):
    sampling_round = preview(coop_a)
    confirm(coop_a, sampling_round)
    confirm(coop_a, sampling_round)
    indicators = 8  # GB 18401's limits for category B
    assert booked(sampling_round) == (4, 4 * indicators, 4)
    with unscoped():
        members = set(
            Batch.objects.filter(sampling_round=sampling_round).values_list("member_id", flat=True)
        )
    assert members == {row["member"] for row in sampling_round.selection}


def test_a_member_added_to_a_booked_round_gets_its_batch_and_the_others_nothing_more(coop_a, forty):
    """The results, reservation and event go to the batches booked by this call alone (those
    with an id above the largest before it), not to every batch of the round again."""
    from coop.models import StepEvent

    sampling_round = preview(coop_a)
    confirm(coop_a, sampling_round)
    chosen = {row["member"] for row in sampling_round.selection}
    added = next(member for member in forty if member.pk not in chosen)
    with unscoped():
        sampling_round.refresh_from_db()
        sampling_round.selection = [*sampling_round.selection, {"member": added.pk}]
        sampling_round.save(update_fields=["selection"])
    confirm(coop_a, sampling_round)
    assert booked(sampling_round) == (5, 5 * 8, 5)
    with unscoped():
        ids = Batch.objects.filter(sampling_round=sampling_round).values_list("pk", flat=True)
        assert StepEvent.objects.filter(workflow="batch", object_id__in=ids).count() == 5
        assert Batch.objects.filter(sampling_round=sampling_round, member=added).count() == 1


def test_each_booked_batch_records_its_booking_once(coop_a, forty):
    from coop.models import StepEvent

    sampling_round = preview(coop_a)
    confirm(coop_a, sampling_round)
    confirm(coop_a, sampling_round)
    with unscoped():
        ids = set(Batch.objects.filter(sampling_round=sampling_round).values_list("pk", flat=True))
        events = list(
            StepEvent.objects.filter(workflow="batch", object_id__in=ids).values_list(
                "object_id", "step", "from_status", "to_status", "actor_id"
            )
        )
    assert sorted(events) == [(pk, "book", "", "approved", coop_a.admin.pk) for pk in sorted(ids)]


def test_a_crash_halfway_leaves_nothing_and_a_rerun_books_everything_once(
    coop_a, forty, monkeypatch
):
    sampling_round = preview(coop_a)
    real = rounds.add_results_and_reservations

    def crash(*args, **kwargs):
        raise RuntimeError("the worker died here, after the batches were inserted")

    monkeypatch.setattr(rounds, "add_results_and_reservations", crash)
    with pytest.raises(RuntimeError):
        confirm(coop_a, sampling_round)
    assert booked(sampling_round) == (0, 0, 0)
    monkeypatch.setattr(rounds, "add_results_and_reservations", real)
    confirm(coop_a, sampling_round)
    assert booked(sampling_round) == (4, 4 * 8, 4)


def test_confirming_takes_as_many_queries_for_twenty_members_as_for_five(coop_a, forty):
    """Each statement books every member at once (the products as one list), and asks what
    the round lacks by its unique index: the count does not grow with the round."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with unscoped():
        for n, member in enumerate(forty):
            Member.objects.filter(pk=member.pk).update(main_products=f"产品{n}、被芯")
    counts = []
    for coverage, size in (("0.125", 5), ("0.5", 20)):
        sampling_round = preview(coop_a, coverage=coverage)
        with CaptureQueriesContext(connection) as queries:
            confirm(coop_a, sampling_round)
        counts.append(len(queries))
        assert booked(sampling_round) == (size, size * 8, size)
        with unscoped():
            products = dict(
                Batch.objects.filter(sampling_round=sampling_round).values_list(
                    "member_id", "product"
                )
            )
        assert products == {
            member.pk: f"产品{n}" for n, member in enumerate(forty) if member.pk in products
        }
    assert counts[0] == counts[1]


def test_a_round_the_fund_cannot_pay_is_refused_saying_both_amounts(coop_a, forty):
    with scope({coop_a.cooperative.pk}):
        from testing_fund.models import Fund

        adjust(fund=Fund.objects.get(), actor=coop_a.admin, amount=Decimal(-99900), reason="x")
    sampling_round = preview(coop_a, coverage="0.5")
    with pytest.raises(Refused) as refused:
        confirm(coop_a, sampling_round)
    assert "¥100.00" in refused.value.message
    assert booked(sampling_round) == (0, 0, 0)


def test_members_and_the_lab_are_told_by_a_task_once_the_round_is_booked(
    coop_a, forty, settings, eager, monkeypatch
):
    """The module's tests commit (``priced`` is transactional): the task is sent by the
    commit, out of the round's transaction, and mails from the worker (in-process here)."""
    from django.db import connection

    from coop.models import User
    from testing_fund import tasks

    sent = []
    real = tasks.send_round_notices.delay

    def delay(*args):
        sent.append((args, connection.in_atomic_block))
        return real(*args)

    monkeypatch.setattr(tasks.send_round_notices, "delay", delay)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    coop_a.lab.email = "lab@example.com"
    coop_a.lab.save()
    small = preview(coop_a, coverage="0.05")  # two members
    with unscoped():
        User.objects.filter(pk=coop_a.enterprise.pk).update(
            email="member@example.com", member_id=small.selection[0]["member"]
        )
    confirm(coop_a, small)
    assert sent == [((coop_a.cooperative.pk, small.pk), False)]
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "lab@example.com",
        "member@example.com",
    ]
    (to_lab,) = [message for message in mail.outbox if message.to == ["lab@example.com"]]
    assert to_lab.body == "已为贵机构安排 2 个样品。"


def test_the_selected_members_are_read_from_the_selection_in_its_order(coop_a, forty):
    """``selected_members`` takes the ids out of the selection's JSON in the database (SQLite's
    json_each for the demo, PostgreSQL's jsonb_array_elements here), not by decoding it."""
    sampling_round = preview(coop_a, coverage="0.25")
    with unscoped():
        sampling_round.selection = list(reversed(sampling_round.selection))
        sampling_round.save(update_fields=["selection"])
        expected = [row["member"] for row in sampling_round.selection]
        assert len(expected) == 10
        assert rounds.selected_members(sampling_round) == expected


def round_body(coop_a, **overrides):
    with unscoped():
        standard = Standard.objects.get(code="GB 18401-2010")
    body = {
        "name": "第四季度监督抽查",
        "coverage": "0.10",
        "seed": 11,
        "lab": coop_a.lab.institution_id,
        "standard": standard.pk,
        "safety_category": "B",
    }
    return {**body, **overrides}


def test_a_round_is_previewed_then_confirmed_through_the_api(coop_a, forty, api):
    client = api(coop_a.admin)
    previewed = client.post("/api/v1/coops/coop-a/rounds/", round_body(coop_a), format="json")
    assert previewed.status_code == 201, previewed.json()
    body = previewed.json()
    assert body["status"] == "preview" and len(body["selection"]) == 4
    assert all(row["reasons"] for row in body["selection"])
    path = f"/api/v1/coops/coop-a/rounds/{body['id']}/confirm/"
    assert client.post(path).json()["status"] == "confirmed"
    assert client.post(path).status_code == 200
    assert (
        api(coop_a.admin).get("/api/v1/coops/coop-a/batches/?kind=supervisory").json()["count"] == 4
    )


@pytest.mark.parametrize("role", ["supervisor", "enterprise", "lab"])
def test_only_an_administrator_plans_and_confirms(coop_a, forty, api, role):
    response = api(coop_a.users()[role]).post(
        "/api/v1/coops/coop-a/rounds/", round_body(coop_a), format="json"
    )
    assert response.status_code == 403


def test_another_cooperatives_rounds_are_out_of_reach(coop_a, coop_b, forty, api):
    created = (
        api(coop_a.admin)
        .post("/api/v1/coops/coop-a/rounds/", round_body(coop_a), format="json")
        .json()
    )
    for path in ("rounds/", f"rounds/{created['id']}/"):
        assert api(coop_b.admin).get(f"/api/v1/coops/coop-a/{path}").status_code == 404
    assert (
        api(coop_b.admin).post(f"/api/v1/coops/coop-b/rounds/{created['id']}/confirm/").status_code
        == 404
    )


def test_the_quarterly_schedule_is_in_the_database_and_its_task_previews_a_round(coop_a, forty):
    from django_celery_beat.models import PeriodicTask

    from testing_fund.tasks import plan_round

    with unscoped():
        standard = Standard.objects.get(code="GB 18401-2010")
        rounds.schedule_rounds(coop_a.cooperative, coop_a.lab.institution, standard)
        rounds.schedule_rounds(coop_a.cooperative, coop_a.lab.institution, standard)
    task = PeriodicTask.objects.get(name="Sampling round: coop-a")
    assert task.crontab.month_of_year == "1,4,7,10"
    planned = plan_round(coop_a.cooperative.pk, coop_a.lab.institution_id, standard.pk, "0.10")
    with unscoped():
        from testing_fund.models import SamplingRound

        assert SamplingRound.objects.get(pk=planned).status == "preview"
    # A rerun (its worker lost) finds the quarter's round: no second one.
    assert plan_round(coop_a.cooperative.pk, coop_a.lab.institution_id, standard.pk, "0.10") == (
        planned
    )
    with unscoped():
        assert SamplingRound.objects.filter(cooperative=coop_a.cooperative).count() == 1
