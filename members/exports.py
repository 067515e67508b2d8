"""The members' export: the import's columns (so the file comes back in), the unit's status
and dates, its signature of the current convention, and the columns a higher app adds.

The credit grade lives above this app (credit imports members, never the reverse), so credit
registers its columns here in its ``AppConfig.ready()`` (the way ``testing_fund.risk`` takes
risk sources). Every column is a subquery annotation of the one query that reads the members:
the export makes the same number of queries for one unit or five thousand. The import reads
none of the added columns (their headings are not the import's), so the round trip holds.
"""

from dataclasses import dataclass
from typing import Callable

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop import xlsx
from members.models import Convention, ConventionSignature, Member, MemberProductCategory
from members.services.imports import COLUMNS, HEADINGS

CHOICES = {"kind": Member.Kind, "scale": Member.Scale, "chain_role": Member.ChainRole}


@dataclass(frozen=True)
class Columns:
    """Columns a higher app adds: their headings, the annotations that fetch their values
    with the members (``annotate(queryset) -> queryset``, subqueries only) and the values of
    one member as annotated (``values(member) -> list``)."""

    headings: list
    annotate: Callable
    values: Callable


_added = []


def register(columns):
    """Add columns after the export's own, in the order registered; registering the same
    columns again changes nothing (``ready()`` may run more than once)."""
    if columns not in _added:
        _added.append(columns)
    return columns


def cell(member, field):
    if field == "district":
        return member.district.name_zh
    if field == "categories":
        return member.category_labels or ""
    if field == "chain_link":
        return member.chain_link_name or ""  # by its Chinese name, as the import reads it
    value = getattr(member, field)
    return str(CHOICES[field](value).label) if field in CHOICES else value


def with_signature(members):
    """The members with the version of their cooperative's current convention, and when and
    how each signed it (``None`` where it has not)."""
    current = Convention.objects.filter(cooperative=OuterRef("cooperative")).order_by("-version")
    signed = ConventionSignature.objects.filter(
        member=OuterRef("pk"), convention=Subquery(current.values("pk")[:1])
    )
    # The product categories by their Chinese labels, as the import reads them back.
    labels = (
        MemberProductCategory.objects.filter(member=OuterRef("pk"))
        .values("member")
        .annotate(labels=StringAgg("category__name_zh", "、", order_by="category__code"))
        .values("labels")
    )
    return members.annotate(
        category_labels=Subquery(labels[:1]),
        chain_link_name=F("chain_link__name_zh"),
        convention_version=Subquery(current.values("version")[:1]),
        convention_signed_at=Subquery(signed.values("signed_at")[:1]),
        convention_on_paper=Subquery(signed.values("on_paper")[:1]),
    )


def signature_status(member):
    """The member's signature of the current convention, in words."""
    version = member.convention_version
    if version is None:
        return _("No convention adopted")
    if member.convention_signed_at is None:
        return _("Has not signed version %(version)s") % {"version": version}
    if member.convention_on_paper:
        return _("Signed version %(version)s on paper") % {"version": version}
    return _("Signed version %(version)s") % {"version": version}


def signature_date(member):
    signed_at = member.convention_signed_at
    return timezone.localdate(signed_at) if signed_at else None


def members_xlsx(members):
    """The members as an XLSX sheet with the import's columns, so the file can come back in."""
    with translation.override("zh-hans"):  # the labels the import reads back
        return xlsx.workbook(_sheets(members))


def members_download(members, filename):
    """``members_xlsx`` as a download streamed from a temporary file: the rows are read from
    the database 500 at a time and written as they come, so a worker's memory does not grow
    with the cooperative (bench/memory.py measures it)."""
    with translation.override("zh-hans"):  # the rows are written (and translated) in here
        return xlsx.streamed(_sheets(members), filename)


# The unit's status and dates come back in with it (members.services.imports reads them).
HISTORY = ["status", "joined_on", "exited_on"]
# Not the import's headings (公约签署日期 is): the import leaves these columns alone.
SIGNATURE_HEADINGS = [
    gettext_lazy("Convention signature"),
    gettext_lazy("Signed the current version on"),
]


def _sheets(members):
    members = with_signature(members)
    for added in _added:
        members = added.annotate(members)
    rows = (
        [cell(member, field) for field, _h in COLUMNS]
        + [member.get_status_display(), member.joined_on, member.exited_on]
        + [signature_status(member), signature_date(member)]
        + [value for added in _added for value in added.values(member)]
        for member in members.iterator(chunk_size=500)
    )
    headings = (
        [heading for _field, heading in COLUMNS]
        + [HEADINGS[field] for field in HISTORY]
        + SIGNATURE_HEADINGS
        + [heading for added in _added for heading in added.headings]
    )
    return [("社员单位", headings, rows)]
