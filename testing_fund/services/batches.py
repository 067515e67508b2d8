"""A batch's way through: requested → approved (cost reserved) or rejected → sampled and sealed
→ received by the lab → results entered → verified by a second person → report issued (cost
settled) → closed. A failure leads to a rectification notice, the member's answer and a
re-inspection; the member may object within 15 days of the report.

Every step is declared once, at the bottom (``BATCH``, ``RECTIFICATION``, ``REPORT_OBJECTION``):
the workflow locks the row, checks who takes the step and the status, and refuses naming both;
the functions here are the bodies, holding only what is particular to each step. The public
functions (``approve(batch=…, actor=…)`` …) take the declared steps."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, DateField, Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.functions import Now, TruncDate
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from coop import attachments, objections, periods
from coop.errors import Refused
from coop.models import Attachment
from coop.roles import Party
from coop.workflow import Workflow, step
from coop.workflow_api import step_text
from members.models import Member
from standards import exemptions
from standards.selectors import visible_standards
from standards.verdicts import FAIL, UnreadableResult, verdict
from testing_fund.models import Batch, Fund, Objection, Rectification, Result
from testing_fund.prices import price_results
from testing_fund.reports import issue_test_report
from testing_fund.sampling_sheets import issue_sampling_sheet
from testing_fund.services import corrections
from testing_fund.services import fund as money

Status = Batch.Status
OBJECTION_DAYS = 15
# The free quota counts a member's own requests; supervisory samples and re-inspections are
# the bureau's, not the member's.
QUOTA_KINDS = [Batch.Kind.REQUEST]
NOT_SPENT = [Status.REQUESTED, Status.REJECTED, Status.CANCELLED]
# A re-inspection still under way: a failed batch has one at a time (the database's
# ``one_open_reinspection_per_failed_batch``); one never tested gives back the free right.
OPEN = [
    Status.REQUESTED,
    Status.APPROVED,
    Status.SAMPLED,
    Status.RECEIVED,
    Status.ENTERED,
    Status.VERIFIED,
]
NEVER_TESTED = [Status.REJECTED, Status.CANCELLED]


@transaction.atomic
def request_batch(
    *, member, actor, standard, lab, indicators=None, kind=Batch.Kind.REQUEST, **fields
):
    """A batch to test; indicators default to those the standard limits for the category. An
    indicator the batch's exemptions take out (``standards.exemptions``: undyed or bleached,
    hanging decorative …) is neither tested nor charged, whether by default or chosen."""
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
    try:
        fields["exemptions"] = exemptions.check(fields.get("exemptions"))
    except ValidationError as error:
        raise ValidationError({"exemptions": error.messages}) from None
    exempt = exemptions.exempted(indicators, fields["exemptions"])
    indicators = [indicator for indicator in indicators if indicator not in exempt]
    if not indicators:
        raise ValidationError({"indicators": _("Choose at least one indicator to test.")})
    priced = price_results(lab, list({i.pk: i for i in indicators}.values()))
    batch = Batch(
        cooperative_id=member.cooperative_id,
        member=member,
        kind=kind,
        standard=standard,
        lab=lab,
        cost=sum(price for _i, price in priced),
        **fields,
    )
    # The request is checked before the year's fund is opened for it: a refused request
    # leaves nothing behind (and the transaction would undo it anyway).
    batch.full_clean(exclude=["fund"])
    check_free_left(batch)
    batch.fund, _created = Fund.objects.get_or_create(
        cooperative_id=member.cooperative_id, year=timezone.localdate().year
    )
    batch.save()
    Result.objects.bulk_create(
        Result(cooperative_id=batch.cooperative_id, batch=batch, indicator=indicator, price=price)
        for indicator, price in priced
    )
    details = {"reinspection_of": batch.reinspection_of_id} if batch.reinspection_of_id else {}
    BATCH.record(batch, "request", actor=actor, details=details)
    return batch


def spent_free(fund):
    """The batches counted against the fund's free quota: the members' own requests the fund
    pays for, once approved (the one rule ``check_quota`` and ``free_batches`` share)."""
    return Batch.objects.filter(fund=fund, kind__in=QUOTA_KINDS, paid_by_member=False).exclude(
        status__in=NOT_SPENT
    )


def check_quota(batch, fund):
    # A test the member pays for itself draws nothing from the fund: never refused for, nor
    # counted against, the free quota.
    if batch.kind not in QUOTA_KINDS or batch.paid_by_member:
        return
    used = spent_free(fund).filter(member=batch.member_id).exclude(pk=batch.pk).count()
    if used >= fund.free_quota:
        raise Refused(
            _("%(member)s has used its %(quota)d free batches of %(year)d; this one is over quota.")
            % {"member": batch.member.name, "quota": fund.free_quota, "year": fund.year}
        )


def check_free_left(batch):
    """At request time: a fund-paid request from a member with no free test left this year is
    refused onto ``paid_by_member``, offering that path. Requests not yet approved are not
    counted (as ``free_batches``), so approval's ``check_quota`` stays the backstop."""
    if batch.kind not in QUOTA_KINDS or batch.paid_by_member:
        return
    left, quota = free_batches(batch.member, timezone.localdate().year)
    if left == 0:
        raise ValidationError(
            {
                "paid_by_member": _(
                    "%(member)s has no free test left this year (%(quota)d a year): mark the "
                    "request paid by the member (paid_by_member) to have it tested at the "
                    "unit's own expense."
                )
                % {"member": batch.member.name, "quota": quota}
            }
        )


