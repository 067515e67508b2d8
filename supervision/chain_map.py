"""The industry-chain map (issue 18, Ningbo's textile and clothing chain): how a region's or a
cooperative's members are spread over the links of their industry's chain (``ChainLink``), by
district and town, with above-designated-size counts and the pass rates of their batches; and
the chain's weak links, the failure rate by link and indicator over several years and across
the cooperatives.

Every figure is one grouped query, filtered to the cooperatives asked for (inside the request's
scope, which already holds them): members by (cooperative, link, district, town), batches by the
same, results by (cooperative, link, indicator, year). The tables by link, district and town
are sums of those rows in Python: a member lies in exactly one such cell, so counts of members
(even of distinct members with batches) add up. The cost does not grow with members or batches
beyond the database's own grouping.

``public_map`` is the aggregate anyone may see: no member is named, and a cell of fewer than
``PUBLIC_FLOOR`` members shows ``None`` (the page writes "<3"), as does the pass rate of a cell
whose batches come from fewer members.
"""

import math
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from coop.errors import BadParameter
from coop.figures import year_range
from coop.periods import FIRST_YEAR, asked_year
from coop.tenancy import unscoped
from members.chain_links import industries_read
from members.models import ChainLink, Member
from standards.models import Indicator
from testing_fund.models import Batch, Result
from testing_fund.statistics import FAILED_RESULT, PASSED, rate

# The fewest members a public cell may show (or base a pass rate on).
PUBLIC_FLOOR = 3
# Years a multi-year figure spans by default (the weak links, the trends), and at most.
DEFAULT_YEARS = 3
MOST_YEARS = 10
# ``?link=none``: members not placed in the chain yet.
UNPLACED = "none"


def failure_rate(failed, total):
    """The failure rate in percent, to one decimal; None when nothing was tested."""
    return round(100 * failed / total, 1) if total else None


def asked_span(params, default=DEFAULT_YEARS):
    """``(first, last)`` years a query string asks for: ``year`` the last (this year when
    absent) and ``years`` how many (``DEFAULT_YEARS``), or ``BadParameter`` naming the field."""
    last = asked_year(params)
    raw = params.get("years", "")
    if raw == "":
        span = default
    elif raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MOST_YEARS:
        span = int(raw)
    else:
        raise BadParameter(
            {"years": _("Give a number of years from 1 to %(most)d.") % {"most": MOST_YEARS}},
            code="years_range",
        )
    return last_years(last, span)


def last_years(last, span=DEFAULT_YEARS):
    """``(first, last)``: ``span`` years up to ``last``, none before the portal's first."""
    return max(FIRST_YEAR, last - span + 1), last


def span_range(first, last):
    return year_range(first)[0], year_range(last)[1]


def all_links():
    """Every industry's links, in the chain's order: one query, a few rows. A page showing the
    map and the weak links reads them once and hands them to both."""
    return list(ChainLink.objects.all())


def links_for(used, links=None):
    """The links a map shows: every link of the industries its members' links belong to (the
    textile chain when none is placed yet), in the chain's order."""
    links = all_links() if links is None else links
    industries = industries_read(link.industry for link in links if link.pk in used)
    return [link for link in links if link.industry in industries]


@dataclass
class Figures:
    """A cell of the map: members, above designated size, batches, passed, and the distinct
    members the batches come from."""

    members: int = 0
    above_size: int = 0
    batches: int = 0
    passed: int = 0
    tested_members: int = 0
    by_link: dict = field(default_factory=dict)  # link id (or None): members

    def add_members(self, row):
        self.members += row["members"]
        self.above_size += row["above_size"]
        link = row["chain_link"]
        self.by_link[link] = self.by_link.get(link, 0) + row["members"]

    def add_batches(self, row):
        self.batches += row["batches"]
        self.passed += row["passed"]
        self.tested_members += row["tested_members"]

    @property
    def rate(self):
        return rate(self.passed, self.batches)

    @property
    def failed(self):
        """Batches that did not pass (failed, or not judged pass)."""
        return self.batches - self.passed


