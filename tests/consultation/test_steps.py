"""A question's steps through the API and the pages: asked, answered, followed up, closed,
published as FAQ and withdrawn; each refusal (wrong state, wrong role) says why and writes
nothing."""

import pytest

from consultation.models import Question
from coop.models import StepEvent
from coop.tenancy import unscoped
from tests.consultation.helpers import answer, ask
from tests.factories import MemberFactory

API = "/api/v1/coops/coop-a/questions/"
NEW = {"topic": "labelling", "subject": "洗涤标签", "text": "GB/T 8685 改为 GB/T 8685-2008 了吗？"}


def snapshot(question):
    """The row and its events, to show a refusal wrote nothing."""
    with unscoped():
        row = Question.objects.filter(pk=question.pk).values().get()
        events = StepEvent.objects.filter(workflow="question", object_id=question.pk).count()
    return row, events


def test_a_member_asks_the_administrator_answers_and_the_member_closes(coop_a, api):
    member = api(coop_a.enterprise)
    asked = member.post(API, NEW)
    assert asked.status_code == 201, asked.json()
    body = asked.json()
    assert (body["member"], body["status"], body["by_phone"]) == (coop_a.member.pk, "asked", False)
    assert body["topic_display"] == "标签标识"
    pk = body["id"]
    answered = api(coop_a.admin).post(f"{API}{pk}/answer/", {"answer": "已于 2009 年实施。"})
    assert answered.status_code == 200, answered.json()
    assert answered.json()["status"] == "answered"
    assert answered.json()["hours_to_answer"] is not None
    closed = member.post(f"{API}{pk}/close/")
    assert closed.json()["status"] == "closed"
    with unscoped():
        steps = list(
            StepEvent.objects.filter(workflow="question", object_id=pk)
            .order_by("at", "pk")
            .values_list("step", flat=True)
        )
    assert steps == ["ask", "answer", "close"]


def test_a_follow_up_reopens_it_and_the_first_answer_still_times_the_line(coop_a, api):
    question = ask(coop_a, hours_ago=5)
    answer(coop_a, question)
    with unscoped():
        first = Question.objects.get(pk=question.pk).answered_at
    followed = api(coop_a.enterprise).post(
        f"{API}{question.pk}/follow_up/", {"follow_up": "出口产品也按此标吗？"}
    )
    assert followed.json()["status"] == "asked"
    assert followed.json()["follow_up"] == "出口产品也按此标吗？"
    again = api(coop_a.admin).post(f"{API}{question.pk}/answer/", {"answer": "按进口国要求。"})
    assert again.json()["answer"] == "按进口国要求。"
    with unscoped():
        assert Question.objects.get(pk=question.pk).answered_at == first


def test_an_empty_question_is_a_400_naming_the_field_and_writes_nothing(coop_a, api):
    for client in (api(coop_a.enterprise), api(coop_a.admin)):
        refused = client.post(API, {**NEW, "text": "", "member": coop_a.member.pk})
        assert refused.status_code == 400
        assert set(refused.json()) == {"text"}
    blank = api(coop_a.enterprise).post(API, {**NEW, "subject": "   "})
    assert blank.status_code == 400 and "subject" in blank.json()
    no_member = api(coop_a.admin).post(API, NEW)
    assert no_member.status_code == 400 and "member" in no_member.json()
    with unscoped():
        assert Question.objects.count() == 0


@pytest.mark.parametrize("verb", ["answer", "publish"])
def test_an_enterprise_can_neither_answer_nor_publish(coop_a, api, verb):
    question = ask(coop_a)
    if verb == "publish":
        answer(coop_a, question)
    before = snapshot(question)
    data = {"answer": "自答", "faq_question": "问", "faq_answer": "答"}
    refused = api(coop_a.enterprise).post(f"{API}{question.pk}/{verb}/", data)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "您的角色不能执行此操作。"
    assert snapshot(question) == before


def test_staff_cannot_close_for_the_member_and_a_supervisor_takes_no_step(coop_a, api):
    question = ask(coop_a)
    answer(coop_a, question)
    before = snapshot(question)
    assert api(coop_a.admin).post(f"{API}{question.pk}/close/").status_code == 403
    supervisor = api(coop_a.supervisor)
    assert supervisor.get(f"{API}{question.pk}/").status_code == 200
    assert supervisor.post(f"{API}{question.pk}/publish/", {}).status_code == 403
    assert supervisor.post(API, {**NEW, "member": coop_a.member.pk}).status_code == 403
    assert snapshot(question) == before


def test_a_step_in_the_wrong_state_is_refused_naming_the_states(coop_a, api):
    question = ask(coop_a)
    before = snapshot(question)
    admin = api(coop_a.admin)
    early = admin.post(f"{API}{question.pk}/publish/", {"faq_question": "问", "faq_answer": "答"})
    assert early.status_code == 409
    assert "待答复" in early.json()["detail"] and "已答复" in early.json()["detail"]
    closed_early = api(coop_a.enterprise).post(f"{API}{question.pk}/close/")
    assert closed_early.status_code == 409
    assert snapshot(question) == before
    answer(coop_a, question)
    before = snapshot(question)
    twice = admin.post(f"{API}{question.pk}/answer/", {"answer": "再答"})
    assert twice.status_code == 409 and "已答复" in twice.json()["detail"]
    assert snapshot(question) == before


