"""The homes' groups: the administrator's questions awaiting an answer (oldest first), the
member's answered questions to close or follow up; each only of its own cooperative."""

from coop.tenancy import scope
from supervision.inbox import inbox_for
from tests.consultation.helpers import answer, ask


def group_of(tenant, user, key):
    with scope({tenant.cooperative.pk}):
        inbox = inbox_for(user, {tenant.cooperative.pk})
    return next(group for group in inbox.groups if group.key == key)


def test_the_administrator_sees_questions_awaiting_an_answer_oldest_first(coop_a, coop_b):
    ask(coop_a, hours_ago=2, subject="新问题")
    ask(coop_a, hours_ago=30, subject="老问题")
    answer(coop_a, ask(coop_a, subject="已答复"))
    ask(coop_b, subject="乙社的问题")
    waiting = group_of(coop_a, coop_a.admin, "questions")
    assert waiting.count == 2
    assert [row.label for row in waiting.rows] == ["老问题", "新问题"]
    assert waiting.list_url == "/c/coop-a/questions/?status=asked"


def test_the_member_sees_its_answered_questions(coop_a):
    ask(coop_a, subject="未答复")
    answer(coop_a, ask(coop_a, subject="已答复"))
    answered = group_of(coop_a, coop_a.enterprise, "answered_questions")
    assert [row.label for row in answered.rows] == ["已答复"]
    assert answered.rows[0].url.startswith("/c/coop-a/questions/")
