"""A batch's way through: requested → approved (cost reserved) or rejected → sampled and sealed
→ received by the lab → results entered → verified by a second person → report issued (cost
settled) → closed. A failure leads to a rectification notice, the member's answer and a
re-inspection; the member may object within 15 days of the report. Each step checks the
batch's status and refuses, saying why, when it does not allow it."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import audit, transitions
from coop.models import Role
from members.models import Member
from members.services.errors import Refused
from standards.selectors import visible_standards
from standards.verdicts import FAIL, UnreadableResult, verdict
from testing_fund.models import Batch, Fund, LabPrice, Objection, Rectification, Result
from testing_fund.services import fund as money

Status = Batch.Status
OBJECTION_DAYS = 15
# The free quota counts a member's own requests; supervisory samples and re-inspections are
# the bureau's, not the member's.
QUOTA_KINDS = [Batch.Kind.REQUEST]
NOT_SPENT = [Status.REQUESTED, Status.REJECTED, Status.CANCELLED]


def locked(batch, *allowed, action):
    """The batch, locked, if its status allows ``action``; else a refusal naming both."""
    batch = Batch.objects.select_for_update().select_related("member", "lab").get(pk=batch.pk)
    if batch.status not in allowed:
        raise Refused(
            _("Cannot %(action)s a batch that is %(status)s.")
            % {"action": action, "status": batch.get_status_display()}
        )
    return batch


def move(batch, status, actor, action, reason="", fields=()):
    return transitions.move(batch, status, actor, f"batch_{action}", reason, fields)


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
    batch = locked(batch, Status.REQUESTED, action=_("approve"))
    check_quota(batch, fund)
    if not batch.paid_by_member:
        money.reserve(batch=batch, fund=fund, actor=actor)
    return move(batch, Status.APPROVED, actor, "approve")


@transaction.atomic
def reject(*, batch, actor, reason):
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: the member reads it.")})
    batch = locked(batch, Status.REQUESTED, action=_("reject"))
    return move(batch, Status.REJECTED, actor, "reject", reason.strip())


@transaction.atomic
def cancel(*, batch, actor, reason):
    batch = locked(batch, Status.REQUESTED, Status.APPROVED, Status.SAMPLED, action=_("cancel"))
    money.release(batch=batch, actor=actor, reason=reason)
    return move(batch, Status.CANCELLED, actor, "cancel", reason)


@transaction.atomic
def sample(*, batch, actor, seal_number, samplers, sampling_place, backup_kept, sampled_at=None):
    """Sampled at random from stock, sealed, signed by two samplers (a backup kept)."""
    names = [
        name for name in samplers.replace("，", ",").replace("、", ",").split(",") if name.strip()
    ]
    errors = {}
    if len(names) < 2:
        errors["samplers"] = _("Name at least two samplers.")
    if not seal_number.strip():
        errors["seal_number"] = _("Give the seal number.")
    if errors:
        raise ValidationError(errors)
    batch = locked(batch, Status.APPROVED, action=_("record the sampling of"))
    batch.seal_number, batch.samplers = seal_number.strip(), "、".join(n.strip() for n in names)
    batch.sampling_place, batch.backup_kept = sampling_place, backup_kept
    batch.sampled_at = sampled_at or timezone.now()
    fields = ["seal_number", "samplers", "sampling_place", "backup_kept", "sampled_at"]
    return move(batch, Status.SAMPLED, actor, "sample", fields=fields)


def check_lab(batch, actor):
    if actor.role != Role.LAB_TECHNICIAN or actor.institution_id != batch.lab_id:
        raise Refused(_("Only %(lab)s, the batch's lab, does this.") % {"lab": batch.lab.name})


@transaction.atomic
def receive(*, batch, actor):
    batch = locked(batch, Status.SAMPLED, action=_("receive"))
    check_lab(batch, actor)
    return move(batch, Status.RECEIVED, actor, "receive")


@transaction.atomic
def enter_results(*, batch, actor, values):
    """The lab's readings, {indicator code: raw}; every indicator is judged by the standard,
    and a reading that cannot be read is refused, naming its indicator."""
    batch = locked(batch, Status.RECEIVED, Status.ENTERED, action=_("enter the results of"))
    check_lab(batch, actor)
    results = list(batch.results.select_related("indicator"))
    errors = {}
    for result in results:
        raw = str(values.get(result.indicator.code, "")).strip()
        if not raw:
            errors[result.indicator.code] = _("Enter the result of %(indicator)s.") % {
                "indicator": result.indicator.name
            }
            continue
        try:
            judged = verdict(result.indicator, batch.standard, batch.safety_category, raw)
        except (UnreadableResult, ValidationError) as error:
            errors[result.indicator.code] = error.messages
            continue
        result.raw, result.verdict, result.explanation = raw, judged.result, judged.explanation
    if errors:
        raise ValidationError(errors)
    Result.objects.bulk_update(results, ["raw", "verdict", "explanation"])
    batch.entered_by = actor
    return move(batch, Status.ENTERED, actor, "enter", fields=["entered_by"])


@transaction.atomic
def verify(*, batch, actor):
    """A second person checks the results: never the one who entered them."""
    batch = locked(batch, Status.ENTERED, action=_("verify"))
    if actor.pk == batch.entered_by_id:
        raise Refused(_("A second person verifies the results, not the one who entered them."))
    if actor.role == Role.LAB_TECHNICIAN:
        check_lab(batch, actor)
    batch.verified_by = actor
    batch.passed = not batch.results.filter(verdict=FAIL).exists()
    return move(batch, Status.VERIFIED, actor, "verify", fields=["verified_by", "passed"])


@transaction.atomic
def report(*, batch, actor):
    """Issue the report: settle the cost; the PDF is rendered and sent by a task after commit."""
    from testing_fund.tasks import issue_test_report

    batch = locked(batch, Status.VERIFIED, action=_("issue the report of"))
    money.settle(batch=batch, actor=actor)
    batch.reported_on = timezone.localdate()
    batch.results.update(reported_on=batch.reported_on)
    move(batch, Status.REPORTED, actor, "report", fields=["reported_on"])
    issue_test_report.delay_on_commit(batch.cooperative_id, batch.pk)
    return batch


@transaction.atomic
def close(*, batch, actor):
    batch = locked(batch, Status.REPORTED, action=_("close"))
    if Objection.objects.filter(batch=batch, decision=Objection.Decision.PENDING).exists():
        raise Refused(_("Decide the member's objection before closing the batch."))
    return move(batch, Status.CLOSED, actor, "close")


@transaction.atomic
def notify_rectification(*, batch, actor, notice, due_on):
    batch = locked(
        batch, Status.REPORTED, Status.CLOSED, action=_("send a rectification notice for")
    )
    if batch.passed:
        raise Refused(_("The batch passed: there is nothing to rectify."))
    rectification = Rectification(
        cooperative_id=batch.cooperative_id, batch=batch, notice=notice, due_on=due_on
    )
    rectification.full_clean()
    rectification.save()
    audit.record(instance=batch, actor=actor, action="batch_rectification_notice")
    return rectification


@transaction.atomic
def answer_rectification(*, batch, actor, answer):
    rectification = Rectification.objects.select_for_update().filter(batch=batch).first()
    if rectification is None:
        raise Refused(_("There is no rectification notice to answer."))
    if rectification.answered_at:
        raise Refused(_("The rectification notice has been answered already."))
    if not answer.strip():
        raise ValidationError({"answer": _("Say what was rectified.")})
    rectification.answer, rectification.answered_at = answer.strip(), timezone.now()
    rectification.save(update_fields=["answer", "answered_at"])
    audit.record(instance=batch, actor=actor, action="batch_rectification_answer")
    return rectification


@transaction.atomic
def reinspect(*, batch, actor):
    """A re-inspection of a failed batch: the first one after the member has rectified is free
    (paid by the fund); any other is the member's to pay."""
    failed = (
        Batch.objects.select_for_update()
        .select_related("member", "lab", "standard")
        .get(pk=batch.pk)
    )
    if failed.passed is not False:
        raise Refused(_("Only a failed batch is re-inspected."))
    rectified = Rectification.objects.filter(batch=failed).exclude(answered_at=None).exists()
    first = not failed.reinspections.exclude(status__in=NOT_SPENT).exists()
    free = rectified and first
    indicators = [result.indicator for result in failed.results.select_related("indicator")]
    return request_batch(
        member=failed.member,
        actor=actor,
        standard=failed.standard,
        lab=failed.lab,
        indicators=indicators,
        kind=Batch.Kind.REINSPECTION,
        product=failed.product,
        safety_category=failed.safety_category,
        chain_role=failed.chain_role,
        reinspection_of=failed,
        free_reinspection=free,
        paid_by_member=not free,
    )


