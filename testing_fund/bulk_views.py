"""The pages of bulk steps on batches (``testing_fund.services.bulk``): staff approve the
requests ticked on the tests' list and record a round's sampling from its page (a table form,
or the round's sheet filled in and uploaded); a lab receives the samples ticked on its
worklist. Each answers with every row done, or refused with the reason beside it."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop import xlsx
from coop.access import role_required
from coop.bulk_pages import refusal_page, result_page, ticked
from coop.pages import page_of
from coop.roles import is_administrator, is_lab, is_staff
from testing_fund.models import SamplingRound
from testing_fund.selectors import batches_for
from testing_fund.services import bulk
from testing_fund.services.batches import BatchStepInput


def batch_name(batch):
    return f"{batch.product} · {batch.member.name}"


def batch_link(batch):
    return reverse("batch-detail", args=[batch.cooperative.slug, batch.pk])


def reachable(user):
    """The batches the user may change by bulk, with what the answer shows of each."""
    return batches_for(user).select_related("member", "cooperative").prefetch_related(None)


@require_POST
@role_required(is_administrator)
def batch_bulk_approve(request, coop_slug):
    title = _("Approve the test requests")
    back = reverse("batch-list", args=[coop_slug]) + "?status=requested"
    try:
        ids = ticked(request)
    except ValidationError as error:
        return refusal_page(
            request, title=title, error=error, back=back, cooperative=request.cooperative
        )
    outcomes = bulk.approve_many(ids=ids, actor=request.user, rows=reachable(request.user))
    return result_page(
        request,
        title=title,
        outcomes=outcomes,
        back=back,
        name=batch_name,
        link=batch_link,
        cooperative=request.cooperative,
    )


@require_POST
@role_required(is_lab)
def lab_bulk_receive(request):
    """The lab receives the samples ticked on its worklist: its own batches, in every
    cooperative it serves; another lab's are not found."""
    title = _("Receive the samples")
    back = reverse("lab-worklist") + "?status=sampled"
    try:
        ids = ticked(request)
    except ValidationError as error:
        return refusal_page(request, title=title, error=error, back=back)
    outcomes = bulk.receive_many(ids=ids, actor=request.user, rows=reachable(request.user))
    return result_page(
        request, title=title, outcomes=outcomes, back=back, name=batch_name, link=batch_link
    )


@role_required(is_staff)
def round_sampling_sheet(request, coop_slug, pk):
    """The round's sampling sheet, pre-filled with its batches awaiting sampling."""
    sampling_round = get_object_or_404(SamplingRound, pk=pk)
    return xlsx.streamed(
        bulk.sampling_template(sampling_round), f"{coop_slug}-round-{pk}-sampling.xlsx"
    )


def form_rows(post):
    """The rows of the round page's table form: {batch id: fields}, for each batch whose
    seal number or samplers were filled in (the others are not sampled yet)."""
    given = BatchStepInput()
    per_row = {}
    for raw in post.getlist("ids"):
        try:
            pk = int(raw)
        except ValueError:
            raise ValidationError(
                {"ids": _("“%(id)s” is not a row's number.") % {"id": raw}}
            ) from None
        fields = {name: post.get(f"{name}-{pk}", "").strip() for name in bulk.SAMPLING_FIELDS}
        if not fields["seal_number"] and not fields["samplers"]:
            continue
        fields["backup_kept"] = bool(fields["backup_kept"])
        per_row[pk] = {name: value for name, value in fields.items() if name in given.fields}
    if not per_row:
        raise ValidationError(
            {"ids": _("Fill in the seal number and samplers of at least one batch.")}
        )
    return per_row


@require_POST
@role_required(is_administrator)
def round_sampling(request, coop_slug, pk):
    """Record the sampling of the round's batches: from the uploaded sheet when one is sent,
    otherwise from the table form of the round's page."""
    sampling_round = get_object_or_404(SamplingRound, pk=pk)
    title = _("Record the sampling of %(round)s") % {"round": sampling_round.name}
    back = reverse("round-detail", args=[coop_slug, pk])
    context = {"cooperative": request.cooperative, "back": back, "title": title}
    of_round = reachable(request.user).filter(sampling_round=sampling_round)
    upload = request.FILES.get("sheet")
    try:
        if upload is not None:
            answered = bulk.sample_from_sheet(
                sampling_round=sampling_round,
                content=upload.read(),
                actor=request.user,
                rows=of_round,
            )
            lines = [line for line, _outcome in answered]
            outcomes = [outcome for _line, outcome in answered]
        else:
            lines = None
            outcomes = bulk.sample_many(
                per_row=form_rows(request.POST), actor=request.user, rows=of_round
            )
            for each in outcomes:
                bulk.cell_named(each, labels=True)
    except ValidationError as error:
        return refusal_page(request, error=error, **context)
    return result_page(
        request, outcomes=outcomes, lines=lines, name=batch_name, link=batch_link, **context
    )


def sampling_section(request, sampling_round):
    """What the round's page shows administrators to record its sampling: its batches that
    await it (a page of them), each with empty fields and the booked product."""
    if not is_administrator(request.user) or sampling_round.confirmed_at is None:
        return None
    return page_of(request, bulk.awaiting_sampling(sampling_round), param="sampling_page")