def free_batches_by_member(cooperative, year):
    """``{member pk: free batches left}`` for the cooperative's members with any counted in
    ``year``, and the quota every other member has left whole. Two queries, for a choice list."""
    fund = Fund.objects.filter(cooperative=cooperative, year=year).first()
    if fund is None:
        return {}, Fund._meta.get_field("free_quota").default
    used = spent_free(fund).values("member").annotate(n=Count("pk")).order_by()
    return {row["member"]: max(fund.free_quota - row["n"], 0) for row in used}, fund.free_quota


def free_batches_left(member, year):
    """The free batches ``member`` may still have tested in ``year``: the fund's quota less its
    own requests counted as ``check_quota`` counts them. A year without a fund yet (opened by
    its first request) has the quota a new fund gets. Two queries."""
    return free_batches(member, year)[0]


def free_batches(member, year):
    """``(left, quota)``: the free batches left, as ``free_batches_left``, and the year's quota
    they are counted from (a page saying "used up" says of how many). Two queries."""
    fund = Fund.objects.filter(cooperative_id=member.cooperative_id, year=year).first()
    if fund is None:
        quota = Fund._meta.get_field("free_quota").default
        return quota, quota
    used = spent_free(fund).filter(member=member).count()
    return max(fund.free_quota - used, 0), fund.free_quota


# The bodies of the steps: each runs on the batch locked by the workflow, after its checks.


def reserve_the_cost(batch, *, actor):
    """Reserve the cost. Approvals of one fund wait for each other on the fund's row, so two
    can never spend the same money."""
    fund = Fund.objects.select_for_update().get(pk=batch.fund_id)
    check_quota(batch, fund)
    if not batch.paid_by_member:
        money.reserve(batch=batch, fund=fund, actor=actor)


def require_a_reason(batch, *, actor, reason=""):
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: the member reads it.")})


def release_the_cost(batch, *, actor, reason=""):
    money.release(batch=batch, actor=actor, reason=reason.strip())


# What rejecting or cancelling will do, said on the batch's page before it is taken. They read
# only the row (its member is loaded with it): a batch never tested does not count against the
# member's free batches (``NOT_SPENT``), and cancelling gives back what approval held.
def rejecting(batch):
    return _(
        "%(product)s will not be tested; it does not count against the free batches of "
        "“%(member)s”, and the member reads the reason."
    ) % {"product": batch.product, "member": batch.member.name}


def cancelling(batch):
    said = _(
        "%(product)s will not be tested; it does not count against the free batches of "
        "“%(member)s”."
    ) % {"product": batch.product, "member": batch.member.name}
    if batch.status in (Status.APPROVED, Status.SAMPLED) and not batch.paid_by_member:
        said += " " + _("The ¥%(cost)s held for it go back to the fund.") % {"cost": batch.cost}
    return said