@transaction.atomic
def object_to(*, batch, actor, reason):
    """The member objects to a report within 15 days of it."""
    batch = locked(batch, Status.REPORTED, action=_("object to"))
    if timezone.localdate() > batch.reported_on + timedelta(days=OBJECTION_DAYS):
        raise Refused(
            _(
                "An objection is filed within %(days)d days of the report; this one was "
                "issued on %(date)s."
            )
            % {"days": OBJECTION_DAYS, "date": batch.reported_on}
        )
    if Objection.objects.filter(batch=batch).exists():
        raise Refused(_("An objection to this report has been filed already."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what you object to.")})
    objection = Objection.objects.create(
        cooperative_id=batch.cooperative_id, batch=batch, reason=reason.strip()
    )
    audit.record(instance=batch, actor=actor, action="batch_objection")
    return objection


@transaction.atomic
def decide_objection(*, batch, actor, upheld, reason):
    objection = Objection.objects.select_for_update().filter(batch=batch).first()
    if objection is None or objection.decision != Objection.Decision.PENDING:
        raise Refused(_("There is no pending objection to decide."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    objection.decision = Objection.Decision.UPHELD if upheld else Objection.Decision.DISMISSED
    objection.decision_reason, objection.decided_at = reason.strip(), timezone.now()
    objection.save(update_fields=["decision", "decision_reason", "decided_at"])
    audit.record(instance=batch, actor=actor, action="batch_objection_decision")
    return objection
