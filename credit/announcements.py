"""Announcements (公示) that name: who an assessment's results are about, and who left.

An assessment's announcement is linked from each of its assessments (``Assessment.
announcement``), so its page lists every member by public name with its result as it stands
(an upheld objection's result shows, marked). A member's exit is announced when it is recorded:
members sits below credit and cannot call it, so credit listens for the exit's step event (every
exit is a ``member.exit`` step, whether staff record it on the member's page or the API, or an
accepted exit proposal takes it) and writes the notice in the same transaction. Units imported
with their history (their events bulk-created, no signal) left before the portal: not announced.
The notice says the public name, identifier, date and, for an expulsion, the grounds in the
portal's words; the reason typed for the exit is staff's and never appears."""

from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When

from coop.models import StepEvent
from credit.models import Announcement, Assessment, AssessmentObjection, ExitProposal
from members.models import Member

Result = Assessment.Result
# The order a notice lists results in: those not kept first.
RESULT_ORDER = [Result.NOT_FULFILLED, Result.MOSTLY, Result.FULFILLED]
EXIT_CODES = ("withdrawal", "expulsion")


def results_of(announcement_ids, result=None, exclude=None):
    """The assessments of these announcements with their member's public name, results not
    kept first, then by name; ``upheld`` marks a result an objection changed. One query."""
    rows = (
        Assessment.objects.filter(announcement_id__in=announcement_ids)
        .select_related("member")
        .only("announcement_id", "result", "member__name", "member__status", "member_id")
        .annotate(
            upheld=Exists(
                AssessmentObjection.objects.filter(
                    assessment=OuterRef("pk"), decision=AssessmentObjection.Decision.UPHELD
                )
            ),
            rank=Case(
                *(When(result=code, then=Value(i)) for i, code in enumerate(RESULT_ORDER)),
                output_field=IntegerField(),
            ),
        )
        .order_by("announcement_id", "rank", "member__name", "pk")
    )
    if result in Result.values:
        rows = rows.filter(result=result)
    if exclude:
        rows = rows.exclude(result=exclude)
    return rows


def announce_exit(sender, instance, created, raw=False, **kwargs):
    """``post_save`` of a step event: a member's exit, recorded now, is announced."""
    if raw or not created or instance.workflow != "member" or instance.step != "exit":
        return
    member = Member._base_manager.get(pk=instance.object_id)
    kind = instance.details.get("exit_kind") or "withdrawal"
    if kind not in EXIT_CODES:
        kind = "withdrawal"
    params = {
        "member": member.pk,
        "name": member.name,
        "identifier": member.identifier or "—",
        "date": instance.details.get("decision_date") or str(member.exited_on or ""),
    }
    if kind == "expulsion":
        # An accepted exit proposal takes the exit while it is still open: its coded grounds.
        proposal = (
            ExitProposal._base_manager.filter(
                member_id=member.pk, status=ExitProposal.Status.PROPOSED
            )
            .values_list("grounds", flat=True)
            .first()
        )
        params["grounds"] = [g for g in proposal or [] if isinstance(g, dict)]
    Announcement(
        cooperative_id=instance.cooperative_id,
        words={"code": kind, "params": params},
        published_at=instance.at,
    ).save()


def connect():
    from django.db.models.signals import post_save

    post_save.connect(announce_exit, sender=StepEvent, dispatch_uid="credit.announce_exit")
