"""A batch's test report: its PDF, issued once through the document pipeline, and the mail to
the member's users. ``services/batches.py`` sends the task when the report is issued; it sits
below the services (``tasks.py`` plans rounds with them), so neither imports the other back."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop import documents
from coop.celery import tenant_task
from coop.models import Document, User
from standards.models import Limit
from standards.notation import describe_limit
from testing_fund.models import AccreditedMethod, Batch, Objection


# Its name is the one it had in tasks.py, where it was declared until services/batches.py sent
# it from the top of the module: queued messages and results keep finding it.
@tenant_task(name="testing_fund.tasks.issue_test_report")
def issue_test_report(cooperative_id, batch_id, edition=None):
    """Render the batch's report (once) and mail it to the member's users (once). A rerun,
    after a lost worker or from the sweep, finds the document and the mail already done.
    Without ``edition``, the newest one numbered: an amendment numbers its edition at once
    (``coop.documents.amend``) and this renders it; a corrected edition carries the facts and
    results of the re-test that corrected it (``carried_by``)."""
    batch = Batch.objects.select_related(
        "member__cooperative", "standard", "lab", "entered_by", "verified_by", "reported_by"
    ).get(pk=batch_id)
    edition = edition or newest_edition(batch)
    carrier = carried_by(batch, edition)
    verdict = _("passed") if carrier.passed else _("failed")
    document = documents.issue(
        kind=Document.Kind.TEST_REPORT,
        source_id=batch.pk,
        member=batch.member,
        public_details=public_details(carrier, verdict),
        render=lambda document: report_html(document, carrier),
        edition=edition,
    )
    with transaction.atomic():
        # Claim the mail: a second run waits on the row until this one commits, then finds it
        # sent. A failed send rolls the claim back, and the sweep tries again.
        claimed = Batch.objects.filter(pk=batch.pk, report_mailed_at=None).update(
            report_mailed_at=timezone.now()
        )
        if claimed:
            mail_the_report(batch, document, verdict)
    return document.number


def mail_the_report(batch, document, verdict):
    recipients = list(
        User.objects.filter(member_id=batch.member_id)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        send_mail(
            _("Test report %(number)s") % {"number": document.number},
            _(
                "The report of %(product)s is ready: %(verdict)s. Download it from the "
                "portal; anyone can verify it at %(url)s."
            )
            % {
                "product": batch.product,
                "verdict": verdict,
                "url": documents.verification_url(document.code),
            }
            + replacing(document),
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )


def replacing(document):
    """What the mail of an amended edition adds: the report it replaces."""
    if not document.replaces_id:
        return ""
    return " " + _("It replaces report %(number)s.") % {"number": document.replaces.number}


def public_details(batch, verdict):
    """What the public may see of a report at its verification: the company under the name
    the public pages give it, the product tested, the verdict and the date."""
    return {
        "member": batch.member.name,
        "product": tested_product(batch),
        "verdict": str(verdict),
        # The verdict as a fact too, so verification words it in the reader's language.
        "passed": bool(batch.passed),
        "reported_on": batch.reported_on.isoformat(),
    }


def tested_product(batch):
    """The product the report is about: what the samplers took, else what was asked for."""
    return batch.sampled_product or batch.product


# The kind of test as a report names it (检验类别).
KIND_OF_TEST = {
    Batch.Kind.REQUEST: gettext_lazy("Commissioned test"),
    Batch.Kind.SUPERVISORY: gettext_lazy("Supervisory spot check"),
    Batch.Kind.REINSPECTION: gettext_lazy("Re-inspection after rectification"),
    Batch.Kind.RETEST: gettext_lazy("Re-test of the kept backup sample"),
}


@dataclass
class Row:
    """One indicator of the report: its result, the method, the requirement in words and
    whether the lab's accreditation covers the indicator by that method."""

    result: object
    method: object
    requirement: str
    accredited: bool

    @property
    def reading(self):
        """The result with its unit; a reading in words (未检出, 无) without one."""
        reading, unit = self.result.reading, self.result.indicator.shown_unit
        if not reading:
            return "—"
        measured = reading[0].isdigit() or reading[0] in "-<＜"
        return f"{reading} {unit}" if unit and measured else reading


def requirement(limit, category):
    """A limit in the report's words: "≤ 75 mg/kg（B类）", "≥ 3-4 级", "4.0–8.5"; the
    category said when the limit is the category's own."""
    if limit is None:
        return "—"
    unit = limit.indicator.shown_unit
    said = describe_limit(limit)
    numeric = limit.minimum is not None or limit.maximum is not None
    if unit and numeric and not limit.prohibited:
        said = f"{said} {unit}"
    elif unit and limit.prohibited and limit.detection_limit is not None and said.endswith(")"):
        said = f"{said[:-1]} {unit})"  # "不得检出 (≤ 20 mg/kg)"
    if limit.category:
        said += _("(category %(category)s)") % {"category": category}
    return said


