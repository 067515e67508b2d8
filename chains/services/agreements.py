"""Quality-consistency agreements: made and changed by the cooperative's administrators, with
their scope (categories), indicators, suppliers and the owner's audits. The status moves by the
declared steps of ``AGREEMENT`` at the bottom (draft → in force → ended), each one recorded as a
typed event. Every write is atomic and audited; a refusal writes nothing."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from rest_framework import serializers

from chains.models import (
    AgreementCategory,
    AgreementIndicator,
    ChainAgreement,
    ChainSupplier,
    SupplierAudit,
)
from coop import audit
from coop.errors import Refused
from coop.roles import Party
from coop.workflow import Workflow, step
from coop.workflow_api import step_text
from members.models import Member

Status = ChainAgreement.Status
# Members no longer (or not yet) in the cooperative take no part in an agreement.
NOT_IN = (
    Member.Status.APPLIED,
    Member.Status.UNDER_REVIEW,
    Member.Status.REJECTED,
    Member.Status.EXITED,
)


def check_member(member, cooperative_id, field):
    if member is None:
        return
    if member.cooperative_id != cooperative_id:
        raise ValidationError({field: _("This belongs to another cooperative.")})
    if member.status in NOT_IN:
        raise ValidationError({field: _("Only a member unit of the cooperative takes part.")})


def refuse_if_ended(agreement):
    if agreement.status == Status.ENDED:
        raise Refused(_("The agreement has ended: it is kept as it was and no longer changes."))


@transaction.atomic
def save_agreement(
    *,
    cooperative,
    actor,
    title,
    products,
    signed_on,
    valid_until,
    owner_member=None,
    owner_name="",
    owner_uscc="",
    categories=(),
    indicators=None,
    agreement=None,
):
    """Make (or change) an agreement. ``indicators``, when given, replaces the agreement's
    indicators (a list of dicts of ``AgreementIndicator``'s fields)."""
    if agreement is None:
        agreement = ChainAgreement(cooperative=cooperative, created_by=actor)
        action = "chainagreement_create"
    else:
        agreement = ChainAgreement.objects.select_for_update().get(pk=agreement.pk)
        refuse_if_ended(agreement)
        action = "chainagreement_update"
    check_member(owner_member, cooperative.pk, "owner_member")
    agreement.title = (title or "").strip()
    agreement.products = (products or "").strip()
    agreement.owner_member = owner_member
    agreement.owner_name = (owner_name or "").strip()
    agreement.owner_uscc = (owner_uscc or "").strip().upper()
    agreement.signed_on = signed_on
    agreement.valid_until = valid_until
    agreement.full_clean()
    if owner_member is not None and agreement.pk:
        if agreement.suppliers.filter(member=owner_member, left_on__isnull=True).exists():
            raise ValidationError(
                {"owner_member": _("The chain owner is not also one of its own suppliers.")}
            )
    agreement.save()
    AgreementCategory.objects.filter(agreement=agreement).delete()
    AgreementCategory.objects.bulk_create(
        AgreementCategory(cooperative_id=agreement.cooperative_id, agreement=agreement, category=c)
        for c in dict.fromkeys(categories)
    )
    if indicators is not None:
        replace_indicators(agreement, indicators)
    audit.record(instance=agreement, actor=actor, action=action)
    if action == "chainagreement_create":
        AGREEMENT.record(agreement, "draft", actor=actor)
    return agreement


def replace_indicators(agreement, rows):
    agreement.indicators.all().delete()
    names = set()
    for index, row in enumerate(rows):
        try:
            indicator = build_indicator(agreement, row)
        except ValidationError as error:
            said = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
            raise ValidationError(
                {"indicators": _("Row %(row)d: %(errors)s") % {"row": index + 1, "errors": said}}
            ) from None
        if indicator.name in names:
            raise ValidationError(
                {
                    "indicators": _("Row %(row)d: the indicator %(name)s is named twice.")
                    % {"row": index + 1, "name": indicator.name}
                }
            )
        names.add(indicator.name)
        indicator.save()


def build_indicator(agreement, data):
    indicator = AgreementIndicator(
        cooperative_id=agreement.cooperative_id,
        agreement=agreement,
        name=(data.get("name") or "").strip(),
        unit=(data.get("unit") or "").strip(),
        direction=data.get("direction") or AgreementIndicator.Direction.MAX,
        national_value=data.get("national_value"),
        agreed_value=data.get("agreed_value"),
        standard=data.get("standard"),
        standard_code=(data.get("standard_code") or "").strip(),
    )
    indicator.full_clean(exclude=["agreement"])
    return indicator


@transaction.atomic
def add_indicator(*, agreement, actor, **data):
    """Add one indicator; refused (nothing written) when its agreed value is not stricter
    than the national limit in the indicator's direction."""
    agreement = ChainAgreement.objects.select_for_update().get(pk=agreement.pk)
    refuse_if_ended(agreement)
    indicator = build_indicator(agreement, data)
    if agreement.indicators.filter(name=indicator.name).exists():
        raise ValidationError({"name": _("The agreement already holds this indicator.")})
    indicator.save()
    audit.record(
        instance=agreement,
        actor=actor,
        action="chainagreement_indicator_add",
        changes={"indicator": indicator.name},
    )
    return indicator


@transaction.atomic
def remove_indicator(*, indicator, actor):
    agreement = ChainAgreement.objects.select_for_update().get(pk=indicator.agreement_id)
    refuse_if_ended(agreement)
    name = indicator.name
    indicator.delete()
    audit.record(
        instance=agreement,
        actor=actor,
        action="chainagreement_indicator_remove",
        changes={"indicator": name},
    )


@transaction.atomic
def add_supplier(*, agreement, actor, member, joined_on=None):
    agreement = ChainAgreement.objects.select_for_update().get(pk=agreement.pk)
    refuse_if_ended(agreement)
    check_member(member, agreement.cooperative_id, "member")
    if member is None:
        raise ValidationError({"member": _("Name the supplier member unit.")})
    if member.pk == agreement.owner_member_id:
        raise ValidationError(
            {"member": _("The chain owner is not also one of its own suppliers.")}
        )
    if agreement.suppliers.filter(member=member, left_on__isnull=True).exists():
        raise ValidationError({"member": _("This member unit already supplies under it.")})
    row = ChainSupplier(
        cooperative_id=agreement.cooperative_id,
        agreement=agreement,
        member=member,
        joined_on=joined_on or max(agreement.signed_on, timezone.localdate()),
    )
    row.full_clean()
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # two clicks at once: the other made it
        raise ValidationError(
            {"member": _("This member unit already supplies under it.")}
        ) from None
    audit.record(
        instance=agreement,
        actor=actor,
        action="chainagreement_supplier_add",
        changes={"member": member.pk},
    )
    return row


@transaction.atomic
def remove_supplier(*, supplier, actor, left_on=None):
    """A supplier leaves: its row is kept with the day it left (its batches until then still
    count under the agreement)."""
    agreement = ChainAgreement.objects.select_for_update().get(pk=supplier.agreement_id)
    refuse_if_ended(agreement)
    row = ChainSupplier.objects.select_for_update().get(pk=supplier.pk)
    if row.left_on is not None:
        raise Refused(_("This supplier has already left the agreement."))
    left_on = left_on or timezone.localdate()
    if left_on < row.joined_on:
        raise ValidationError({"left_on": _("A supplier leaves on or after the day it joined.")})
    row.left_on = left_on
    row.save(update_fields=["left_on"])
    audit.record(
        instance=agreement,
        actor=actor,
        action="chainagreement_supplier_remove",
        changes={"member": row.member_id, "left_on": left_on.isoformat()},
    )
    return row


@transaction.atomic
def record_audit(
    *, agreement, actor, supplier, audited_on, auditor, findings, result, correction_due_on=None
):
    """The owner's audit of one of the agreement's suppliers, while it is in force."""
    agreement = ChainAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != Status.IN_FORCE:
        raise Refused(
            _("Audits are recorded under an agreement in force; this one is %(status)s.")
            % {"status": agreement.get_status_display()}
        )
    if supplier is None or not agreement.suppliers.filter(member=supplier).exists():
        raise ValidationError({"supplier": _("Choose one of the agreement's suppliers.")})
    row = SupplierAudit(
        cooperative_id=agreement.cooperative_id,
        agreement=agreement,
        supplier=supplier,
        audited_on=audited_on,
        auditor=(auditor or "").strip(),
        findings=(findings or "").strip(),
        result=result,
        correction_due_on=correction_due_on,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    row.full_clean()
    row.save()
    audit.record(instance=row, actor=actor, action="supplieraudit_record")
    return row


# The agreement's steps


def brought_into_force(agreement, *, actor, reason=""):
    if not agreement.suppliers.filter(left_on__isnull=True).exists():
        raise ValidationError(
            {"suppliers": _("Add at least one supplier before it comes into force.")}
        )
    if not agreement.indicators.exists():
        raise ValidationError(
            {"indicators": _("Add at least one agreed indicator before it comes into force.")}
        )


def ended(agreement, *, actor, reason="", ended_on=None):
    day = ended_on or timezone.localdate()
    if isinstance(day, datetime.datetime):
        day = day.date()
    if day < agreement.signed_on:
        raise ValidationError(
            {"ended_on": _("An agreement ends on or after the day it was signed.")}
        )
    if day > timezone.localdate():
        raise ValidationError(
            {"ended_on": _("An agreement cannot be ended on a day still to come.")}
        )
    # Its suppliers leave with it: none may have joined after the day it ends.
    latest = (
        agreement.suppliers.filter(left_on__isnull=True)
        .order_by("-joined_on")
        .values_list("joined_on", flat=True)
        .first()
    )
    if latest is not None and day < latest:
        raise ValidationError(
            {
                "ended_on": _(
                    "A supplier joined on %(joined)s: the agreement ends on that day or later."
                )
                % {"joined": latest.isoformat()}
            }
        )
    agreement.ended_on = day
    ChainSupplier.objects.filter(agreement=agreement, left_on__isnull=True).update(left_on=day)


def bring_into_force(*, agreement, actor, check_who=True):
    return AGREEMENT.take("bring_into_force", agreement, actor=actor, check_who=check_who)


def end(*, agreement, actor, reason="", ended_on=None, check_who=True):
    return AGREEMENT.take(
        "end", agreement, actor=actor, check_who=check_who, reason=reason, ended_on=ended_on
    )


class AgreementInput(serializers.Serializer):
    reason = step_text(gettext_lazy("reason"), required=False)
    ended_on = serializers.DateField(
        label=pgettext_lazy("chains", "ended on"), required=False, allow_null=True, default=None
    )


STAFF = Party.ADMINISTRATOR

AGREEMENT = Workflow(
    name="chain_agreement",
    model=ChainAgreement,
    noun=gettext_lazy("a quality-consistency agreement"),
    input=AgreementInput,
    member_path="owner_member",
    steps=[
        step(
            "draft",
            pgettext_lazy("chains", "Draft"),
            pgettext_lazy("chains", "draft"),
            (),
            Status.DRAFT,
            (),
            done=pgettext_lazy("chains", "drafted"),
        ),
        step(
            "bring_into_force",
            gettext_lazy("Bring into force"),
            gettext_lazy("bring into force"),
            [Status.DRAFT],
            Status.IN_FORCE,
            STAFF,
            brought_into_force,
            done=gettext_lazy("brought into force"),
        ),
        step(
            "end",
            pgettext_lazy("chains", "End"),
            pgettext_lazy("chains", "end"),
            [Status.IN_FORCE],
            Status.ENDED,
            STAFF,
            ended,
            fields=("ended_on", "reason"),
            destructive=True,
            done=pgettext_lazy("chains", "ended"),
        ),
    ],
)