def record_the_sampling(
    batch,
    *,
    actor,
    seal_number="",
    samplers="",
    sampling_place="",
    backup_kept=False,
    sampled_product="",
    lot_number="",
    quantity="",
    member_signatory="",
    sample_photos=(),
    seal_photos=(),
):
    """Sampled at random from stock, sealed, signed by two samplers (a backup kept). What was
    actually taken is recorded: the product (the one requested or booked, unless said), and
    the lot and quantity where given (they replace the request's); who signed the sheet for
    the member; photos of the sample and its seal, kept as attachments of the batch. The
    sampling sheet (抽样单) is issued by a task after commit."""
    names = [
        name for name in samplers.replace("，", ",").replace("、", ",").split(",") if name.strip()
    ]
    errors = {}
    if len(names) < 2:
        errors["samplers"] = _("Name at least two samplers.")
    if not seal_number.strip():
        errors["seal_number"] = _("Give the seal number.")
    if not (sampled_product.strip() or batch.product.strip()):
        # A round books a member with no declared or registered product for no product.
        errors["sampled_product"] = _("Name the product taken: none was booked.")
    taken = {
        "seal_number": seal_number.strip(),
        "samplers": "、".join(n.strip() for n in names),
        "sampling_place": sampling_place.strip(),
        "sampled_product": sampled_product.strip() or batch.product,
        "lot_number": lot_number.strip() or batch.lot_number,
        "quantity": quantity.strip() or batch.quantity,
        "member_signatory": member_signatory.strip(),
    }
    for name, value in taken.items():
        longest = Batch._meta.get_field(name).max_length
        if len(value) > longest and name not in errors:
            errors[name] = _("At most %(max)d characters.") % {"max": longest}
    photos = checked_files(errors, sample_photos=sample_photos, seal_photos=seal_photos)
    if errors:
        raise ValidationError(errors)
    for name, value in taken.items():
        setattr(batch, name, value)
    batch.backup_kept = backup_kept
    batch.sampled_at = timezone.now()
    store_files(batch, photos, actor)
    issue_sampling_sheet.delay_on_commit(batch.cooperative_id, batch.pk)


# The fields of files the steps take, by name: their label and what they are.
FILE_FIELDS = {
    "sample_photos": (gettext_lazy("photos of the sample"), Attachment.Purpose.SAMPLE_PHOTO),
    "seal_photos": (gettext_lazy("photos of the seal"), Attachment.Purpose.SEAL_PHOTO),
    "evidence": (gettext_lazy("evidence"), Attachment.Purpose.RECTIFICATION_EVIDENCE),
}


def checked_files(errors, **fields):
    """The files of each field (``name=files``) checked from their content; a refusal goes
    into ``errors`` under the field's name, saying its label. Nothing is stored yet: a step
    checks every field first, so that a refusal writes nothing."""
    checked = []
    for field, files in fields.items():
        label, purpose = FILE_FIELDS[field]
        try:
            checked.append((purpose, attachments.check_all(files, purpose, field, label)))
        except ValidationError as refusal:
            errors.update(refusal.message_dict)
    return checked


def store_files(row, checked, actor):
    for purpose, files in checked:
        attachments.store(row, purpose, files, actor)


def intact():
    """What a receipt records when the lab says nothing of the sample's condition: the report
    is always in Chinese, so the words are kept in Chinese."""
    with translation.override("zh-hans"):
        return _("The sample is intact and its seal unbroken.")


def start_the_clock(batch, *, actor, condition_on_receipt=""):
    """The receipt starts the lab's clock: a batch nobody gave a due date is due the lab's
    turnaround (calendar days) after it. A due date typed with the request is kept. The lab
    says the sample's condition as it found it (GB/T 27025-2019 §7.8.2.1); said nothing, the
    sample was intact and sealed."""
    condition = (condition_on_receipt or "").strip() or intact()
    longest = Batch._meta.get_field("condition_on_receipt").max_length
    if len(condition) > longest:
        raise ValidationError(
            {"condition_on_receipt": _("At most %(max)d characters.") % {"max": longest}}
        )
    batch.condition_on_receipt = condition
    batch.received_on = timezone.localdate()
    if batch.due_on is None:
        batch.due_on = batch.received_on + timedelta(days=batch.lab.turnaround_days)


def testing_dates(batch, tested_from, tested_until):
    """The dates of testing: from the receipt to today when not said; never before the sample
    was received, never in the future, and the end not before the start."""
    today = timezone.localdate()
    tested_from = tested_from or batch.received_on or today
    tested_until = tested_until or today
    errors = {}
    if tested_from > today:
        errors["tested_from"] = _("Testing cannot start in the future.")
    elif batch.received_on and tested_from < batch.received_on:
        errors["tested_from"] = _(
            "Testing cannot start before the sample was received (%(day)s)."
        ) % {"day": batch.received_on.isoformat()}
    if tested_until > today:
        errors["tested_until"] = _("Testing cannot end in the future.")
    elif tested_until < tested_from and "tested_from" not in errors:
        errors["tested_until"] = _("Testing ends on or after the day it started.")
    if errors:
        raise ValidationError(errors)
    return tested_from, tested_until


