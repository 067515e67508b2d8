"""A question's way: asked by the member (or recorded by an administrator from a phone call) →
answered by an administrator → closed by the member, or asked again with a follow-up (back to
awaiting an answer). Independently of that, an administrator publishes an answered question as
a public FAQ entry, with a question and answer reworded to name no member, and withdraws it.
Every step is declared once, in ``QUESTION`` at the bottom; the functions above it are their
bodies."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from rest_framework import serializers

from consultation.models import Question
from coop.errors import Refused
from coop.roles import Party, is_administrator, is_enterprise
from coop.workflow import ANY, Workflow, step
from coop.workflow_api import step_text
from members.models import Member

Status = Question.Status
FIELDS = ("topic", "subject", "text")


@transaction.atomic
def ask(*, member, actor, topic, subject, text, by_phone=False, asked_at=None):
    """A new question of ``member``: its own enterprise user asks it, or an administrator records
    one received by phone. Refused for anyone else; a missing field names itself."""
    if is_enterprise(actor):
        if actor.member_id != member.pk:
            raise Refused(_("You may ask only for your own member unit."))
        by_phone = False
    elif not is_administrator(actor):
        raise Refused(_("Only the member unit or a cooperative administrator records a question."))
    if member.status != Member.Status.ACTIVE:
        raise Refused(_("Questions are taken from active member units."))
    errors = {}
    if topic not in Question.Topic.values:
        errors["topic"] = _("Choose the topic.")
    if not (subject or "").strip():
        errors["subject"] = _("Give the question a subject.")
    if not (text or "").strip():
        errors["text"] = _("Write the question.")
    if errors:
        raise ValidationError(errors)
    now = asked_at or timezone.now()
    question = Question(
        cooperative_id=member.cooperative_id,
        member=member,
        topic=topic,
        subject=subject.strip(),
        text=text.strip(),
        by_phone=bool(by_phone),
        asked_by=actor if actor is not None and actor.is_authenticated else None,
        asked_at=now,
        waiting_since=now,
    )
    question.full_clean()
    question.save()
    QUESTION.record(question, "ask", actor=actor, at=now)
    return question


# Entry points for code (the demo data, other services): the role is left to their callers;
# pages and the API take steps through the declaration, which checks it.
def answer(*, question, actor, text):
    return QUESTION.take("answer", question, actor=actor, check_who=False, answer=text)


def close(*, question, actor):
    return QUESTION.take("close", question, actor=actor, check_who=False)


def follow_up(*, question, actor, text):
    return QUESTION.take("follow_up", question, actor=actor, check_who=False, follow_up=text)


def publish(*, question, actor, faq_question, faq_answer):
    return QUESTION.take(
        "publish",
        question,
        actor=actor,
        check_who=False,
        faq_question=faq_question,
        faq_answer=faq_answer,
    )


def withdraw(*, question, actor, reason=""):
    return QUESTION.take("withdraw", question, actor=actor, check_who=False, reason=reason)


def answered(question, *, actor, answer=""):
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    question.answer = answer.strip()
    question.answered_by = actor if actor is not None and actor.is_authenticated else None
    if question.answered_at is None:  # the first answer is what the line's promise measures
        question.answered_at = timezone.now()


def followed_up(question, *, actor, follow_up=""):
    if not follow_up.strip():
        raise ValidationError({"follow_up": _("Write what you still want to know.")})
    question.follow_up = follow_up.strip()
    question.waiting_since = timezone.now()


def published(question, *, actor, faq_question="", faq_answer=""):
    errors = {}
    if not faq_question.strip():
        errors["faq_question"] = _("Write the question as the public reads it.")
    if not faq_answer.strip():
        errors["faq_answer"] = _("Write the answer as the public reads it.")
    if errors:
        raise ValidationError(errors)
    # The public entry names no member: the staff reword it, and the portal checks the name.
    name = question.member.name
    for field, value in (("faq_question", faq_question), ("faq_answer", faq_answer)):
        if name and name in value:
            errors[field] = _("The public entry must not name the member unit.")
    if errors:
        raise ValidationError(errors)
    question.faq_question, question.faq_answer = faq_question.strip(), faq_answer.strip()
    question.published, question.published_at = True, timezone.now()


def withdrawn(question, *, actor, reason=""):
    question.published = False


class QuestionInput(serializers.Serializer):
    """What the steps of a question ask for; each step reads only its own fields."""

    answer = step_text(pgettext_lazy("consultation", "answer"))
    follow_up = step_text(pgettext_lazy("consultation", "follow-up question"))
    faq_question = step_text(pgettext_lazy("consultation", "public question"), line=True)
    faq_answer = step_text(pgettext_lazy("consultation", "public answer"))
    reason = step_text(gettext_lazy("reason"), required=False)


STAFF = Party.ADMINISTRATOR
ANSWERED_OR_CLOSED = [Status.ANSWERED, Status.CLOSED]

QUESTION = Workflow(
    name="question",
    model=Question,
    noun=pgettext_lazy("consultation", "question"),
    input=QuestionInput,
    related=("member",),
    steps=[
        # Recorded when the question is asked: ``ask`` makes the row.
        step(
            "ask",
            pgettext_lazy("consultation", "Ask"),
            pgettext_lazy("consultation", "ask"),
            (),
            Status.ASKED,
            (),
            done=pgettext_lazy("consultation", "question asked"),
        ),
        step(
            "answer",
            pgettext_lazy("consultation", "Send the answer"),
            pgettext_lazy("consultation", "answer"),
            [Status.ASKED],
            Status.ANSWERED,
            STAFF,
            answered,
            fields=("answer",),
            required=("answer",),
            reason="answer",
            done=pgettext_lazy("consultation", "answered"),
        ),
        step(
            "close",
            gettext_lazy("Close: my question is answered"),
            pgettext_lazy("consultation", "close"),
            [Status.ANSWERED],
            Status.CLOSED,
            Party.MEMBER,
            done=gettext_lazy("closed by the member"),
        ),
        step(
            "follow_up",
            pgettext_lazy("consultation", "Ask a follow-up"),
            pgettext_lazy("consultation", "follow up"),
            [Status.ANSWERED],
            Status.ASKED,
            Party.MEMBER,
            followed_up,
            fields=("follow_up",),
            required=("follow_up",),
            reason="follow_up",
            done=gettext_lazy("follow-up asked"),
        ),
        step(
            "publish",
            gettext_lazy("Publish as FAQ"),
            pgettext_lazy("consultation", "publish as FAQ"),
            ANSWERED_OR_CLOSED,
            None,
            STAFF,
            published,
            fields=("faq_question", "faq_answer"),
            required=("faq_question", "faq_answer"),
            when=Q(published=False),
            when_refused=gettext_lazy("This question is already published as FAQ."),
            done=pgettext_lazy("consultation", "published as FAQ"),
        ),
        step(
            "withdraw",
            gettext_lazy("Withdraw from the FAQ"),
            gettext_lazy("withdraw from the FAQ"),
            ANY,  # whatever the question's state (a follow-up may come after publishing)
            None,
            STAFF,
            withdrawn,
            fields=("reason",),
            when=Q(published=True),
            when_refused=gettext_lazy("This question is not published as FAQ."),
            done=gettext_lazy("withdrawn from the FAQ"),
        ),
    ],
)
