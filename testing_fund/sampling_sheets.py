"""A batch's sampling sheet (抽样单): what the samplers took, where and when, under which seal,
with both sides' names, issued once through the document pipeline after the sampling step
(``services/batches.py`` sends the task on commit, as it does the test report's). The member
and staff download it from the batch's page; anyone holding the paper verifies it."""

from django.utils import timezone

from coop import documents
from coop.celery import tenant_task
from coop.models import Document
from testing_fund.models import Batch


@tenant_task
def issue_sampling_sheet(cooperative_id, batch_id):
    """Render the batch's sampling sheet, once: a rerun (a lost worker) finds it made."""
    batch = Batch.objects.select_related(
        "member__cooperative__region", "standard", "lab", "category"
    ).get(pk=batch_id)
    document = documents.issue(
        kind=Document.Kind.SAMPLING_SHEET,
        source_id=batch.pk,
        member=batch.member,
        public_details=public_details(batch),
        render=lambda document: sheet_html(document, batch),
    )
    return document.number


def sampled_product(batch):
    """What the samplers took: the product they said, else the one requested or booked."""
    return batch.sampled_product or batch.product


def public_details(batch):
    """What the public may see of a sampling sheet at its verification: the product taken, the
    day and the seal's number, so that whoever holds the sealed sample can match the two. No
    names of people and no place."""
    return {
        "product": sampled_product(batch),
        "sampled_on": timezone.localtime(batch.sampled_at).date().isoformat(),
        "seal_number": batch.seal_number,
    }


def sheet_html(document, batch):
    cooperative = batch.member.cooperative
    return documents.render_html(
        "testing_fund/sampling_sheet.html",
        document,
        batch=batch,
        cooperative=cooperative,
        region=cooperative.region,
        product=sampled_product(batch),
        sampled_at=timezone.localtime(batch.sampled_at),
        samplers=[name for name in batch.samplers.split("、") if name.strip()],
    )