def judge_the_readings(batch, *, actor, values=None, tested_from=None, tested_until=None):
    """The lab's readings, {indicator code: raw}; every indicator is judged by the standard,
    and a reading that cannot be read is refused, naming its indicator. The dates of testing
    go on the report (``testing_dates``)."""
    values = values or {}
    tested_from, tested_until = testing_dates(batch, tested_from, tested_until)
    results = list(batch.results.select_related("indicator"))
    errors = {}
    for result in results:
        raw = str(values.get(result.indicator.code, "")).strip()
        # An indicator the batch's exemption takes out needs no reading and is not judged.
        exempt = exemptions.exempting(result.indicator.code, batch.exemptions)
        if not raw and not exempt:
            errors[result.indicator.code] = _("Enter the result of %(indicator)s.") % {
                "indicator": result.indicator.name
            }
            continue
        try:
            judged = verdict(
                result.indicator,
                batch.standard,
                batch.safety_category,
                raw,
                exemptions=batch.exemptions,
            )
        except (UnreadableResult, ValidationError) as error:
            errors[result.indicator.code] = error.messages
            continue
        result.raw, result.verdict = raw, judged.result
        # The sentence as a code, written in each reader's language when read.
        result.explanation_code, result.explanation_params = judged.code, judged.params
        result.explanation = ""
    if errors:
        raise ValidationError(errors)
    Result.objects.bulk_update(
        results, ["raw", "verdict", "explanation_code", "explanation_params", "explanation"]
    )
    batch.entered_by, batch.entered_at = actor, timezone.now()
    batch.tested_from, batch.tested_until = tested_from, tested_until


def check_by_a_second_person(batch, *, actor):
    """A second person checks the results: never the one who entered them."""
    if actor.pk == batch.entered_by_id:
        raise Refused(_("A second person verifies the results, not the one who entered them."))
    batch.verified_by, batch.verified_at = actor, timezone.now()
    batch.passed = not batch.results.filter(verdict=FAIL).exists()


def settle_and_issue_the_report(batch, *, actor):
    """Settle the cost; the PDF is rendered and sent by a task after commit."""
    money.settle(batch=batch, actor=actor)
    batch.reported_on = timezone.localdate()
    batch.reported_by = actor  # the report's approver, its third signature
    batch.results.update(reported_on=batch.reported_on)
    issue_test_report.delay_on_commit(batch.cooperative_id, batch.pk)
    if batch.kind == Batch.Kind.RETEST:
        # The re-test's report ends the objection it came from (``corrections``).
        outcome = corrections.conclude_the_retest(batch, actor=actor)
        original = Batch.objects.get(pk=batch.retest_of_id)
        BATCH.record(
            original,
            str(outcome),
            actor=actor,
            from_state=original.status,
            details={"retest": batch.pk},
        )


def send_the_notice(batch, *, actor, notice="", due_on=None):
    rectification = Rectification(
        cooperative_id=batch.cooperative_id, batch=batch, notice=notice.strip(), due_on=due_on
    )
    rectification.full_clean()
    rectification.save()
    return rectification


def request_the_reinspection(failed, *, actor):
    """A re-inspection of a failed batch: the first one after the member has rectified is free
    (paid by the fund); any other is the member's to pay. One that was rejected or cancelled
    was never tested and does not use the free one up; one merely requested does, or a second
    order would be free too. The step's condition keeps one re-inspection under way at a time;
    it runs under the failed batch's lock, so two orders at once are taken one after the other
    and the second is refused. The new batch is requested like any other, with its own
    ``request`` event."""
    rectified = Rectification.objects.filter(
        batch=failed, status=Rectification.Status.ANSWERED
    ).exists()
    first = (
        not failed.reinspections.filter(free_reinspection=True)
        .exclude(status__in=NEVER_TESTED)
        .exists()
    )
    free = rectified and first
    request_batch(
        member=failed.member,
        actor=actor,
        standard=failed.standard,
        lab=failed.lab,
        indicators=[result.indicator for result in failed.results.select_related("indicator")],
        kind=Batch.Kind.REINSPECTION,
        product=failed.product,
        safety_category=failed.safety_category,
        chain_role=failed.chain_role,
        exemptions=failed.exemptions,
        reinspection_of=failed,
        free_reinspection=free,
        paid_by_member=not free,
    )


def file_the_objection(batch, *, actor, reason=""):
    """The member objects to the report (the window is the step's condition)."""
    return objections.file(
        Objection,
        parent=batch,
        parent_field="batch",
        reason=reason,
        open_until=batch.reported_on + timedelta(days=OBJECTION_DAYS),
    )