def member_rows(cooperative_ids):
    """Active members by cooperative, link, district and town: one grouped query."""
    return list(
        Member.objects.filter(cooperative_id__in=cooperative_ids, status=Member.Status.ACTIVE)
        .values("cooperative_id", "chain_link", "district", "district__name_zh", "town")
        .annotate(
            members=Count("*"),
            above_size=Count("scale", filter=Q(scale=Member.Scale.ABOVE_DESIGNATED_SIZE)),
        )
        .order_by()
    )


def batch_rows(cooperative_ids, year):
    """Batches reported in ``year`` (re-tests left out, as every pass rate counts them) by the
    member's cooperative, link, district and town: one grouped query."""
    return [
        {
            "cooperative_id": row["cooperative_id"],
            "chain_link": row["member__chain_link"],
            "district": row["member__district"],
            "district__name_zh": row["member__district__name_zh"],
            "town": row["member__town"],
            "batches": row["batches"],
            "passed": row["passed"],
            "tested_members": row["tested_members"],
        }
        for row in Batch.objects.filter(
            cooperative_id__in=cooperative_ids, reported_on__range=year_range(year)
        )
        .exclude(kind=Batch.Kind.RETEST)
        .values(
            "cooperative_id",
            "member__chain_link",
            "member__district",
            "member__district__name_zh",
            "member__town",
        )
        .annotate(batches=Count("*"), passed=PASSED, tested_members=Count("member", distinct=True))
        .order_by()
    ]


def rolled_up(members, batches, key):
    """``{key(row): Figures}`` summed from the member and batch rows."""
    cells = {}
    for row in members:
        cells.setdefault(key(row), Figures()).add_members(row)
    for row in batches:
        cells.setdefault(key(row), Figures()).add_batches(row)
    return cells


def chain_map(cooperative_ids, year, links=None):
    """The map of the cooperatives ``cooperative_ids`` in ``year``: rows by link (and one for
    members not placed yet), by district and by town (each with members per link), and by
    cooperative. Three queries: members, batches, links."""
    members = member_rows(cooperative_ids)
    batches = batch_rows(cooperative_ids, year)
    used = {row["chain_link"] for row in [*members, *batches] if row["chain_link"]}
    links = links_for(used, links)
    by_link = rolled_up(members, batches, lambda row: row["chain_link"])
    link_ids = [link.pk for link in links]
    rows = [
        {"link": link, "key": str(link.pk), "figures": by_link.get(link.pk, Figures())}
        for link in links
    ]
    unplaced = by_link.get(None)
    if unplaced is not None:
        rows.append({"link": None, "key": UNPLACED, "figures": unplaced})
    columns = [*link_ids, *([None] if unplaced is not None else [])]

    def matrix(key, name):
        cells = rolled_up(members, batches, key)
        return [
            {
                "key": place,
                "name": name(place),
                "district_name": district_names.get(place[0] if isinstance(place, tuple) else place)
                or "",
                "figures": figures,
                "cells": [figures.by_link.get(link, 0) for link in columns],
            }
            for place, figures in sorted(cells.items(), key=lambda item: name(item[0]))
        ]

    district_names = {row["district"]: row["district__name_zh"] for row in [*members, *batches]}
    total = Figures()
    for row in members:
        total.add_members(row)
    for row in batches:
        total.add_batches(row)
    return {
        "year": year,
        "links": rows,
        "columns": [row["link"] for row in rows],
        "districts": matrix(
            lambda row: row["district"], lambda district: district_names.get(district) or ""
        ),
        "towns": matrix(
            lambda row: (row["district"], row["town"]),
            lambda place: f"{district_names.get(place[0]) or ''} {place[1] or '—'}",
        ),
        "cooperatives": rolled_up(members, batches, lambda row: row["cooperative_id"]),
        "total": total,
    }


def heat(value, top):
    """A cell's shade, 0 (none) to 4 (the most in the table), as the problem map's."""
    return math.ceil(4 * value / top) if top and value else 0


