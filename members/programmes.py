"""The programmes on a member's record (its staff page, ``members.views.member_detail``): what
each programme above this app holds of the member, counted, with a link to its list narrowed to
the member (export products and trade-measure alerts, same-line declarations, trademark
licences, design reviews, infringement reports, consultation questions).

Those apps sit above members (they import it, never the reverse), so each registers its
counts here in its ``AppConfig.ready()``, the way credit registers its columns with the export
(``members.exports``). Every count is a subquery annotation of one query of the member: the
record pays one query for all the programmes, however many register."""

from dataclasses import dataclass
from typing import Callable

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from members.models import Member


@dataclass(frozen=True)
class Programme:
    """One count on the record: ``key`` names it, ``label`` says it, ``rows()`` is the
    queryset it counts (the member's rows are those whose ``member`` is it) and ``url_name``
    the list it links to, given ``?member=<id>`` (``query`` adds to it)."""

    key: str
    label: str
    rows: Callable
    url_name: str
    query: str = ""
    member_field: str = "member"


_registered = []


def register(*programmes):
    """Add counts in the order registered; registering one again changes nothing (``ready()``
    may run more than once)."""
    for programme in programmes:
        if all(programme.key != known.key for known in _registered):
            _registered.append(programme)


def count_of(programme):
    rows = (
        programme.rows()
        .filter(**{programme.member_field: OuterRef("pk")})
        .order_by()
        .values(programme.member_field)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(rows[:1], output_field=IntegerField()), Value(0))


def programmes_of(member, cooperative_slug):
    """``[{label, count, url}]`` for the member's record, from one query (none when no
    programme registered)."""
    if not _registered:
        return []
    counts = (
        Member.objects.filter(pk=member.pk)
        # Prefixed: a programme's key may be a related name of the member (export_products).
        .values(**{f"programme_{p.key}": count_of(p) for p in _registered})
        .get()
    )
    return [
        {
            "key": programme.key,
            "label": programme.label,
            "count": counts[f"programme_{programme.key}"],
            "url": f"{reverse(programme.url_name, args=[cooperative_slug])}"
            f"?member={member.pk}{programme.query}",
        }
        for programme in _registered
    ]
