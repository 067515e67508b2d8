"""The credit side's scheduled tasks run twice at once (a task handed out a second time) and do
their work once: overdue orders are reminded once, members graded once."""

import threading
from datetime import date, timedelta

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import connections

from coop.tenancy import scope, unscoped
from credit.models import CreditGrade, RectificationOrder
from credit.services import enforcement, grading
from tests.credit.test_enforcement import violation

SENDING, GATE = threading.Event(), threading.Event()


class HeldBackend(EmailBackend):
    """Holds the first send until the test lets it go: the first run is then between its
    claim and its commit while the second one starts."""

    def send_messages(self, messages):
        SENDING.set()
        GATE.wait(timeout=30)
        return super().send_messages(messages)


def in_threads(*jobs):
    """Run each job in a thread of its own, with its own database connection."""
    results = {}

    def run(name, job):
        try:
            results[name] = job()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    return threads, results


@pytest.fixture
def overdue(coop_a, api, transactional_db):
    coop_a.enterprise.email = "quality@example.com"
    coop_a.enterprise.save()
    found = violation(api, coop_a, date.today()).json()
    order = (
        api(coop_a.admin)
        .post(
            "/api/v1/coops/coop-a/rectification-orders/",
            {
                "violation": found["id"],
                "requirement": "补正标识",
                "deadline": (date.today() + timedelta(days=10)).isoformat(),
            },
        )
        .json()
    )
    with unscoped():
        RectificationOrder.objects.filter(pk=order["id"]).update(
            deadline=date.today() - timedelta(days=1)
        )
    return order


def test_two_reminder_runs_at_once_remind_each_overdue_order_once(coop_a, overdue, settings):
    from django.core import mail

    settings.EMAIL_BACKEND = f"{__name__}.HeldBackend"
    SENDING.clear()
    GATE.clear()

    def remind():
        with scope({coop_a.cooperative.pk}):
            return enforcement.remind_overdue(cooperative_id=coop_a.cooperative.pk)

    (first, second), results = in_threads(remind, remind)
    first.start()
    assert SENDING.wait(timeout=30)  # the first run has claimed the order and is sending
    second.start()
    second.join(timeout=1)  # it waits on the order's row (or, unclaimed, sends too)
    GATE.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert results == {0: 1, 1: 0}
    assert [message.to for message in mail.outbox] == [["quality@example.com"]]


def test_two_gradings_at_once_grade_each_member_once(coop_a, transactional_db, monkeypatch):
    # Both runs are held where they have read who is graded today and compute a grade: two
    # runs that did not take turns would both be there, and both add one.
    both_computing = threading.Barrier(2)
    explain = grading.explain

    def explain_together(*args):
        try:
            both_computing.wait(timeout=3)
        except threading.BrokenBarrierError:
            pass  # the other run is waiting for this one's turn to end
        return explain(*args)

    monkeypatch.setattr(grading, "explain", explain_together)

    def grade():
        with scope({coop_a.cooperative.pk}):
            return len(grading.grade_members(cooperative_id=coop_a.cooperative.pk))

    threads, results = in_threads(grade, grade)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results.values()) == [0, 1]
    with unscoped():
        assert CreditGrade.objects.filter(member=coop_a.member).count() == 1
