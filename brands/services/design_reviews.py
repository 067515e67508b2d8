"""A design-patent pre-review request's way (外观设计专利快速预审): the member unit (or the
administrator for it) submits it, which is its receipt and sets its due date 15 working days on
(``coop.workdays``) → staff forward it to the IP protection centre → the centre's decision:
passed, or returned with the reason → a passed design is granted its patent number. Every step
is declared once, in ``DESIGN_REVIEW`` at the bottom; the functions above are their bodies."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from rest_framework import serializers

from brands.models import DesignReview
from coop import workdays
from coop.errors import Refused
from coop.roles import Party, is_administrator, is_enterprise
from coop.workflow import Workflow, step
from coop.workflow_api import step_text
from members.models import Member

Status = DesignReview.Status
FIELDS = ("design_name", "product", "applicant", "submitted_on")


def may_submit_for(actor, member):
    """The member unit's own account, or an administrator of its cooperative."""
    if is_administrator(actor):
        return True
    return is_enterprise(actor) and actor.member_id == member.pk


@transaction.atomic
def submit(*, member, actor, design_name, product, applicant, submitted_on=None):
    """Record a request as received; due ``DUE_WORKING_DAYS`` working days after its date."""
    if not may_submit_for(actor, member):
        raise Refused(_("Only the member unit itself or an administrator submits its requests."))
    if member.status != Member.Status.ACTIVE:
        raise Refused(_("Requests are taken from active member units."))
    today = timezone.localdate()
    submitted_on = submitted_on or today
    if submitted_on > today:
        raise ValidationError({"submitted_on": _("The date submitted cannot be in the future.")})
    review = DesignReview(
        cooperative_id=member.cooperative_id,
        member=member,
        design_name=design_name.strip(),
        product=product.strip(),
        applicant=applicant.strip(),
        submitted_on=submitted_on,
        due_on=workdays.add_working_days(submitted_on, DesignReview.DUE_WORKING_DAYS),
    )
    review.full_clean()
    review.save()
    DESIGN_REVIEW.record(review, "submit", actor=actor)
    return review


def forwarded(review, *, actor, centre_reference=""):
    review.centre_reference = centre_reference.strip()


def passed(review, *, actor):
    review.decided_on = timezone.localdate()


def returned(review, *, actor, reason):
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason the request is returned.")})
    review.return_reason = reason.strip()
    review.decided_on = timezone.localdate()


def granted(review, *, actor, patent_number, granted_on=None):
    if not patent_number.strip():
        raise ValidationError({"patent_number": _("Give the patent number.")})
    granted_on = granted_on or timezone.localdate()
    if granted_on > timezone.localdate():
        raise ValidationError({"granted_on": _("The date granted cannot be in the future.")})
    if granted_on < review.submitted_on:
        raise ValidationError(
            {"granted_on": _("A design is granted after its request was submitted.")}
        )
    review.patent_number, review.granted_on = patent_number.strip(), granted_on


class DesignReviewInput(serializers.Serializer):
    """What the steps of a request ask for; each step reads only its own fields."""

    centre_reference = step_text(
        pgettext_lazy("brands", "centre's reference"), required=False, line=True
    )
    reason = step_text(gettext_lazy("reason"))
    patent_number = step_text(pgettext_lazy("brands", "patent number"), line=True)
    granted_on = serializers.DateField(
        label=pgettext_lazy("brands", "granted"), required=False, allow_null=True, default=None
    )


STAFF = Party.ADMINISTRATOR

DESIGN_REVIEW = Workflow(
    name="design_review",
    model=DesignReview,
    noun=pgettext_lazy("brands", "a pre-review request"),
    input=DesignReviewInput,
    related=("member",),
    steps=[
        # Recorded when the member (or the administrator for it) submits it: ``submit``.
        step(
            "submit",
            pgettext_lazy("brands", "Submit the request"),
            gettext_lazy("submit"),
            (),
            Status.RECEIVED,
            (),
            done=pgettext_lazy("brands", "request received"),
        ),
        step(
            "forward",
            gettext_lazy("Forward to the IP protection centre"),
            pgettext_lazy("brands", "forward"),
            [Status.RECEIVED],
            Status.FORWARDED,
            STAFF,
            forwarded,
            fields=("centre_reference",),
            done=gettext_lazy("forwarded to the IP protection centre"),
        ),
        step(
            "pass",
            pgettext_lazy("brands", "Pre-review passed"),
            pgettext_lazy("brands", "pass"),
            [Status.FORWARDED],
            Status.PASSED,
            STAFF,
            passed,
        ),
        step(
            "return",
            pgettext_lazy("brands", "Return with the reason"),
            gettext_lazy("return"),
            [Status.RECEIVED, Status.FORWARDED],
            Status.RETURNED,
            STAFF,
            returned,
            fields=("reason",),
            required=("reason",),
            done=pgettext_lazy("brands", "returned"),
        ),
        step(
            "grant",
            pgettext_lazy("brands", "Record the patent granted"),
            pgettext_lazy("brands", "record the grant of"),
            [Status.PASSED],
            Status.GRANTED,
            STAFF,
            granted,
            fields=("patent_number", "granted_on"),
            required=("patent_number",),
            done=pgettext_lazy("brands", "patent granted"),
        ),
    ],
)