def test_publishing_needs_a_public_text_that_names_no_member(coop_a, api):
    question = ask(coop_a)
    answer(coop_a, question)
    admin = api(coop_a.admin)
    path = f"{API}{question.pk}/publish/"
    before = snapshot(question)
    missing = admin.post(path, {"faq_answer": "答"})
    assert missing.status_code == 400 and "faq_question" in missing.json()
    naming = admin.post(
        path, {"faq_question": f"{coop_a.member.name}的被套怎么标？", "faq_answer": "按 B 类。"}
    )
    assert naming.status_code == 400 and "faq_question" in naming.json()
    assert snapshot(question) == before
    done = admin.post(path, {"faq_question": "被套的甲醛类别怎么标？", "faq_answer": "按 B 类。"})
    assert done.status_code == 200 and done.json()["published"] is True
    again = admin.post(path, {"faq_question": "问", "faq_answer": "答"})
    assert again.status_code == 409 and again.json()["detail"] == "此问题已作为常见问题发布。"
    withdrawn = admin.post(f"{API}{question.pk}/withdraw/", {"reason": "标准已更新"})
    assert withdrawn.json()["published"] is False
    twice = admin.post(f"{API}{question.pk}/withdraw/")
    assert twice.status_code == 409


def test_an_administrator_records_a_phone_question_for_a_member(coop_a, api):
    recorded = api(coop_a.admin).post(API, {**NEW, "member": coop_a.member.pk, "by_phone": True})
    assert recorded.status_code == 201
    assert (recorded.json()["by_phone"], recorded.json()["member"]) == (True, coop_a.member.pk)
    # The member reads it among its own and may close it once answered.
    assert api(coop_a.enterprise).get(API).json()["count"] == 1


def test_an_enterprise_sees_and_asks_only_for_its_own_member(coop_a, api):
    other = MemberFactory(cooperative=coop_a.cooperative)
    theirs = ask(coop_a, member=other)
    mine = ask(coop_a)
    client = api(coop_a.enterprise)
    listed = client.get(API).json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert client.get(f"{API}{theirs.pk}/").status_code == 404
    assert client.post(f"{API}{theirs.pk}/close/").status_code == 404
    refused = client.post(API, {**NEW, "member": other.pk})
    assert refused.status_code == 409
    with unscoped():
        assert Question.objects.count() == 2
    assert api(coop_a.lab).get(API).json()["count"] == 0
    assert api(coop_a.lab).post(API, NEW).status_code == 403


# The pages


def test_a_member_asks_on_the_page_and_reads_the_answer(coop_a, client):
    client.force_login(coop_a.enterprise)
    empty = client.post("/c/coop-a/questions/new/", {**NEW, "text": ""})
    assert empty.status_code == 200 and "id_text_errors" in empty.content.decode()
    sent = client.post("/c/coop-a/questions/new/", NEW)
    assert sent.status_code == 302
    with unscoped():
        question = Question.objects.get()
    assert question.member_id == coop_a.member.pk and not question.by_phone
    answer(coop_a, question, text="已于 2009 年实施。")
    page = client.get(f"/c/coop-a/questions/{question.pk}/").content.decode()
    assert "已于 2009 年实施。" in page and "/step/close/" in page and "/step/answer/" not in page


def test_the_administrator_answers_on_the_page_and_a_member_is_refused(coop_a, client):
    question = ask(coop_a)
    client.force_login(coop_a.enterprise)
    before = snapshot(question)
    refused = client.post(
        f"/c/coop-a/questions/{question.pk}/step/answer/", {"answer": "自答"}, follow=True
    )
    assert "您的角色不能执行此操作。" in refused.content.decode()
    assert snapshot(question) == before
    client.force_login(coop_a.admin)
    page = client.get(f"/c/coop-a/questions/{question.pk}/").content.decode()
    assert "/step/answer/" in page
    empty = client.post(f"/c/coop-a/questions/{question.pk}/step/answer/", {"answer": ""})
    assert empty.status_code == 302 and snapshot(question) == before
    client.post(f"/c/coop-a/questions/{question.pk}/step/answer/", {"answer": "按 B 类标注。"})
    with unscoped():
        assert Question.objects.get(pk=question.pk).status == "answered"


def test_the_administrator_records_a_phone_question_on_the_page(coop_a, client):
    client.force_login(coop_a.admin)
    form = client.get("/c/coop-a/questions/new/").content.decode()
    assert coop_a.member.name in form
    sent = client.post(
        "/c/coop-a/questions/new/", {**NEW, "member": coop_a.member.pk, "by_phone": "on"}
    )
    assert sent.status_code == 302
    with unscoped():
        assert Question.objects.get().by_phone is True