def record_the_answer(rectification, *, actor, answer="", evidence=()):
    """The member says what was rectified, with its evidence (photos or PDFs) attached."""
    errors = {} if answer.strip() else {"answer": _("Say what was rectified.")}
    files = checked_files(errors, evidence=evidence)
    if errors:
        raise ValidationError(errors)
    rectification.answer, rectification.answered_at = answer.strip(), timezone.now()
    store_files(rectification, files, actor)


# What the steps ask for: one input for the API and the page forms of each workflow.


class FileList(serializers.ListField):
    """Files sent with a form. A file input left empty arrives as an empty string: no file."""

    def to_internal_value(self, data):
        if data in ("", [""]):
            return []
        return super().to_internal_value(data)


def files_field(name):
    """Files a step takes with its form (multipart), checked from their content by the body
    (``coop.attachments``): it says the rule, naming the field, and stores none on a refusal.
    Empty files pass here so that the body says so in its words."""
    label, purpose = FILE_FIELDS[name]
    return FileList(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        label=label,
        help_text=lazy(attachments.rule, str)(purpose),
        required=False,
        default=list,
        style={"input": "file", "accept": accept(purpose)},
    )


def accept(purpose):
    """The file input's ``accept``: the types the purpose takes, for the browser's chooser."""
    return ",".join(kind[0] for kind in attachments.ALLOWED[purpose])


class BatchStepInput(serializers.Serializer):
    # Blank is allowed here so that the step's own rule says what is missing, in its words.
    reason = step_text(gettext_lazy("reason"), required=False, line=True)
    seal_number = step_text(gettext_lazy("seal number"), line=True)
    samplers = serializers.CharField(
        label=gettext_lazy("samplers"),
        help_text=gettext_lazy("two names, separated by 、"),
        required=False,
        allow_blank=True,
        default="",
        style={"input": "line", "required": True},
    )
    sampling_place = step_text(gettext_lazy("sampling place"), required=False, line=True)
    sampled_product = serializers.CharField(
        label=gettext_lazy("product actually taken"),
        help_text=gettext_lazy("if not the product requested"),
        required=False,
        allow_blank=True,
        default="",
        style={"input": "line"},
    )
    lot_number = step_text(gettext_lazy("lot number"), required=False, line=True)
    quantity = step_text(gettext_lazy("quantity"), required=False, line=True)
    member_signatory = step_text(
        gettext_lazy("signed for the member by"), required=False, line=True
    )
    sample_photos = files_field("sample_photos")
    seal_photos = files_field("seal_photos")
    backup_kept = serializers.BooleanField(
        label=gettext_lazy("backup sample kept"),
        required=False,
        default=False,
        style={"input": "checkbox"},
    )
    condition_on_receipt = step_text(
        gettext_lazy("condition of the sample on receipt"),
        required=False,
        line=True,
    )
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text="{indicator code: result as entered}",
    )
    tested_from = periods.DateField(
        label=gettext_lazy("testing started"),
        help_text=gettext_lazy("empty: the day the sample was received"),
        required=False,
        allow_null=True,
        default=None,
    )
    tested_until = periods.DateField(
        label=gettext_lazy("testing ended"),
        help_text=gettext_lazy("empty: today"),
        required=False,
        allow_null=True,
        default=None,
    )
    notice = step_text(gettext_lazy("notice"))
    due_on = periods.DateField(
        label=gettext_lazy("rectify by"),
        required=False,
        allow_null=True,
        default=None,
        style={"required": True},
    )


class RectificationAnswerInput(serializers.Serializer):
    answer = step_text(gettext_lazy("what was rectified"))
    evidence = files_field("evidence")


class ReportObjectionDecisionInput(serializers.Serializer):
    upheld = serializers.BooleanField(
        label=gettext_lazy("decision"),
        style={"true": gettext_lazy("upheld"), "false": gettext_lazy("dismissed")},
    )
    reason = step_text(gettext_lazy("reason"), line=True)


# The declarations

ADMINISTRATOR, MEMBER, LAB = Party.ADMINISTRATOR, Party.MEMBER, Party.LAB
FAILED = Q(passed=False)
# Built at import, outside any scope, with the plain base manager: it reads only the
# re-inspections of the row itself.
NO_REINSPECTION_UNDER_WAY = ~Q(
    Exists(Batch._base_manager.filter(reinspection_of=OuterRef("pk"), status__in=OPEN))
)
# The objection window, in the database's today of the portal's time zone, so that the rows due
# for the member (``due_for``) and the check under the lock agree.
OBJECTION_OPEN = Q(
    reported_on__gte=ExpressionWrapper(
        TruncDate(Now()) - timedelta(days=OBJECTION_DAYS), output_field=DateField()
    )
)