def weak_links(cooperative_ids, first, last, links=None):
    """Failure rates by link and indicator over the years ``first`` to ``last``, and by link
    and year, and by link and cooperative: from one grouped query of the results (the
    indicators named by a second)."""
    rows = list(
        Result.objects.filter(
            cooperative_id__in=cooperative_ids, reported_on__range=span_range(first, last)
        )
        .exclude(verdict="")
        .annotate(year=ExtractYear("reported_on"))
        .values("cooperative_id", "batch__member__chain_link", "indicator_id", "year")
        .annotate(total=Count("*"), failed=FAILED_RESULT)
        .order_by()
    )
    indicators = list(
        Indicator.objects.filter(pk__in={row["indicator_id"] for row in rows})
        .order_by("code")
        .values_list("pk", "code", "name_zh")
    )
    links = links_for({row["batch__member__chain_link"] for row in rows}, links)
    known = {link.pk for link in links}
    sums = {}

    def add(key, row):
        cell = sums.setdefault(key, [0, 0])
        cell[0] += row["total"]
        cell[1] += row["failed"]

    for row in rows:
        link = row["batch__member__chain_link"]
        link = link if link in known else None
        add(("cell", link, row["indicator_id"]), row)
        add(("year", link, row["year"]), row)
        add(("cooperative", link, row["cooperative_id"]), row)
        add(("link", link), row)
    unplaced = any(key[0] == "link" and key[1] is None for key in sums)
    shown = [*links, *([None] if unplaced else [])]
    rates = {key: failure_rate(failed, total) for key, (total, failed) in sums.items()}
    top = max((value for key, value in rates.items() if key[0] == "cell" and value), default=0)
    years = list(range(first, last + 1))
    cooperatives = sorted({row["cooperative_id"] for row in rows})

    def cell(key):
        total, failed = sums.get(key, (0, 0))
        value = rates.get(key)
        return {"total": total, "failed": failed, "rate": value, "level": heat(value or 0, top)}

    table = []
    for link in shown:
        link_id = link.pk if link else None
        table.append(
            {
                "link": link,
                "key": str(link_id) if link else UNPLACED,
                "overall": cell(("link", link_id)),
                "cells": [
                    dict(cell(("cell", link_id, pk)), code=code) for pk, code, _name in indicators
                ],
                "years": [cell(("year", link_id, year)) for year in years],
                "cooperatives": [cell(("cooperative", link_id, pk)) for pk in cooperatives],
            }
        )
    weakest = sorted(
        (
            {"link": row["link"], "key": row["key"], "indicator": indicator, **found}
            for row in table
            for indicator, found in zip(indicators, row["cells"], strict=True)
            if found["failed"]
        ),
        key=lambda item: (-item["rate"], -item["failed"]),
    )[:10]
    return {
        "first": first,
        "last": last,
        "years": years,
        "indicators": indicators,
        "rows": table,
        "cooperative_ids": cooperatives,
        "weakest": weakest,
    }


def public_count(count):
    """A count fit for the public: None (shown as "<3") under the floor."""
    return count if count >= PUBLIC_FLOOR else None


def public_figures(figures):
    """A cell as the public sees it: counts under the floor and the pass rate of batches from
    fewer members than the floor left out. No member is in it, only counts. ``withheld``: the
    cell is hidden to protect another (``protected``), not for its own size."""
    shown = figures.members >= PUBLIC_FLOOR
    from_enough = figures.tested_members >= PUBLIC_FLOOR
    return {
        "members": figures.members if shown else None,
        "above_size": public_count(figures.above_size) if shown else None,
        "batches": figures.batches if shown and from_enough else None,
        "rate": figures.rate if shown and from_enough else None,
        "withheld": False,
    }


