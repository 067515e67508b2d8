"""The demo's questions: realistic, mostly answered within a day, six in the FAQ; a second
run adds nothing."""

from consultation import demo
from consultation.models import Question
from coop.models import StepEvent
from coop.tenancy import unscoped
from tests.factories import MemberFactory


def test_the_demo_seed_is_idempotent(coop_a):
    for _ in range(5):
        MemberFactory(cooperative=coop_a.cooperative)
    said = []
    demo.seed(coop_a.cooperative, coop_a.member, log=said.append)
    with unscoped():
        rows = list(Question.objects.all())
        events = StepEvent.objects.filter(workflow="question").count()
    assert 18 <= len(rows) <= 24
    assert sum(row.published for row in rows) == 6
    answered = [row for row in rows if row.answered_at]
    within_a_day = [row for row in answered if not row.answered_late]
    assert len(within_a_day) > len(answered) * 0.7
    assert any(row.status == "asked" for row in rows)
    assert len({row.member_id for row in rows}) > 1
    assert said
    demo.seed(coop_a.cooperative, coop_a.member, log=said.append)
    with unscoped():
        assert Question.objects.count() == len(rows)
        assert StepEvent.objects.filter(workflow="question").count() == events