def report_rows(batch):
    """The report's rows in three queries: results, the standard's limits, the lab's scope."""
    results = list(
        batch.results.select_related("indicator", "indicator__method").order_by("indicator__code")
    )
    limits = {}
    for limit in Limit.objects.filter(
        standard_id=batch.standard_id, indicator__in=[r.indicator_id for r in results]
    ).select_related("indicator"):
        if limit.category in (batch.safety_category, ""):
            held = limits.get(limit.indicator_id)
            if held is None or held.category == "":  # the category's own first
                limits[limit.indicator_id] = limit
    scope = set(
        AccreditedMethod.objects.filter(institution_id=batch.lab_id).values_list(
            "indicator_id", "method_id"
        )
    )
    return [
        Row(
            result=result,
            method=result.indicator.method,
            requirement=requirement(limits.get(result.indicator_id), batch.safety_category),
            accredited=(result.indicator_id, result.indicator.method_id) in scope,
        )
        for result in results
    ]


def signatory(user):
    if user is None:
        return "—"
    return user.get_full_name() or user.username


def css_string(text):
    """``text`` as a CSS string, for a page's margin box."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>\n\r' else c for c in str(text))
    return f'"{escaped}"'


def margins(document, batch):
    """What every page says in its margins: the lab, the report's number, "page x of y"."""
    pages = _("Page %(page)s of %(pages)s") % {"page": "\0", "pages": "\1"}
    before, _page, rest = pages.partition("\0")
    between, _pages, after = rest.partition("\1")
    return {
        "lab": css_string(batch.lab.name_zh),
        "number": css_string(_("Report No. %(number)s") % {"number": document.number}),
        "pages": f"{css_string(before)} counter(page) {css_string(between)} "
        f"counter(pages) {css_string(after)}",
    }


def report_html(document, batch):
    with translation.override("zh-hans"):
        margin_text = margins(document, batch)
        rows = report_rows(batch)
        # Why a result failed, came close to its limit or was not required, in words.
        notes = [
            row.result.explained
            for row in rows
            if row.result.verdict != "pass" and row.result.raw and row.result.explained
        ]
        signatures = [
            (_("Tested by"), signatory(batch.entered_by), batch.entered_at),
            (_("Verified by"), signatory(batch.verified_by), batch.verified_at),
            (_("Approved by"), signatory(batch.reported_by), batch.reported_on),
        ]
    return documents.render_html(
        "testing_fund/test_report.html",
        document,
        batch=batch,
        rows=rows,
        product=tested_product(batch),
        sent_by_client=batch.kind == Batch.Kind.REQUEST,
        accredited=any(row.accredited for row in rows),
        outside=any(not row.accredited for row in rows),
        signatures=signatures,
        notes=notes,
        category=Limit.Category(batch.safety_category).label,
        kind_of_test=KIND_OF_TEST.get(batch.kind, batch.get_kind_display()),
        margins=margin_text,
        correction=correction_of(document, batch),
    )


# Corrections: editions of a report, and the re-test of a batch's backup sample.

REPORTED = [Batch.Status.REPORTED, Batch.Status.CLOSED]


def editions(batch):
    """The batch's test reports, every edition, oldest first (an amendment is a new edition)."""
    return Document.objects.filter(
        cooperative_id=batch.cooperative_id, kind=Document.Kind.TEST_REPORT, source_id=batch.pk
    ).order_by("edition")


def newest_edition(batch):
    newest = editions(batch).values_list("edition", flat=True).last()
    return newest or 1


def corrected_by(batch):
    """The reported re-test of the batch's backup sample that corrected its report, or None."""
    return (
        Batch.objects.filter(
            retest_of=batch,
            retest_of__objection__outcome=Objection.Outcome.CORRECTED,
            status__in=REPORTED,
        )
        .select_related(
            "member__cooperative", "standard", "lab", "entered_by", "verified_by", "reported_by"
        )
        .first()
    )


def carried_by(batch, edition):
    """The batch whose facts and results an edition of ``batch``'s report carries: a later
    edition of a report a re-test corrected carries the re-test's (what was tested the second
    time, on the backup sample); every other, the batch's own."""
    if edition > 1:
        return corrected_by(batch) or batch
    return batch


def objected_report(original, before):
    """The edition of ``original``'s report in force when its re-test was ordered."""
    return editions(original).filter(issued_at__lte=before).order_by("-edition").first()


def correction_of(document, batch):
    """What the report says of corrections, in its own block: the report it replaces and why
    (an amended edition), and for a re-test, the report whose backup sample it re-tested and
    what came of it."""
    said = {"replaces": document.replaces if document.replaces_id else None}
    if batch.kind == Batch.Kind.RETEST and batch.retest_of_id and document.source_id == batch.pk:
        original = batch.retest_of
        objection = Objection.objects.filter(batch=original).first()
        said["retest_of"] = original
        said["objected"] = objected_report(original, batch.requested_at)
        said["outcome"] = objection.outcome if objection else ""
        said["corrected"] = (
            editions(original).filter(issued_at__gte=batch.requested_at).last()
            if said["outcome"] == Objection.Outcome.CORRECTED
            else None
        )
    return said
