"""Objections (异议), one way for every kind: filed within a window on grounds, decided by staff
with a reason. ``objection_workflow`` declares the decision step of an app's objection table
(a model of the ``coop.models.Objection`` shape); the app says what a decision leads to."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop.errors import Refused
from coop.models import Objection
from coop.roles import Party
from coop.workflow import Workflow, step

Decision = Objection.Decision


def file(model, *, parent, parent_field, reason, open_until, today=None):
    """A new objection of ``model`` to ``parent`` (already locked by its step): refused after
    ``open_until`` or while another objection to it awaits its decision."""
    today = today or timezone.localdate()
    if not reason.strip():
        raise ValidationError({"reason": _("Say what you object to.")})
    if open_until is not None and today > open_until:
        raise Refused(_("Objections were open until %(date)s.") % {"date": open_until})
    if model.objects.filter(**{parent_field: parent}, decision=Decision.PENDING).exists():
        raise Refused(_("An objection awaits its decision already."))
    return model.objects.create(
        cooperative_id=parent.cooperative_id,
        **{parent_field: parent},
        reason=reason.strip(),
        open_until=open_until,
    )


def decider(consequence=None, extra=()):
    """The body of the decision step: the decision and its reason recorded; then
    ``consequence(objection, upheld=…, actor=…, **extra fields)``, the app's own."""

    def decide(objection, *, actor, upheld, reason, **given):
        if not reason.strip():
            raise ValidationError({"reason": _("Give the reason for the decision.")})
        objection.decision = Decision.UPHELD if upheld else Decision.DISMISSED
        objection.decision_reason = reason.strip()
        objection.decided_at = timezone.now()
        if consequence is not None:
            consequence(objection, upheld=upheld, actor=actor, **given)
        return objection

    return decide


def objection_workflow(name, model, *, noun, member_path, consequence=None, extra=(), input=None):
    """The workflow of an app's objections: one step, the decision."""
    return Workflow(
        name=name,
        model=model,
        noun=noun,
        state_field="decision",
        member_path=member_path,
        input=input,
        steps=[
            step(
                "decide",
                gettext_lazy("Decide the objection"),
                gettext_lazy("decide"),
                [Decision.PENDING],
                {Decision.UPHELD, Decision.DISMISSED},
                Party.ADMINISTRATOR,
                decider(consequence, extra),
                fields=("upheld", "reason", *extra),
                done=gettext_lazy("objection decided"),
            ),
        ],
    )