def protected(rows):
    """Complementary suppression of a public table, ``[(Figures, public cell)]``. The
    cooperative's public page gives its active members and its pass rate: a table hiding one
    cell alone would give that cell away by subtraction. So when exactly one cell hides its
    members, the smallest shown one is withheld too; and likewise for the batches and pass
    rate among the cells with batches."""
    small = [cell for figures, cell in rows if figures.members and cell["members"] is None]
    shown = [(figures, cell) for figures, cell in rows if cell["members"] is not None]
    if len(small) == 1 and shown:
        _figures, cell = min(shown, key=lambda pair: pair[0].members)
        cell.update(members=None, above_size=None, batches=None, rate=None, withheld=True)
    tested = [(figures, cell) for figures, cell in rows if figures.batches]
    hidden = [cell for _figures, cell in tested if cell["rate"] is None]
    rated = [(figures, cell) for figures, cell in tested if cell["rate"] is not None]
    if len(hidden) == 1 and rated:
        _figures, cell = min(rated, key=lambda pair: pair[0].batches)
        cell.update(batches=None, rate=None, withheld=True)
    return [cell for _figures, cell in rows]


def public_map(cooperative_ids, year):
    """The map in aggregate for anyone: by link and by district, cells under the floor hidden
    (with one more where a single hidden cell would show by subtraction), links or districts
    without members left out, and no total (the cooperative's page gives its own)."""
    found = chain_map(cooperative_ids, year)
    links = [
        (
            row["figures"],
            {
                "code": row["link"].code if row["link"] else UNPLACED,
                "name": row["link"].name if row["link"] else _("Not placed in the chain yet"),
                **public_figures(row["figures"]),
            },
        )
        for row in found["links"]
        if row["figures"].members
    ]
    districts = [
        (row["figures"], {"name": row["name"], **public_figures(row["figures"])})
        for row in found["districts"]
        if row["figures"].members
    ]
    return {"year": year, "links": protected(links), "districts": protected(districts)}


def drill_down(batches, params):
    """The batches behind a cell of the map or of the weak links: ``link`` (a link's id, or
    ``none``), ``district`` (id), ``town``, ``cooperative`` (id), ``passed`` (true/false), and
    over the years ``year``/``years`` (one year by default): ``indicator`` (a code) keeps the
    batches tested on it, with ``failed=1`` those failing it. Bad values are a 400 naming the
    parameter. Newest first."""
    first, last = asked_span(params, default=1)
    rows = batches.filter(reported_on__range=span_range(first, last))
    link = params.get("link", "")
    if link == UNPLACED:
        rows = rows.filter(member__chain_link__isnull=True)
    elif link:
        if not (link.isascii() and link.isdigit()):
            raise BadParameter({"link": _("Give a link of the chain.")}, code="link")
        rows = rows.filter(member__chain_link=int(link))
    for name, lookup in (("district", "member__district"), ("cooperative", "cooperative_id")):
        value = params.get(name, "")
        if value:
            if not (value.isascii() and value.isdigit() and len(value) < 12):
                raise BadParameter(
                    {name: _("Give the number of a district or cooperative.")}, code=name
                )
            rows = rows.filter(**{lookup: int(value)})
    if "town" in params:
        rows = rows.filter(member__town=params["town"])
    passed = params.get("passed", "")
    if passed in ("true", "false"):
        rows = rows.filter(passed=passed == "true")
    elif passed:
        raise BadParameter({"passed": _("Give true or false.")}, code="passed")
    indicator = params.get("indicator", "")
    if indicator:
        if params.get("failed") == "1":
            rows = rows.filter(results__indicator__code=indicator, results__verdict="fail")
        else:
            rows = rows.filter(
                results__indicator__code=indicator, results__verdict__in=["pass", "warn", "fail"]
            )
    else:
        rows = rows.exclude(kind=Batch.Kind.RETEST)
    return rows.order_by("-reported_on", "-pk")


