"""The fund's money and the first steps of a batch: request, approve (reserving the cost),
reject. Every movement of money is an append-only ledger entry written here."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import audit
from members.models import Member
from members.services.errors import Refused
from standards.selectors import visible_standards
from testing_fund.models import Appropriation, Batch, Fund, LabPrice, LedgerEntry, Result

# The free quota counts a member's own requests; supervisory samples and re-inspections are
# the bureau's, not the member's.
QUOTA_KINDS = [Batch.Kind.REQUEST]
NOT_SPENT = [Batch.Status.REQUESTED, Batch.Status.REJECTED, Batch.Status.CANCELLED]


def yuan(amount):
    return f"¥{Decimal(amount):,.2f}"


@transaction.atomic
def appropriate(*, fund, actor, source, amount, on, document_number=""):
    appropriation = Appropriation(
        cooperative_id=fund.cooperative_id,
        fund=fund,
        source=source,
        amount=amount,
        on=on,
        document_number=document_number,
    )
    appropriation.full_clean()
    appropriation.save()
    LedgerEntry.objects.create(
        cooperative_id=fund.cooperative_id,
        fund=fund,
        actor=actor,
        kind=LedgerEntry.Kind.APPROPRIATION,
        amount=amount,
        appropriation=appropriation,
    )
    audit.record(instance=appropriation, actor=actor, action="fund_appropriation")
    return appropriation


@transaction.atomic
def adjust(*, fund, actor, amount, reason):
    """Correct the fund by a signed amount, with the reason; never below zero."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the adjustment.")})
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if fund.balance() + amount < 0:
        raise Refused(
            _("The fund has %(balance)s: it cannot go below zero.")
            % {"balance": yuan(fund.balance())}
        )
    return LedgerEntry.objects.create(
        cooperative_id=fund.cooperative_id,
        fund=fund,
        actor=actor,
        kind=LedgerEntry.Kind.ADJUSTMENT,
        amount=amount,
        reason=reason.strip(),
    )


def price_results(lab, indicators):
    """Results to enter, one per indicator, at the lab's price; an unpriced indicator is named."""
    prices = {
        p.indicator_id: p.price
        for p in LabPrice.objects.filter(institution=lab, indicator__in=indicators)
    }
    missing = [indicator.name for indicator in indicators if indicator.pk not in prices]
    if missing:
        raise ValidationError(
            {
                "indicators": _("%(lab)s has no price for: %(indicators)s.")
                % {"lab": lab.name, "indicators": "、".join(missing)}
            }
        )
    return [(indicator, prices[indicator.pk]) for indicator in indicators]


@transaction.atomic
def request_batch(
    *, member, actor, standard, lab, indicators=None, kind=Batch.Kind.REQUEST, **fields
):
    """A batch to test; indicators default to those the standard limits for the category."""
    if member.status not in (Member.Status.ACTIVE, Member.Status.SUSPENDED):
        raise Refused(_("Only a member unit of the cooperative has its products tested."))
    if not visible_standards({member.cooperative_id}).filter(pk=standard.pk).exists():
        raise ValidationError(
            {"standard": _("%(code)s is not in the catalogue.") % {"code": standard.code}}
        )
    if not lab.cooperatives.filter(pk=member.cooperative_id).exists():
        raise ValidationError(
            {"lab": _("%(lab)s does not serve this cooperative.") % {"lab": lab.name}}
        )
    category = fields.get("safety_category", "")
    if indicators is None:
        indicators = [
            limit.indicator
            for limit in standard.limits.select_related("indicator")
            if limit.category in (category, "")
        ]
    if not indicators:
        raise ValidationError({"indicators": _("Choose at least one indicator to test.")})
    priced = price_results(lab, list({i.pk: i for i in indicators}.values()))
    fund, _created = Fund.objects.get_or_create(
        cooperative_id=member.cooperative_id, year=timezone.localdate().year
    )
    batch = Batch(
        cooperative_id=member.cooperative_id,
        member=member,
        fund=fund,
        kind=kind,
        standard=standard,
        lab=lab,
        cost=sum(price for _i, price in priced),
        **fields,
    )
    batch.full_clean()
    batch.save()
    Result.objects.bulk_create(
        Result(cooperative_id=batch.cooperative_id, batch=batch, indicator=indicator, price=price)
        for indicator, price in priced
    )
    audit.record(instance=batch, actor=actor, action="batch_request")
    return batch


def check_quota(batch, fund):
    if batch.kind not in QUOTA_KINDS:
        return
    used = (
        Batch.objects.filter(fund=fund, member=batch.member_id, kind__in=QUOTA_KINDS)
        .exclude(status__in=NOT_SPENT)
        .exclude(pk=batch.pk)
        .count()
    )
    if used >= fund.free_quota:
        raise Refused(
            _("%(member)s has used its %(quota)d free batches of %(year)d; this one is over quota.")
            % {"member": batch.member.name, "quota": fund.free_quota, "year": fund.year}
        )


@transaction.atomic
def approve(*, batch, actor):
    """Approve a requested batch and reserve its cost. Approvals of one fund wait for each other
    on the fund's row, so two can never spend the same money."""
    fund = Fund.objects.select_for_update().get(pk=batch.fund_id)
    batch = Batch.objects.select_for_update().select_related("member").get(pk=batch.pk)
    if batch.status != Batch.Status.REQUESTED:
        raise Refused(
            _("Only a requested batch is approved; this one is %(status)s.")
            % {"status": batch.get_status_display()}
        )
    check_quota(batch, fund)
    balance = fund.balance()
    if batch.cost > balance:
        raise Refused(
            _("The fund has %(balance)s left; this batch costs %(cost)s.")
            % {"balance": yuan(balance), "cost": yuan(batch.cost)}
        )
    LedgerEntry.objects.create(
        cooperative_id=batch.cooperative_id,
        fund=fund,
        batch=batch,
        actor=actor,
        kind=LedgerEntry.Kind.RESERVATION,
        amount=-batch.cost,
    )
    batch.status = Batch.Status.APPROVED
    batch.save(update_fields=["status"])
    audit.record(instance=batch, actor=actor, action="batch_approve")
    return batch


@transaction.atomic
def reject(*, batch, actor, reason):
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: the member reads it.")})
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != Batch.Status.REQUESTED:
        raise Refused(
            _("Only a requested batch is rejected; this one is %(status)s.")
            % {"status": batch.get_status_display()}
        )
    batch.status = Batch.Status.REJECTED
    batch.save(update_fields=["status"])
    audit.record(instance=batch, actor=actor, action="batch_reject", reason=reason.strip())
    return batch
