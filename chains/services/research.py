"""Joint research projects (联合攻关): made and changed by the cooperative's administrators,
with their participants, partner institutions and milestones. The status moves by the declared
steps of ``PROJECT`` (proposed → under way → concluded); concluding asks for the outcome."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from rest_framework import serializers

from chains.models import Milestone, ProjectParticipant, ResearchProject
from chains.services.agreements import check_member
from coop import audit
from coop.errors import Refused
from coop.roles import Party
from coop.workflow import Workflow, step
from coop.workflow_api import step_text

Status = ResearchProject.Status


def names_of(values, field, longest=100):
    """A list of short texts, given as a list or as one text separated by commas, 、 or lines."""
    if isinstance(values, str):
        for mark in ("，", "、", "\n", ";", "；"):
            values = values.replace(mark, ",")
        values = values.split(",")
    if not isinstance(values, (list, tuple)):
        raise ValidationError({field: _("Give a list of names.")})
    cleaned = []
    for value in values:
        value = str(value or "").strip()
        if len(value) > longest:
            raise ValidationError(
                {field: _("A name is at most %(count)d characters.") % {"count": longest}}
            )
        if value and value not in cleaned:
            cleaned.append(value)
    return cleaned


def refuse_if_concluded(project):
    if project.status == Status.CONCLUDED:
        raise Refused(_("The project is concluded: it is kept as it was and no longer changes."))


@transaction.atomic
def save_project(
    *,
    cooperative,
    actor,
    title,
    problem,
    indicators=(),
    partners=(),
    participants=(),
    project=None,
):
    if project is None:
        project = ResearchProject(cooperative=cooperative, created_by=actor)
        action = "researchproject_create"
    else:
        project = ResearchProject.objects.select_for_update().get(pk=project.pk)
        refuse_if_concluded(project)
        action = "researchproject_update"
    project.title = (title or "").strip()
    project.problem = (problem or "").strip()
    project.indicators = names_of(indicators, "indicators")
    project.partners = names_of(partners, "partners", 200)
    participants = list(dict.fromkeys(participants))
    for member in participants:
        check_member(member, cooperative.pk, "participants")
    project.full_clean()
    if (
        ResearchProject.objects.filter(cooperative=cooperative, title=project.title)
        .exclude(pk=project.pk)
        .exists()
    ):
        raise ValidationError({"title": _("The cooperative already has a project of this title.")})
    project.save()
    ProjectParticipant.objects.filter(project=project).delete()
    ProjectParticipant.objects.bulk_create(
        ProjectParticipant(cooperative_id=project.cooperative_id, project=project, member=m)
        for m in participants
    )
    audit.record(instance=project, actor=actor, action=action)
    if action == "researchproject_create":
        PROJECT.record(project, "propose", actor=actor)
    return project


@transaction.atomic
def add_milestone(*, project, actor, title, due_on, done_on=None):
    project = ResearchProject.objects.select_for_update().get(pk=project.pk)
    refuse_if_concluded(project)
    row = Milestone(
        cooperative_id=project.cooperative_id,
        project=project,
        title=(title or "").strip(),
        due_on=due_on,
        done_on=done_on,
    )
    row.full_clean()
    row.save()
    audit.record(instance=project, actor=actor, action="researchproject_milestone_add")
    return row


@transaction.atomic
def mark_milestone_done(*, milestone, actor, done_on=None):
    project = ResearchProject.objects.select_for_update().get(pk=milestone.project_id)
    refuse_if_concluded(project)
    row = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if row.done_on is not None:
        raise Refused(_("This milestone is already done."))
    row.done_on = done_on or timezone.localdate()
    row.full_clean()
    row.save(update_fields=["done_on"])
    audit.record(instance=project, actor=actor, action="researchproject_milestone_done")
    return row


# The project's steps


def started(project, *, actor, reason=""):
    project.started_on = timezone.localdate()


def concluded(project, *, actor, outcome="", reason=""):
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Give the outcome: a project concludes with it.")})
    project.outcome = outcome.strip()
    project.concluded_on = timezone.localdate()


def start(*, project, actor, check_who=True):
    return PROJECT.take("start", project, actor=actor, check_who=check_who)


def conclude(*, project, actor, outcome, check_who=True):
    return PROJECT.take("conclude", project, actor=actor, check_who=check_who, outcome=outcome)


class ProjectInput(serializers.Serializer):
    outcome = step_text(gettext_lazy("outcome"), required=False)


PROJECT = Workflow(
    name="research_project",
    model=ResearchProject,
    noun=gettext_lazy("a joint research project"),
    input=ProjectInput,
    member_path="created_by",  # no member takes its steps: staff only
    steps=[
        step(
            "propose",
            pgettext_lazy("chains", "Propose"),
            pgettext_lazy("chains", "propose"),
            (),
            Status.PROPOSED,
            (),
            done=pgettext_lazy("chains", "proposed"),
        ),
        step(
            "start",
            pgettext_lazy("chains", "Start"),
            pgettext_lazy("chains", "start"),
            [Status.PROPOSED],
            Status.UNDER_WAY,
            Party.ADMINISTRATOR,
            started,
            done=pgettext_lazy("chains", "started"),
        ),
        step(
            "conclude",
            pgettext_lazy("chains", "Conclude"),
            pgettext_lazy("chains", "conclude"),
            [Status.UNDER_WAY],
            Status.CONCLUDED,
            Party.ADMINISTRATOR,
            concluded,
            fields=("outcome",),
            required=("outcome",),
            done=pgettext_lazy("chains", "concluded"),
        ),
    ],
)