def suppressed(values, equations):
    """Complementary suppression over published sums: ``values`` maps a cell's key to its
    count, ``equations`` lists ``(total key, [part keys])`` whose totals the page shows. A
    count from 1 to ``PUBLIC_FLOOR - 1`` is hidden; then, while a sum has exactly one hidden
    term (its total or a part), that one could be worked out by subtraction, so the smallest
    other non-zero term is withheld too, until no sum has exactly one. Zeros are shown (a zero
    gives nothing away). Returns ``(hidden, withheld)``: the keys hidden for their own size
    and those withheld to protect them."""
    hidden = {key for key, value in values.items() if 0 < value < PUBLIC_FLOOR}
    withheld = set()
    changed = True
    while changed:
        changed = False
        for total, parts in equations:
            terms = [total, *parts]
            covered = [key for key in terms if key in hidden or key in withheld]
            if len(covered) != 1:
                continue
            # Parts before the total at the same count, so a margin is the last thing withheld.
            candidates = [
                (values.get(key, 0), key == total, index, key)
                for index, key in enumerate(terms)
                if values.get(key, 0) and key not in covered
            ]
            if candidates:
                withheld.add(min(candidates)[3])
                changed = True
    return hidden, withheld


def region_public_map(cooperative_ids):
    """The chain map of a region's cooperatives for anyone: active members by link, by
    district and by town, with the totals of each row and column and of the region. No member
    named, no batch figure (a cooperative's own public map has its pass rates); a count under
    the floor is hidden and complementary suppression (``suppressed``) keeps it from being
    worked out from any total the page shows, across both tables. Reads the members of other
    cooperatives than the request's scope holds (none, for the public): the one reviewed place
    that does, with only counts coming out. Two queries: members, links."""
    with unscoped():
        members = member_rows(cooperative_ids)
    used = {row["chain_link"] for row in members if row["chain_link"]}
    counted = {row["chain_link"] for row in members}
    links = [link for link in links_for(used) if link.pk in counted]
    columns = [*(link.pk for link in links), *([None] if None in counted else [])]
    district_names = {row["district"]: row["district__name_zh"] or "" for row in members}
    values = {}

    def add(key, count):
        values[key] = values.get(key, 0) + count

    towns = {}
    for row in members:
        district, town, link, count = (
            row["district"],
            row["town"] or "",
            row["chain_link"],
            row["members"],
        )
        towns.setdefault(district, set()).add(town)
        add(("town", district, town, link), count)
        add(("town total", district, town), count)
        add(("district", district, link), count)
        add(("district total", district), count)
        add(("link", link), count)
        add(("region",), count)
    districts = sorted(towns, key=lambda pk: (district_names.get(pk, ""), pk or 0))
    equations = [
        (("region",), [("link", link) for link in columns]),
        (("region",), [("district total", district) for district in districts]),
    ]
    for link in columns:
        equations.append((("link", link), [("district", district, link) for district in districts]))
    for district in districts:
        places = sorted(towns[district])
        equations.append(
            (("district total", district), [("district", district, link) for link in columns])
        )
        equations.append(
            (
                ("district total", district),
                [("town total", district, town) for town in places],
            )
        )
        for link in columns:
            equations.append(
                (("district", district, link), [("town", district, town, link) for town in places])
            )
        for town in places:
            equations.append(
                (
                    ("town total", district, town),
                    [("town", district, town, link) for link in columns],
                )
            )
    hidden, withheld = suppressed(values, equations)

    def cell(key):
        value = values.get(key, 0)
        shown = key not in hidden and key not in withheld
        return {"members": value if shown else None, "withheld": key in withheld}

    return {
        "columns": [{"code": link.code, "name": link.name} for link in links]
        + (
            [{"code": UNPLACED, "name": _("Not placed in the chain yet")}]
            if None in counted
            else []
        ),
        "districts": [
            {
                "name": district_names.get(district) or "—",
                "cells": [cell(("district", district, link)) for link in columns],
                "total": cell(("district total", district)),
                "towns": [
                    {
                        "name": town or "—",
                        "cells": [cell(("town", district, town, link)) for link in columns],
                        "total": cell(("town total", district, town)),
                    }
                    for town in sorted(towns[district])
                ],
            }
            for district in districts
        ],
        "links": [cell(("link", link)) for link in columns],
        "total": cell(("region",)),
    }
