"""One free re-inspection per failed batch, and one re-inspection under way at a time: the
step refuses a second order (409 in the API), under races too, and the database holds it."""

import threading
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connections, transaction

from coop.errors import Refused
from coop.tenancy import scope, unscoped
from testing_fund.models import Batch
from testing_fund.services import batches
from testing_fund.services.batches import BATCH
from tests.factories import UserFactory
from tests.testing_fund.conftest import request, sample

BAD = {"formaldehyde": "82", "ph": "6.5", "odour": "无"}


@pytest.fixture
def rectified(coop_a, priced):
    """A failed batch of coop A, reported, its rectification notice answered: its first
    re-inspection is free."""
    checker = UserFactory(role="lab_technician", institution=coop_a.lab.institution)
    batch = request(coop_a)
    with scope({coop_a.cooperative.pk}):
        sample(coop_a, batch)
        batches.receive(batch=batch, actor=coop_a.lab)
        batches.enter_results(batch=batch, actor=coop_a.lab, values=BAD)
        batches.verify(batch=batch, actor=checker)
        batches.report(batch=batch, actor=coop_a.admin)
        batches.notify_rectification(
            batch=batch,
            actor=coop_a.admin,
            notice="甲醛超标，限期整改",
            due_on=date.today() + timedelta(days=30),
        )
        batches.answer_rectification(batch=batch, actor=coop_a.enterprise, answer="已更换助剂")
        return Batch.objects.get(pk=batch.pk)


def reinspect(api, user, batch):
    return api(user).post(f"/api/v1/coops/coop-a/batches/{batch.pk}/reinspect/", format="json")


def reinspections(batch):
    with unscoped():
        return list(
            Batch.objects.filter(reinspection_of=batch).values_list("free_reinspection", "status")
        )


def test_a_second_order_in_a_row_is_refused_naming_the_one_under_way(coop_a, rectified, api):
    first = reinspect(api, coop_a.admin, rectified)
    assert first.status_code == 200 and first.json()["free_reinspection"] is True
    second = reinspect(api, coop_a.admin, rectified)
    assert second.status_code == 409
    assert second.json()["detail"] == (
        f"本批次的复检（批次 {first.json()['id']}）当前为“已申请”：一个不合格批次同一时间只能"
        "有一次复检在进行，请先完成或取消该复检，再安排新的复检。"
    )
    assert reinspections(rectified) == [(True, "requested")]


def test_two_orders_at_once_make_one_free_reinspection(coop_a, rectified, api):
    clients = [api(coop_a.admin), api(coop_a.admin)]
    start = threading.Barrier(len(clients))
    answers = []

    def order(client):
        try:
            start.wait(timeout=10)
            path = f"/api/v1/coops/coop-a/batches/{rectified.pk}/reinspect/"
            answers.append(client.post(path, format="json").status_code)
        finally:
            connections.close_all()  # this thread's own connection to the test database

    threads = [threading.Thread(target=order, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [200, 409]
    assert reinspections(rectified) == [(True, "requested")]


def test_the_step_is_not_offered_while_a_reinspection_is_under_way(coop_a, rectified):
    with scope({coop_a.cooperative.pk}):
        assert "reinspect" in [s.name for s in BATCH.due_steps(coop_a.admin, rectified)]
        assert BATCH.due_for(coop_a.admin, verbs=["reinspect"]).filter(pk=rectified.pk).exists()
        batches.reinspect(batch=rectified, actor=coop_a.admin)
        assert "reinspect" not in [s.name for s in BATCH.due_steps(coop_a.admin, rectified)]
        assert not BATCH.due_for(coop_a.admin, verbs=["reinspect"]).filter(pk=rectified.pk)


def test_a_cancelled_free_reinspection_gives_the_right_back_and_a_tested_one_uses_it(
    coop_a, rectified
):
    with scope({coop_a.cooperative.pk}):
        free = batches.reinspect(batch=rectified, actor=coop_a.admin)
        batches.cancel(batch=free, actor=coop_a.admin, reason="样品未到")
        again = batches.reinspect(batch=rectified, actor=coop_a.admin)
        assert (again.free_reinspection, again.paid_by_member) == (True, False)
        Batch.objects.filter(pk=again.pk).update(status="closed")  # tested
        paid = batches.reinspect(batch=rectified, actor=coop_a.admin)
        assert (paid.free_reinspection, paid.paid_by_member) == (False, True)


def test_a_passed_batch_is_refused_with_its_own_reason(coop_a, rectified):
    with scope({coop_a.cooperative.pk}):
        Batch.objects.filter(pk=rectified.pk).update(passed=True)
        with pytest.raises(Refused, match="只有不合格的批次才能复检"):
            batches.reinspect(batch=rectified, actor=coop_a.admin)


def test_the_database_refuses_a_second_free_or_a_second_open_reinspection(coop_a, rectified):
    with scope({coop_a.cooperative.pk}):
        free = batches.reinspect(batch=rectified, actor=coop_a.admin)
        Batch.objects.filter(pk=free.pk).update(status="closed")

        def copy(**fields):
            made = Batch.objects.get(pk=free.pk)
            made.pk = None
            for name, value in fields.items():
                setattr(made, name, value)
            made.save()
            return made

        with pytest.raises(IntegrityError, match="one_free_reinspection_per_failed_batch"):
            with transaction.atomic():
                copy(status="requested", free_reinspection=True)
        copy(status="requested", free_reinspection=False, paid_by_member=True)
        with pytest.raises(IntegrityError, match="one_open_reinspection_per_failed_batch"):
            with transaction.atomic():
                copy(status="approved", free_reinspection=False, paid_by_member=True)
        # Never tested, a cancelled free one is not counted.
        copy(status="cancelled", free_reinspection=True)
