"""The consultation pages: a member's questions (ask, list, read the answer, close or follow
up), the staff's list (open questions by age, the time to answer, every question filtered by
status and topic) and answer form, and the public FAQ of a cooperative and of the portal.
Steps are taken through ``services.QUESTION``, the same declaration the API takes them
through; the rows a user may see come from ``consultation.selectors``."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultation import selectors, services
from consultation.forms import FaqSearchForm, QuestionForm
from consultation.models import PROMISE_HOURS, Question
from coop.access import public_view, role_required
from coop.models import Region
from coop.pages import (
    PAGE_SIZE,
    asked_member,
    history_of,
    page_of,
    save_or_report,
    step_forms,
    take_from_page,
)
from coop.pagination import QuerysetByIds
from coop.roles import is_administrator, is_enterprise, is_staff, is_staff_or_enterprise

OPEN_SHOWN = 20  # open questions listed above the staff's list; ``?status=asked`` lists all


def may_ask(user):
    return is_administrator(user) or (is_enterprise(user) and bool(user.member_id))


@role_required(is_staff_or_enterprise)
def question_list(request, coop_slug):
    rows, status, topic = selectors.filtered(selectors.questions_for(request.user), request.GET)
    member = asked_member(request)
    if member is not None:  # a link from the member's record
        rows = rows.filter(member_id=member)
    context = {
        "cooperative": request.cooperative,
        "page": QuerysetByIds(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "status": status,
        "topic": topic,
        "statuses": Question.Status.choices,
        "topics": Question.Topic.choices,
        "may_ask": may_ask(request.user),
        "is_staff": is_staff(request.user),
        "promise_hours": PROMISE_HOURS,
    }
    if is_staff(request.user):
        waiting = list(
            selectors.open_questions(selectors.questions_for(request.user))[: OPEN_SHOWN + 1]
        )
        context["open_questions"] = waiting[:OPEN_SHOWN]
        context["more_open"] = len(waiting) > OPEN_SHOWN
        context["times"] = selectors.answer_times(request.cooperative.pk)
    return render(request, "consultation/question_list.html", context)


@role_required(may_ask)
def question_new(request, coop_slug):
    for_staff = not is_enterprise(request.user)
    form = QuestionForm(request.POST or None, for_staff=for_staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        asked = save_or_report(
            form,
            lambda: services.ask(
                member=data["member"] if for_staff else request.user.member,
                actor=request.user,
                topic=data["topic"],
                subject=data["subject"],
                text=data["text"],
                by_phone=data.get("by_phone", False),
            ),
        )
        if asked:
            messages.success(request, _("Your question is sent. The line answers within 24 hours."))
            return redirect("question-detail", coop_slug=coop_slug, pk=asked.pk)
    return render(
        request,
        "consultation/question_form.html",
        {"cooperative": request.cooperative, "form": form},
    )


@role_required(is_staff_or_enterprise)
def question_detail(request, coop_slug, pk):
    question = get_object_or_404(selectors.questions_for(request.user), pk=pk)
    forms = step_forms(
        request.user,
        services.QUESTION,
        question,
        lambda verb: reverse("question-step", args=[coop_slug, question.pk, verb]),
    )
    prefill_publish(forms, question)
    return render(
        request,
        "consultation/question_detail.html",
        {
            "cooperative": request.cooperative,
            "question": question,
            "step_forms": forms,
            "history": history_of(services.QUESTION, question),
            "is_staff": is_staff(request.user),
            "promise_hours": PROMISE_HOURS,
        },
    )


def prefill_publish(forms, question):
    """The publish form starts from the question and the answer as they stand (an entry
    published before keeps its public wording), for the staff to edit before publishing: the
    member's name or firm is theirs to take out (the service refuses the unit's name)."""
    start = {
        "faq_question": question.faq_question or question.text,
        "faq_answer": question.faq_answer or question.answer,
    }
    for form in forms:
        if form["step"].name == "publish":
            for field in form["fields"]:
                field["initial"] = start.get(field["name"], "")


@require_POST
@role_required(is_staff_or_enterprise)
def question_step(request, coop_slug, pk, verb):
    question = get_object_or_404(selectors.questions_for(request.user), pk=pk)
    take_from_page(request, services.QUESTION, question, verb, request.POST)
    return redirect("question-detail", coop_slug=coop_slug, pk=pk)


# The public FAQ


def faq_context(request, entries, **extra):
    form = FaqSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = entries(topic=data.get("topic", ""), text=data.get("q", ""))
    page = page_of(request, rows)
    page.object_list = selectors.labelled(page.object_list)
    return {"form": form, "page": page, "query": data.get("q", ""), **extra}


@public_view
def cooperative_faq(request, coop_slug):
    cooperative = request.cooperative

    def entries(**asked):
        return selectors.faq_entries(cooperative=cooperative, **asked)

    return render(
        request,
        "consultation/faq.html",
        faq_context(request, entries, cooperative=cooperative),
    )


def portal_faq(request):
    """Every cooperative's FAQ, or one region's (``?region=<slug>``; an unknown one: all)."""
    asked_region = request.GET.get("region") or ""
    region = Region.objects.filter(slug=asked_region).first() if asked_region else None

    def entries(**asked):
        return selectors.faq_entries(region=region, **asked)

    return render(
        request,
        "consultation/faq.html",
        faq_context(request, entries, region=region, portal=True),
    )