def reinspection_refusal(batch):
    """Why a re-inspection cannot be ordered now: the batch passed, or one is under way."""
    if batch.passed is not False:
        return _("Only a failed batch is re-inspected.")
    under_way = batch.reinspections.filter(status__in=OPEN).first()
    if under_way is None:
        return _("This step is not due now.")
    return _(
        "Batch %(number)s, a re-inspection of this batch, is %(status)s: a failed batch has one "
        "re-inspection under way at a time. Finish or cancel it before ordering another."
    ) % {"number": under_way.pk, "status": under_way.get_status_display()}


def objection_window_refusal(batch):
    if batch.kind == Batch.Kind.RETEST:
        return _("The re-test of the backup sample is final: it is not objected to.")
    return _("An objection to a report is filed once, within %(days)d days of it.") % {
        "days": OBJECTION_DAYS
    }


# A batch whose objection was upheld is closed once its re-test has ended it.
RETEST_UNDER_WAY = Q(objection__decision=Objection.Decision.UPHELD, objection__outcome="")


def closing_refusal(batch):
    if Objection.objects.filter(batch=batch, decision=Objection.Decision.PENDING).exists():
        return _("Decide the member's objection before closing the batch.")
    return _("The re-test of the backup sample is under way: close the batch once it is reported.")


