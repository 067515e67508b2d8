"""A sampling round's reasons in the reader's words.

A round keeps each selected member's reasons as codes with parameters
(``{"code": "stratum", "params": {"district": 6, "category": "bedding", …}}``), not as text:
the same round is read in Chinese and in English, and the stratum is named when read (district
and product category by name), never shown as its key. A higher app's risk source (credit's
complaints and grade, ``risk.py``) hands over its own codes and registers their templates here
in its ``AppConfig.ready()``, so this app renders them without importing that app.

Rounds planned before reasons were coded keep text; it is shown as stored, except that their
first reason (the stratum as ``district id/category``) is said again in words from the round's
inputs, as the round page always did.
"""

from collections import Counter

from django.db.models import CharField, F, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop.models import District
from standards.models import ProductCategory

STRATUM = "stratum"

# code -> a lazily translated template over the reason's params (so it reads in the language
# active when rendered, not the one the round was planned in).
_templates = {
    "failed_batches": gettext_lazy("%(count)d failed batch(es) in the last year"),
    "new_member": gettext_lazy("a new member"),
}


def register(templates):
    """Add a higher app's reason templates ``{code: lazy template}``; registering the same ones
    again changes nothing (``ready()`` may run more than once)."""
    _templates.update(templates)


def reason(code, **params):
    """A reason as a round keeps it; ``params`` are JSON-safe (ids, codes, counts)."""
    return {"code": code, "params": params}


def stratum_reason(key, taken, size):
    """The first reason of every selected member: its stratum (``district id/category code``,
    the selection's sorting key) and how many of that stratum were drawn."""
    district, _slash, category = key.partition("/")
    return reason(
        STRATUM,
        district=int(district) if district.isdigit() else None,
        category=category,
        taken=taken,
        size=size,
    )


def with_legacy_stratum(sampling_round, rows):
    """``rows`` of the selection, each with its reasons coded where they can be: a row stored
    as text has its first reason (the stratum's key) coded again from the round's inputs."""
    if all(not row["reasons"] or isinstance(row["reasons"][0], dict) for row in rows):
        return rows
    stratum_of = {row["member"]: row["stratum"] for row in sampling_round.inputs}
    size = Counter(stratum_of.values())
    taken = Counter(stratum_of.get(row["member"]) for row in sampling_round.selection)
    coded = []
    for row in rows:
        key = stratum_of.get(row["member"])
        if row["reasons"] and isinstance(row["reasons"][0], str) and key is not None:
            first = stratum_reason(key, taken[key], size[key])
            row = dict(row, reasons=[first, *row["reasons"][1:]])
        coded.append(row)
    return coded


def names_for(rows):
    """The districts and categories the rows' reasons name, both read in one query for a
    page (none when no reason names a stratum), as ``{"districts": {id: District},
    "categories": {code: ProductCategory}}`` whose ``name`` follows the active language."""
    districts, categories = set(), set()
    for row in rows:
        for said in row["reasons"]:
            if isinstance(said, dict) and said.get("code") == STRATUM:
                params = said.get("params", {})
                if params.get("district") is not None:
                    districts.add(params["district"])
                if params.get("category"):
                    categories.add(params["category"])
    names = {"districts": {}, "categories": {}}
    if not (districts or categories):
        return names
    fields = ("kind", "key", "name_zh", "name_en")
    both = (
        District.objects.filter(pk__in=districts)
        .order_by()
        .annotate(kind=Value("districts"), key=Cast("pk", CharField()))
        .values_list(*fields)
        .union(
            ProductCategory.objects.filter(code__in=categories)
            .order_by()
            .annotate(kind=Value("categories"), key=F("code"))
            .values_list(*fields)
        )
    )
    for kind, key, name_zh, name_en in both:
        if kind == "districts":
            names[kind][int(key)] = District(name_zh=name_zh, name_en=name_en)
        else:
            names[kind][key] = ProductCategory(name_zh=name_zh, name_en=name_en)
    return names


def reason_in_words(said, names):
    """One reason in the active language; a legacy text reason as stored."""
    if isinstance(said, str):
        return said
    code, params = said.get("code"), said.get("params", {})
    if code == STRATUM:
        district = names["districts"].get(params.get("district"))
        category = names["categories"].get(params.get("category"))
        # A category since removed from the catalogue is still better named by its code than
        # left out; a district is only ever an id, which says nothing to a reader.
        where = " · ".join(
            part
            for part in (
                district.name if district else "",
                category.name if category else params.get("category") or "",
            )
            if part
        )
        return _("Stratified sampling: %(where)s, %(taken)d of %(size)d members") % {
            "where": where or _("no district or category"),
            "taken": params.get("taken", 0),
            "size": params.get("size", 0),
        }
    template = _templates.get(code)
    if template is None:  # a source no longer installed: its code is all there is to say
        return str(code)
    return str(template) % params if params else str(template)


def selection_in_words(sampling_round, rows):
    """``{member id: [reason in words, …]}`` for ``rows`` of the round's selection."""
    rows = with_legacy_stratum(sampling_round, rows)
    names = names_for(rows)
    return {
        row["member"]: [reason_in_words(said, names) for said in row["reasons"]] for row in rows
    }
