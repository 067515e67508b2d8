"""The fund's money. Every movement is an append-only ledger entry written here: a batch's
cost is reserved when it is approved, and released and settled at its actual cost when its
report is issued (or released alone if it is cancelled)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, Q, Sum
from django.utils.translation import gettext as _

from coop import audit, periods
from coop.errors import Refused
from coop.figures import thousands
from testing_fund.models import YUAN, Appropriation, Fund, LedgerEntry

# The most a fund's sums may reach: the ledger's column, into which the funds list, the fund
# page, the statistics and the dashboard read them (a larger sum would fail to read).
LARGEST = Decimal(10) ** (YUAN["max_digits"] - YUAN["decimal_places"]) - Decimal(1).scaleb(
    -YUAN["decimal_places"]
)
# Summed wide, so a check reads even a sum that went past the column before it was enforced.
WIDE = DecimalField(max_digits=30, decimal_places=YUAN["decimal_places"])


def open_fund(*, cooperative, year):
    """The cooperative's fund of ``year``, opened on first use. Call it in the transaction of
    what it is opened for, after that is checked, so a refusal leaves no empty fund behind."""
    fund, _created = Fund.objects.get_or_create(
        cooperative=cooperative, year=periods.check_year(year)
    )
    return fund


def check_the_sums(fund, amount):
    """Money in (appropriations and adjustments) and the balance, with ``amount`` added, stay
    within the column; every other sum of the ledger (spent, held) is smaller than money in.
    The caller holds the fund's lock."""
    kinds = [LedgerEntry.Kind.APPROPRIATION, LedgerEntry.Kind.ADJUSTMENT]
    totals = LedgerEntry.objects.filter(fund=fund).aggregate(
        money_in=Sum("amount", filter=Q(kind__in=kinds), output_field=WIDE),
        balance=Sum("amount", output_field=WIDE),
    )
    if any((total or 0) + amount > LARGEST for total in totals.values()):
        raise ValidationError(
            {
                "amount": _(
                    "With this amount the fund would hold more than ¥%(most)s, the most its "
                    "ledger records."
                )
                % {"most": thousands(LARGEST)}
            }
        )


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
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    check_the_sums(fund, amount)
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
    check_the_sums(fund, amount)
    balance = LedgerEntry.objects.filter(fund=fund).aggregate(
        total=Sum("amount", output_field=WIDE)
    )["total"] or Decimal("0.00")
    if balance + amount < 0:
        raise Refused(
            _("The fund has ¥%(balance)s: it cannot go below zero.")
            % {"balance": thousands(balance)}
        )
    return LedgerEntry.objects.create(
        cooperative_id=fund.cooperative_id,
        fund=fund,
        actor=actor,
        kind=LedgerEntry.Kind.ADJUSTMENT,
        amount=amount,
        reason=reason.strip(),
    )


def reserve(*, batch, fund, actor):
    """Hold the batch's cost; the caller has locked ``fund`` (select_for_update)."""
    balance = fund.balance()
    if batch.cost > balance:
        raise Refused(
            _("The fund has ¥%(balance)s left; this batch costs ¥%(cost)s.")
            % {"balance": thousands(balance), "cost": thousands(batch.cost)}
        )
    return LedgerEntry.objects.create(
        cooperative_id=batch.cooperative_id,
        fund=fund,
        batch=batch,
        actor=actor,
        kind=LedgerEntry.Kind.RESERVATION,
        amount=-batch.cost,
    )


def reserved(batch):
    entry = LedgerEntry.objects.filter(batch=batch, kind=LedgerEntry.Kind.RESERVATION).first()
    return -entry.amount if entry else None


def release(*, batch, actor, reason=""):
    """Give back what was held for the batch (it was cancelled, or is being settled)."""
    held = reserved(batch)
    if held is None:
        return None
    return LedgerEntry.objects.create(
        cooperative_id=batch.cooperative_id,
        fund_id=batch.fund_id,
        batch=batch,
        actor=actor,
        kind=LedgerEntry.Kind.RELEASE,
        amount=held,
        reason=reason,
    )


def settle(*, batch, actor):
    """The report is issued: the hold becomes spending at the batch's actual cost."""
    if reserved(batch) is None:
        return None  # a re-inspection the member pays: the fund spends nothing
    release(batch=batch, actor=actor)
    return LedgerEntry.objects.create(
        cooperative_id=batch.cooperative_id,
        fund_id=batch.fund_id,
        batch=batch,
        actor=actor,
        kind=LedgerEntry.Kind.SETTLEMENT,
        amount=-batch.cost,
    )
