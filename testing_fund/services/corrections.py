"""Corrections of an issued test report, and the re-test an upheld objection leads to.

- **Withdraw** (staff, with a reason): the report's current edition is revoked with the typed
  reason; its verification says withdrawn and why. The batch itself stays reported (or
  closed) with its results: the lab's verified readings still stand, only the paper is no
  longer valid. A new edition may be issued afterwards by amending.
- **Amend** (staff, with a reason): a new edition of the report, with a new number from the
  cooperative's sequence, naming the edition it replaces; the replaced one is superseded with
  the reason and both stay in the archive and verify. A plain amendment (a clerical error)
  renders the batch's current data again; one that follows a re-test carries the re-test's
  facts and results (``reports.carried_by``).
- **Re-test**: an upheld objection orders, in the same step, a re-test of the kept backup
  sample: a batch linked to the original (``retest_of``), already sealed (the backup was
  sealed at sampling) so the lab receives it next, at no cost to the member (no reservation,
  no fund spending, not counted in the free quota). Without a kept backup there is nothing to
  re-test, and upholding the objection is refused: the decision is then a dismissal with its
  reason, or staff amend the report themselves. Its report ends it: a verdict that differs
  from the original's corrects the original report (an amended edition carrying the re-test's
  results; the original batch's ``passed`` follows, and what reads it, the credit grade and
  the statistics, with it); the same verdict confirms it (the original stands, and the
  re-test's own report says so, naming the original).

The bodies here run under the lock of the workflow that takes them (``services/batches.py``)."""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coop import documents
from coop.errors import Refused
from coop.models import Document
from testing_fund.models import Batch, Objection, Rectification, Result
from testing_fund.reports import editions, issue_test_report

Status = Batch.Status

_REPORTS = Document._base_manager.filter(
    cooperative_id=OuterRef("cooperative_id"),
    kind=Document.Kind.TEST_REPORT,
    source_id=OuterRef("pk"),
    superseded_at=None,
).exclude(file="")
# The step conditions, as queries (checked under the lock, and kept in ``due_for``): a report
# in force (issued, neither replaced nor withdrawn) may be withdrawn; the current edition, once
# rendered, may be amended, withdrawn or not.
REPORT_IN_FORCE = Q(Exists(_REPORTS.filter(revoked_at=None)))
REPORT_ISSUED = Q(Exists(_REPORTS))
NOT_A_RETEST = ~Q(kind=Batch.Kind.RETEST)


def current_report(batch):
    """The newest edition of the batch's report, or None."""
    return editions(batch).last()


def still_issuing(batch, current):
    if current is None:
        return _("The report has not been issued yet.")
    if not current.file:
        return _("Report %(number)s is still being issued; try again in a minute.") % {
            "number": current.number
        }
    return None


def withdrawal_refusal(batch):
    current = current_report(batch)
    said = still_issuing(batch, current)
    if said:
        return said
    return _("Report %(number)s is withdrawn already.") % {"number": current.number}


def amendment_refusal(batch):
    return still_issuing(batch, current_report(batch)) or _("This step is not due now.")


def typed_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason: the member and whoever verifies the report read it.")}
        )
    return reason


def withdraw_the_report(batch, *, actor, reason=""):
    """Withdraw the report in force: revoked with the typed reason."""
    reason = typed_reason(reason)
    current = current_report(batch)
    documents.revoke(Document.objects.filter(pk=current.pk), reason)


def withdrawing(batch):
    """What withdrawing will do, said beside its "I understand" box."""
    return _(
        "The report will no longer be valid: anyone verifying it reads that it was withdrawn, "
        "and why. The results stay; a new edition may be issued by amending the report."
    )


def amend_the_report(batch, *, actor, reason=""):
    """A new edition of the report replacing the current one, rendered and mailed after
    commit (the mail is claimed again for it)."""
    reason = typed_reason(reason)
    new_edition(batch, reason)


def new_edition(batch, reason):
    current = current_report(batch)
    if current is None:
        return None
    amended = documents.amend(current, reason=reason, public_details=current.public_details)
    batch.report_mailed_at = None
    issue_test_report.delay_on_commit(batch.cooperative_id, batch.pk)
    return amended


# The re-test of the backup sample

# What a re-test copies of the original: the product and sample as sampled and sealed.
COPIED = [
    "member_id",
    "fund_id",
    "product",
    "category_id",
    "safety_category",
    "chain_role",
    "standard_id",
    "lab_id",
    "lot_number",
    "quantity",
    "delivery",
    "sampling_place",
    "sampled_product",
    "sampled_at",
    "seal_number",
    "samplers",
    "member_signatory",
    "exemptions",
]


def retest_refusal(original):
    """Why the objection cannot be upheld with a re-test, or None."""
    if not original.backup_kept:
        return _(
            "No backup sample of test %(number)s was kept, so there is nothing to re-test: "
            "dismiss the objection with its reason, or amend the report if it is wrong."
        ) % {"number": original.pk}
    return None


def start_the_retest(objection, *, upheld, actor, **given):
    """The consequence of the decision: upheld, a re-test of the kept backup sample, sealed
    and ready for the lab; dismissed, nothing. Returns the re-test, or None."""
    if not upheld:
        return None
    original = Batch.objects.select_for_update(of=("self",)).get(pk=objection.batch_id)
    if refusal := retest_refusal(original):
        raise Refused(refusal)
    retest = Batch(
        cooperative_id=original.cooperative_id,
        kind=Batch.Kind.RETEST,
        status=Status.SAMPLED,
        retest_of=original,
        cost=0,
        paid_by_member=False,
        backup_kept=False,  # the backup is what is tested now
        **{name: getattr(original, name) for name in COPIED},
    )
    retest.save()
    Result.objects.bulk_create(
        Result(cooperative_id=retest.cooperative_id, batch=retest, indicator_id=indicator, price=0)
        for indicator in original.results.values_list("indicator_id", flat=True)
    )
    return retest


def conclude_the_retest(retest, *, actor):
    """The re-test's report ends the objection: a different verdict corrects the original
    report, the same confirms it. Returns the outcome."""
    original = Batch.objects.select_for_update(of=("self",)).get(pk=retest.retest_of_id)
    objection = Objection.objects.select_for_update().get(batch=original)
    if retest.passed != original.passed:
        objection.outcome = Objection.Outcome.CORRECTED
        with translation.override("zh-hans"):  # the paper of record is Chinese
            reason = _(
                "The member's objection was upheld and the backup sample re-tested (test "
                "%(number)s): the re-test's conclusion differs, and this report carries its "
                "results."
            ) % {"number": retest.pk}
        new_edition(original, reason)
        original.passed = retest.passed
        original.save(update_fields=["passed", "report_mailed_at"])
        if original.passed:
            # Nothing failed any more: a rectification notice still awaiting its answer is
            # withdrawn, and leaves the member's and staff's worklists.
            Rectification.objects.filter(
                batch=original, status=Rectification.Status.NOTIFIED
            ).update(status=Rectification.Status.WITHDRAWN)
    else:
        objection.outcome = Objection.Outcome.CONFIRMED
    objection.outcome_at = timezone.now()
    objection.save(update_fields=["outcome", "outcome_at"])
    return objection.outcome
