"""Time to answer: hours per question, the open questions by age (flagged past the line's 24
hours), and the cooperative's median and 90th percentile over 90 days, in one query."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultation.models import Question
from consultation.selectors import answer_times
from coop.tenancy import scope, unscoped
from tests.consultation.helpers import answer, ask


def answered_in(tenant, hours, days_ago=1):
    """A question answered ``hours`` after it was asked, ``days_ago`` days ago."""
    question = ask(tenant)
    answered_at = timezone.now() - timedelta(days=days_ago)
    with unscoped():
        Question.objects.filter(pk=question.pk).update(
            status=Question.Status.ANSWERED,
            asked_at=answered_at - timedelta(hours=hours),
            answered_at=answered_at,
            answer="答",
        )
    return question


def postgres_percentiles(cooperative_id):
    """The same figures from PostgreSQL's own percentile_cont, to check ours against."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM "
            "answered_at - asked_at)), percentile_cont(0.9) WITHIN GROUP (ORDER BY "
            "EXTRACT(EPOCH FROM answered_at - asked_at)) FROM consultation_question "
            "WHERE cooperative_id = %s AND answered_at >= now() - interval '90 days'",
            [cooperative_id],
        )
        median, p90 = cursor.fetchone()
    return round(median / 3600, 1), round(p90 / 3600, 1)


def test_hours_to_answer_are_shown_per_question(coop_a, client):
    question = ask(coop_a, hours_ago=30)
    answer(coop_a, question)
    with unscoped():
        question = Question.objects.get(pk=question.pk)
    assert question.hours_to_answer == 30.0 and question.answered_late
    client.force_login(coop_a.enterprise)
    page = client.get(f"/c/coop-a/questions/{question.pk}/").content.decode()
    assert "30.0 小时" in page and "超过 24 小时" in page


def test_the_median_and_90th_percentile_match_postgresql_in_one_query(coop_a, coop_b):
    for hours in [1, 2, 3, 4, 5, 6, 7, 8, 9, 30]:
        answered_in(coop_a, hours)
    answered_in(coop_a, 500, days_ago=100)  # outside the 90 days
    ask(coop_a)  # not answered yet
    answered_in(coop_b, 300)  # another cooperative's
    with scope({coop_a.cooperative.pk}):
        with CaptureQueriesContext(connection) as queries:
            times = answer_times(coop_a.cooperative.pk)
    assert len(queries) == 1
    assert (times["answered"], times["late"]) == (10, 1)
    assert (times["median"], times["p90"]) == (5.5, 11.1)
    assert (times["median"], times["p90"]) == postgres_percentiles(coop_a.cooperative.pk)


def test_one_answer_is_its_own_median_and_none_gives_no_figure(coop_a):
    with scope({coop_a.cooperative.pk}):
        assert answer_times(coop_a.cooperative.pk)["median"] is None
    answered_in(coop_a, 3)
    answered_in(coop_a, 8)
    with scope({coop_a.cooperative.pk}):
        times = answer_times(coop_a.cooperative.pk)
    assert (times["median"], times["p90"]) == (5.5, 7.5)
    assert (times["median"], times["p90"]) == postgres_percentiles(coop_a.cooperative.pk)


def test_the_staff_list_shows_open_questions_oldest_first_flagged_past_24_hours(coop_a, client):
    ask(coop_a, hours_ago=2, subject="新近的问题")
    ask(coop_a, hours_ago=50, subject="最早的问题")
    ask(coop_a, hours_ago=26, subject="超时的问题")
    answered_in(coop_a, 4)
    client.force_login(coop_a.admin)
    page = client.get("/c/coop-a/questions/").content.decode()
    panel = page.split("待答复问题（最早的在前）")[1].split("全部问题")[0]
    assert panel.index("最早的问题") < panel.index("超时的问题") < panel.index("新近的问题")
    assert panel.count('class="overdue"') == 2  # the two waiting over 24 hours, said in words
    assert "答复时长中位数" in page and "4.0 小时" in page
