from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.models import Document
from coop.roles import is_enterprise, is_staff
from coop.workflow import describe
from members.models import (
    Certification,
    Convention,
    ConventionSignature,
    GrowthEvent,
    Member,
    QualityPerson,
)
from members.services.lifecycle import MEMBER, ExitKind


def members_for_user(user):
    """The members ``user`` may see within the active scope: staff all, an enterprise its own."""
    if is_staff(user):
        return Member.objects.all()
    if is_enterprise(user):
        return Member.objects.filter(pk=user.member_id)
    return Member.objects.none()


def member_for_user(user, member_id):
    """One member ``user`` may see, or a 404: a forgotten check cannot leak."""
    return get_object_or_404(members_for_user(user), pk=member_id)


def search_members(queryset, text):
    """Filter by a part of the name (Chinese included), the USCC or registration number, or the
    town; behind one function so the search engine can change."""
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(name__icontains=text)
        | Q(uscc__icontains=text)
        | Q(registration_number__icontains=text)
        | Q(town__icontains=text)
    )


def correlated_count(rows, link="member"):
    """Count ``rows`` per outer member in a subquery: one indexed lookup per listed member,
    instead of a join over every related row of the cooperative."""
    per_member = rows.filter(**{link: OuterRef("pk")}).order_by().values(link)
    return Coalesce(Subquery(per_member.annotate(n=Count("pk")).values("n")[:1]), 0)


def with_counts(members):
    return members.annotate(
        quality_people_count=correlated_count(QualityPerson.objects.filter(ended_on=None)),
        certification_count=correlated_count(Certification.objects.all()),
    )


def members_needing_signature(cooperative_id):
    """Members (and approved applicants) who have not signed the current convention."""
    current = Convention.objects.filter(cooperative_id=cooperative_id).order_by("-version").first()
    candidates = Member.objects.filter(
        cooperative_id=cooperative_id,
        status__in=[Member.Status.APPROVED, Member.Status.ACTIVE, Member.Status.SUSPENDED],
    )
    if current is None:
        return candidates.none()
    signed = ConventionSignature.objects.filter(convention=current).values("member_id")
    return candidates.exclude(pk__in=signed)


def month_ends(months, today=None):
    """The last ``months`` month ends up to today, oldest first (the current month ends today)."""
    today = today or timezone.localdate()
    ends, year, month = [today], today.year, today.month
    for _month in range(months - 1):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        first_of_next = date(year + month // 12, month % 12 + 1, 1)
        ends.append(first_of_next - timedelta(days=1))
    return list(reversed(ends))


def membership_by_month(cooperative_id, months=12):
    """[(month end, members then)]: joined on or before it and not exited by it. One query."""
    ends = month_ends(months)
    counts = Member.objects.filter(cooperative_id=cooperative_id).aggregate(
        **{
            f"m{index}": Count(
                "pk",
                filter=Q(joined_on__lte=end) & (Q(exited_on__isnull=True) | Q(exited_on__gt=end)),
            )
            for index, end in enumerate(ends)
        }
    )
    return [(end, counts[f"m{index}"]) for index, end in enumerate(ends)]


def people_totals(cooperative_id):
    """Current chief quality officers, quality specialists and chief standards officers of
    members, in one query."""
    people = QualityPerson.objects.filter(
        cooperative_id=cooperative_id, ended_on=None, member__status__in=["active", "suspended"]
    )
    return people.aggregate(
        officers=Count("pk", filter=Q(role=QualityPerson.Role.CHIEF_QUALITY_OFFICER)),
        specialists=Count("pk", filter=Q(role=QualityPerson.Role.QUALITY_SPECIALIST)),
        standards_officers=Count("pk", filter=Q(role=QualityPerson.Role.CHIEF_STANDARDS_OFFICER)),
    )


def growth_totals(cooperative_id):
    rows = GrowthEvent.objects.filter(cooperative_id=cooperative_id).values("kind")
    return {row["kind"]: row["n"] for row in rows.annotate(n=Count("pk"))}


def certifications_expiring(cooperative_id, days=90):
    return (
        Certification.objects.filter(cooperative_id=cooperative_id)
        .expiring_within(days)
        .select_related("member")
    )


def public_directory():
    """Active members in the scope, as the public may see them, with whether they hold ISO 9001."""
    iso = Certification.objects.filter(
        member=OuterRef("pk"),
        scheme=Certification.Scheme.ISO_9001,
        expires_on__gte=timezone.localdate(),
    )
    members = Member.objects.filter(status=Member.Status.ACTIVE).select_related("district")
    return members.annotate(iso9001=Exists(iso))


def member_timeline(member):
    """What happened to a member, newest first: lifecycle steps, signatures, documents, growth,
    certifications and pairings, as (date, kind, text) in a handful of queries."""

    entries = []
    for event in MEMBER.history(member):
        # An exit says how the unit left and why: the exit step records the kind in its
        # details and the reason as the event's; an import of an exited unit records both in
        # its details (members.services.imports).
        kind = event.details.get("exit_kind")
        reason = event.reason or event.details.get("reason") or ""
        text = MEMBER.state_label(event.to_status)
        if kind in ExitKind.values:
            text = f"{text} · {ExitKind(kind).label}"
        if reason:
            text = f"{text} — {reason}"
        if event.step == "import":
            # Brought in with its history: the import, and the dates from before the portal.
            text = f"{describe(event)} · {text}"
            if member.joined_on:
                entries.append((member.joined_on, "status", _("Joined the cooperative"), None))
            if member.exited_on:
                entries.append((member.exited_on, "status", _("Left the cooperative"), None))
        entries.append((event.at, "status", text, event.actor))
    for signature in member.signatures.select_related("convention"):
        text = _("Signed version %(version)s of the convention (%(signer)s, %(position)s)") % {
            "version": signature.convention.version,
            "signer": signature.signer_name,
            "position": signature.signer_position,
        }
        if signature.on_paper:
            text = f"{text} · {_('on paper')}"
        entries.append((signature.signed_at, "signature", text, None))
    for document in member.documents.all():
        text = f"{document.get_kind_display()} {document.number} · {document.get_status_display()}"
        entries.append((document.issued_at, "document", text, None))
    for growth in member.growth_events.all():
        entries.append((growth.on, "growth", growth.get_kind_display(), None))
    for certification in member.certifications.all():
        text = f"{certification.get_scheme_display()} {certification.number} ({certification.body})"
        entries.append((certification.issued_on, "certification", text, None))
    for pairing in member.pairings.select_related("leader"):
        text = _("Paired with %(leader)s") % {"leader": pairing.leader.name}
        entries.append((pairing.starts_on, "pairing", text, None))
    return sorted(entries, key=lambda entry: as_datetime(entry[0]), reverse=True)


def as_datetime(moment):
    """Dates and datetimes on one axis: a date counts as the start of its day."""
    if isinstance(moment, datetime):
        return moment
    return timezone.make_aware(datetime.combine(moment, time.min))


def signature_visible(user, signature_id):
    """Whether ``user`` may see the convention signature (and its scan): one of a member
    unit the user may see."""
    rows = members_for_user(user).values("pk")
    return ConventionSignature.objects.filter(pk=signature_id, member__in=rows).exists()


def documents_for_user(user):
    """Documents of the members ``user`` may see."""
    return Document.objects.filter(member__in=members_for_user(user).values("pk"))
