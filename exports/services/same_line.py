"""Same line, same standard, same quality (同线同标同质): a member declares a product it makes
on one line to one standard for export and home markets; the cooperative's administrator
approves it or rejects it with the reason; approved ones are listed in public. The steps are
declared once, in ``SAME_LINE`` at the bottom."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from rest_framework import serializers

from coop import audit
from coop.roles import Party
from coop.workflow import Workflow, step
from coop.workflow_api import step_text
from exports.models import SameLineProduct
from exports.services.products import markets_of
from members.models import Member
from standards.selectors import visible_standards

Status = SameLineProduct.Status


@transaction.atomic
def declare(*, member, actor, product, standard, markets, line):
    """A member's declaration, awaiting the staff's review."""
    if member.status not in (Member.Status.ACTIVE, Member.Status.SUSPENDED):
        raise ValidationError({"member": _("Only a member unit of the cooperative declares.")})
    if (
        standard is None
        or not visible_standards({member.cooperative_id}).filter(pk=standard.pk).exists()
    ):
        raise ValidationError({"standard": _("Choose a standard of the catalogue.")})
    row = SameLineProduct(
        cooperative_id=member.cooperative_id,
        member=member,
        product=(product or "").strip(),
        standard=standard,
        markets=markets_of(markets),
        line=(line or "").strip(),
    )
    row.full_clean()
    row.save()
    audit.record(instance=row, actor=actor, action="samelineproduct_declare")
    SAME_LINE.record(row, "declare", actor=actor)
    return row


def approved(row, *, actor, reason=""):
    row.reviewed_at, row.review_reason = timezone.now(), (reason or "").strip()


def rejected(row, *, actor, reason=""):
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason: the member reads it.")})
    row.reviewed_at, row.review_reason = timezone.now(), reason.strip()


def approve(*, row, actor, reason=""):
    return SAME_LINE.take("approve", row, actor=actor, check_who=False, reason=reason)


def reject(*, row, actor, reason):
    return SAME_LINE.take("reject", row, actor=actor, check_who=False, reason=reason)


class SameLineInput(serializers.Serializer):
    reason = step_text(gettext_lazy("reason"), required=False)


STAFF = Party.ADMINISTRATOR

SAME_LINE = Workflow(
    name="same_line_product",
    model=SameLineProduct,
    noun=gettext_lazy("a same-line product declaration"),
    input=SameLineInput,
    steps=[
        step(
            "declare",
            pgettext_lazy("exports", "Declare"),
            pgettext_lazy("exports", "declare"),
            (),
            Status.SUBMITTED,
            (),
            done=pgettext_lazy("exports", "declared"),
        ),
        step(
            "approve",
            gettext_lazy("Approve"),
            gettext_lazy("approve"),
            [Status.SUBMITTED],
            Status.APPROVED,
            STAFF,
            approved,
            fields=("reason",),
        ),
        step(
            "reject",
            gettext_lazy("Reject"),
            gettext_lazy("reject"),
            [Status.SUBMITTED],
            Status.REJECTED,
            STAFF,
            rejected,
            fields=("reason",),
            required=("reason",),
        ),
    ],
)