BATCH = Workflow(
    name="batch",
    model=Batch,
    noun=gettext_lazy("batch"),
    input=BatchStepInput,
    lab_path="lab",
    related=("member", "lab", "standard"),
    steps=[
        step(
            "request",
            gettext_lazy("Request a test"),
            gettext_lazy("request a test of"),
            (),  # the batch is made by ``request_batch``, which records it
            Status.REQUESTED,
            (ADMINISTRATOR, MEMBER),
            done=Status.REQUESTED.label,
        ),
        step(
            "book",
            gettext_lazy("Book in a sampling round"),
            gettext_lazy("book"),
            (),  # a round books its batches approved, in bulk (``rounds.confirm_round``)
            Status.APPROVED,
            ADMINISTRATOR,
            done=gettext_lazy("booked by a sampling round"),
        ),
        step(
            "approve",
            gettext_lazy("Approve"),
            gettext_lazy("approve"),
            [Status.REQUESTED],
            Status.APPROVED,
            ADMINISTRATOR,
            reserve_the_cost,
            done=Status.APPROVED.label,
        ),
        step(
            "reject",
            gettext_lazy("Reject"),
            gettext_lazy("reject"),
            [Status.REQUESTED],
            Status.REJECTED,
            ADMINISTRATOR,
            require_a_reason,
            fields=("reason",),
            destructive=True,
            consequence=rejecting,
            done=Status.REJECTED.label,
        ),
        step(
            "cancel",
            gettext_lazy("Cancel"),
            gettext_lazy("cancel"),
            [Status.REQUESTED, Status.APPROVED, Status.SAMPLED],
            Status.CANCELLED,
            ADMINISTRATOR,
            release_the_cost,
            fields=("reason",),
            destructive=True,
            consequence=cancelling,
            done=Status.CANCELLED.label,
        ),
        step(
            "sample",
            gettext_lazy("Record the sampling"),
            gettext_lazy("record the sampling of"),
            [Status.APPROVED],
            Status.SAMPLED,
            ADMINISTRATOR,
            record_the_sampling,
            fields=(
                "sampled_product",
                "lot_number",
                "quantity",
                "seal_number",
                "samplers",
                "sampling_place",
                "backup_kept",
                "member_signatory",
                "sample_photos",
                "seal_photos",
            ),
            done=Status.SAMPLED.label,
        ),
        step(
            "receive",
            gettext_lazy("Receive the sample"),
            gettext_lazy("receive"),
            [Status.SAMPLED],
            Status.RECEIVED,
            LAB,
            start_the_clock,
            fields=("condition_on_receipt",),
            done=Status.RECEIVED.label,
        ),
        step(
            "enter",
            gettext_lazy("Save the results"),
            gettext_lazy("enter the results of"),
            [Status.RECEIVED, Status.ENTERED],
            Status.ENTERED,
            LAB,
            judge_the_readings,
            fields=("values", "tested_from", "tested_until"),
            template="testing_fund/readings.html",
            done=Status.ENTERED.label,
        ),
        step(
            "verify",
            gettext_lazy("Verify the results"),
            gettext_lazy("verify"),
            [Status.ENTERED],
            Status.VERIFIED,
            (ADMINISTRATOR, LAB),
            check_by_a_second_person,
            done=Status.VERIFIED.label,
        ),
        step(
            "report",
            gettext_lazy("Issue the report"),
            gettext_lazy("issue the report of"),
            [Status.VERIFIED],
            Status.REPORTED,
            ADMINISTRATOR,
            settle_and_issue_the_report,
            done=Status.REPORTED.label,
        ),
        step(
            "close",
            gettext_lazy("Close"),
            gettext_lazy("close"),
            [Status.REPORTED],
            Status.CLOSED,
            ADMINISTRATOR,
            when=~Q(objection__decision=Objection.Decision.PENDING) & ~RETEST_UNDER_WAY,
            when_refused=closing_refusal,
            done=Status.CLOSED.label,
        ),
        step(
            "rectification",
            gettext_lazy("Send the rectification notice"),
            gettext_lazy("send a rectification notice for"),
            [Status.REPORTED, Status.CLOSED],
            None,
            ADMINISTRATOR,
            send_the_notice,
            fields=("notice", "due_on"),
            when=Q(passed=False, rectification__isnull=True),
            when_refused=gettext_lazy("A rectification notice is sent once, for a failed batch."),
            done=gettext_lazy("rectification notice sent"),
        ),
        step(
            "reinspect",
            gettext_lazy("Order a re-inspection"),
            gettext_lazy("order a re-inspection of"),
            [Status.REPORTED, Status.CLOSED],
            None,
            ADMINISTRATOR,
            request_the_reinspection,
            when=FAILED & NO_REINSPECTION_UNDER_WAY,
            when_refused=reinspection_refusal,
            done=gettext_lazy("re-inspection ordered"),
        ),
        step(
            "object",
            gettext_lazy("File the objection"),
            gettext_lazy("object to"),
            [Status.REPORTED],
            None,
            MEMBER,
            file_the_objection,
            fields=("reason",),
            when=Q(objection__isnull=True) & OBJECTION_OPEN & corrections.NOT_A_RETEST,
            when_refused=objection_window_refusal,
            done=gettext_lazy("objection filed"),
        ),
        step(
            "withdraw",
            gettext_lazy("Withdraw the report"),
            gettext_lazy("withdraw the report of"),
            [Status.REPORTED, Status.CLOSED],
            None,
            ADMINISTRATOR,
            corrections.withdraw_the_report,
            fields=("reason",),
            required=("reason",),
            when=corrections.REPORT_IN_FORCE,
            when_refused=corrections.withdrawal_refusal,
            destructive=True,
            consequence=corrections.withdrawing,
            done=gettext_lazy("report withdrawn"),
        ),
        step(
            "amend",
            gettext_lazy("Amend the report"),
            gettext_lazy("amend the report of"),
            [Status.REPORTED, Status.CLOSED],
            None,
            ADMINISTRATOR,
            corrections.amend_the_report,
            fields=("reason",),
            required=("reason",),
            when=corrections.REPORT_ISSUED,
            when_refused=corrections.amendment_refusal,
            done=gettext_lazy("report amended: a new edition replaces it"),
        ),
        # Recorded, not taken: an upheld objection orders the re-test (``order_the_retest``),
        # and the re-test's report corrects or confirms the original's.
        step(
            "retest",
            gettext_lazy("Re-test the backup sample"),
            gettext_lazy("re-test"),
            (),
            Status.SAMPLED,
            ADMINISTRATOR,
            done=gettext_lazy("re-test of the backup sample ordered"),
        ),
        step(
            Objection.Outcome.CORRECTED.value,
            gettext_lazy("Correct the report"),
            gettext_lazy("correct the report of"),
            (),
            None,
            ADMINISTRATOR,
            done=gettext_lazy("report corrected by the re-test of the backup sample"),
        ),
        step(
            Objection.Outcome.CONFIRMED.value,
            gettext_lazy("Confirm the report"),
            gettext_lazy("confirm the report of"),
            (),
            None,
            ADMINISTRATOR,
            done=gettext_lazy("report confirmed by the re-test of the backup sample"),
        ),
    ],
)

