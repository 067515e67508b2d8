import pytest

from coop.celery import app, tenant_task
from members.models import Member
from tests.factories import MemberFactory


@tenant_task
def cooperatives_seen(cooperative_id):
    """What a tenant task can see: the cooperative ids of the members in its scope."""
    return sorted(set(Member.objects.values_list("cooperative_id", flat=True)))


@pytest.mark.celery_worker
def test_a_task_runs_in_a_worker_inside_the_scope_of_its_cooperative(worker):
    mine, other = MemberFactory(), MemberFactory()
    result = cooperatives_seen.delay(mine.cooperative_id)
    assert result.get(timeout=20) == [mine.cooperative_id]
    result = cooperatives_seen.delay(other.cooperative_id)
    assert result.get(timeout=20) == [other.cooperative_id]


def test_tasks_go_to_redis_in_the_test_settings():
    assert app.conf.broker_url.startswith("redis://")
    assert not app.conf.task_always_eager
