from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.shortcuts import redirect, render
from django.utils import timezone

from coop.access import is_staff_of_cooperatives, public_view
from coop.models import Cooperative, Region, Role
from coop.statistics import active_member_counts
from coop.verification import find_document
from credit.models import Announcement, Commitment
from credit.selectors import in_force
from members.models import Member
from standards.models import CollectionEntry
from testing_fund.statistics import pass_rate


def home(request):
    """The public home: the regions and their cooperatives with their active member counts."""
    regions = list(
        Region.objects.prefetch_related(
            Prefetch("cooperatives", queryset=Cooperative.objects.order_by("established"))
        )
    )
    counts = active_member_counts()
    for region in regions:
        for cooperative in region.cooperatives.all():
            cooperative.active_members = counts.get(cooperative.id, 0)
    return render(request, "coop/home.html", {"regions": regions})


@public_view
def cooperative_page(request, coop_slug):
    """A cooperative's public page: what it is and who founded it."""
    cooperative = request.cooperative
    active = Member.objects.filter(status=Member.Status.ACTIVE).count()
    staff_of_this = is_staff_of_cooperatives(request.user) and (
        cooperative.id in request.visible_cooperative_ids
    )
    collection = CollectionEntry.objects.select_related("standard__superseded_by")
    year = timezone.localdate().year
    return render(
        request,
        "coop/cooperative.html",
        {
            "cooperative": cooperative,
            "active_members": active,
            "show_members": staff_of_this,
            "collection": collection,
            "year": year,
            "testing": pass_rate(cooperative.pk, year),
            "commitments": in_force(Commitment.objects.all()).count(),
            "announcements": Announcement.objects.all()[:3],
        },
    )


@login_required
def staff_home(request):
    """Where a login lands: staff get their cooperatives, an enterprise its own member unit."""
    user = request.user
    if user.role == Role.ENTERPRISE and user.member_id:
        return redirect("profile", coop_slug=user.member.cooperative.slug)
    cooperatives = Cooperative.objects.filter(id__in=request.visible_cooperative_ids)
    if is_staff_of_cooperatives(user):
        # The scope holds the visible cooperatives, so this counts theirs alone, in one query.
        members = Member.objects.values("cooperative")
        cooperatives = cooperatives.annotate(
            member_count=Subquery(
                members.filter(cooperative=OuterRef("pk")).annotate(n=Count("id")).values("n")
            )
        )
    return render(
        request, "coop/staff_home.html", {"cooperatives": cooperatives.select_related("region")}
    )


def verify(request, number):
    """Anyone checks a certificate or report by its number (the QR code leads here)."""
    document = find_document(number)
    if document is not None and not document.file:
        document = None
    return render(
        request,
        "coop/verify.html",
        {"document": document, "number": number},
        status=200 if document else 404,
    )