RECTIFICATION = Workflow(
    name="rectification",
    model=Rectification,
    noun=gettext_lazy("rectification notice"),
    input=RectificationAnswerInput,
    member_path="batch__member",
    related=("batch",),
    steps=[
        step(
            "answer",
            gettext_lazy("Send the rectification answer"),
            gettext_lazy("send the answer to"),
            [Rectification.Status.NOTIFIED],
            Rectification.Status.ANSWERED,
            MEMBER,
            record_the_answer,
            fields=("answer", "evidence"),
            reason="answer",
            done=gettext_lazy("rectification answered"),
        ),
    ],
)


def order_the_retest(objection, *, upheld, actor, **given):
    """What a decision leads to: upheld, a re-test of the kept backup sample, with its own
    event (``corrections.start_the_retest``); dismissed, nothing beyond the record."""
    retest = corrections.start_the_retest(objection, upheld=upheld, actor=actor)
    if retest is not None:
        BATCH.record(retest, "retest", actor=actor, details={"retest_of": retest.retest_of_id})


REPORT_OBJECTION = objections.objection_workflow(
    "report_objection",
    Objection,
    noun=gettext_lazy("objection to a test report"),
    member_path="batch__member",
    input=ReportObjectionDecisionInput,
    consequence=order_the_retest,
)

# Steps offered at a batch's page and address that belong to a row of the batch: its
# rectification notice, and the objection to its report.
RELATED_STEPS = {"answer": RECTIFICATION, "decide": REPORT_OBJECTION}


def rectification_of(batch):
    found = Rectification.objects.filter(batch=batch).first()
    if found is None:
        raise Refused(_("There is no rectification notice to answer."))
    return found


def objection_of(batch):
    found = Objection.objects.filter(batch=batch).first()
    if found is None:
        raise Refused(_("There is no pending objection to decide."))
    return found


def step_of(batch, verb):
    """The workflow of step ``verb`` taken at ``batch``'s page or address, and the row it is
    taken on: the batch, its rectification notice (``answer``) or its report's objection
    (``decide``); a refusal when that row does not exist."""
    if verb == "answer":
        return RECTIFICATION, rectification_of(batch)
    if verb == "decide":
        return REPORT_OBJECTION, objection_of(batch)
    return BATCH, batch


# The steps as services, for tasks, demo data and tests.


def approve(*, batch, actor):
    return BATCH.take("approve", batch, actor=actor)


def reject(*, batch, actor, reason):
    return BATCH.take("reject", batch, actor=actor, reason=reason)


def cancel(*, batch, actor, reason=""):
    return BATCH.take("cancel", batch, actor=actor, reason=reason)


def sample(*, batch, actor, seal_number, samplers, sampling_place, backup_kept, **more):
    """``more``: what else the step takes (``member_signatory``, ``sample_photos``, …)."""
    return BATCH.take(
        "sample",
        batch,
        actor=actor,
        seal_number=seal_number,
        samplers=samplers,
        sampling_place=sampling_place,
        backup_kept=backup_kept,
        **more,
    )


def receive(*, batch, actor, condition_on_receipt=""):
    return BATCH.take("receive", batch, actor=actor, condition_on_receipt=condition_on_receipt)


def enter_results(*, batch, actor, values, tested_from=None, tested_until=None):
    return BATCH.take(
        "enter",
        batch,
        actor=actor,
        values=values,
        tested_from=tested_from,
        tested_until=tested_until,
    )


def verify(*, batch, actor):
    return BATCH.take("verify", batch, actor=actor)


def report(*, batch, actor):
    return BATCH.take("report", batch, actor=actor)


def close(*, batch, actor):
    return BATCH.take("close", batch, actor=actor)


def notify_rectification(*, batch, actor, notice, due_on):
    return BATCH.take("rectification", batch, actor=actor, notice=notice, due_on=due_on)


def reinspect(*, batch, actor):
    """Order a re-inspection of a failed batch: the new batch."""
    with transaction.atomic():
        BATCH.take("reinspect", batch, actor=actor)
        return newest_reinspection(batch)


def newest_reinspection(batch):
    return Batch.objects.filter(reinspection_of=batch).latest("requested_at", "pk")


def object_to(*, batch, actor, reason):
    return BATCH.take("object", batch, actor=actor, reason=reason)


def answer_rectification(*, batch, actor, answer):
    return RECTIFICATION.take("answer", rectification_of(batch), actor=actor, answer=answer)


def decide_objection(*, batch, actor, upheld, reason):
    return REPORT_OBJECTION.take(
        "decide", objection_of(batch), actor=actor, upheld=upheld, reason=reason
    )
