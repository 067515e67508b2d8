"""The product a sampling round books for each member: its main product, never a placeholder
("supervisory sample" named nothing, and its report named no product).

A member's main product is, in order: the product of its self-declaration that executes the
round's standard for the round's safety category; else of a declaration of that category; else
its earliest declaration; else the first of the main products it registered; else the first of
its registered product categories. A member with none of these is booked with no product, and
the samplers name what they take (the sampling step asks for it).

The models are passed in, so the data migration that names the products of old rounds' batches
chooses them the same way with the models of its time."""

import re

from django.db.models import Min

from coop.id_lists import one_of

# How people list their main products: "床上用品、毛巾，浴巾; 窗帘".
SEPARATORS = re.compile(r"[、，,;；/／\s]+")


def first_listed(main_products):
    """The first product of a registered list, or ""."""
    return next((part for part in SEPARATORS.split(main_products or "") if part), "")


def main_products(member_ids, *, standard_id, category, models):
    """``{member id: product}`` for ``member_ids`` (a member with nothing to name is left out),
    in four queries whatever their number. ``models`` holds ``Member``, ``ProductDeclaration``,
    ``DeclaredStandard`` and ``MemberProductCategory`` (the app registry's, or a migration's)."""
    member_ids = list(member_ids)
    declared_standard = set(
        models["DeclaredStandard"]
        .objects.filter(one_of("declaration__member_id", member_ids), standard_id=standard_id)
        .values_list("declaration_id", flat=True)
    )
    chosen = {}
    declarations = (
        models["ProductDeclaration"]
        .objects.filter(one_of("member_id", member_ids))
        .order_by("declared_on", "id")
        .values_list("id", "member_id", "product", "safety_category")
    )
    best = {}
    for pk, member_id, product, safety_category in declarations:
        rank = 0 if pk in declared_standard and safety_category == category else 1
        if safety_category != category:
            rank = 2
        if product.strip() and (member_id not in best or rank < best[member_id][0]):
            best[member_id] = (rank, product.strip())
    chosen.update({member_id: product for member_id, (_rank, product) in best.items()})
    registered = (
        models["Member"]
        .objects.filter(one_of("pk", [m for m in member_ids if m not in chosen]))
        .values_list("pk", "main_products")
    )
    for member_id, listed in registered:
        if first := first_listed(listed):
            chosen[member_id] = first
    categories = (
        models["MemberProductCategory"]
        .objects.filter(one_of("member_id", [m for m in member_ids if m not in chosen]))
        .values("member_id")
        .annotate(first=Min("category__name_zh"))
    )
    for row in categories:
        if row["first"]:
            chosen[row["member_id"]] = row["first"]
    longest = 200  # Batch.product
    return {member_id: product[:longest] for member_id, product in chosen.items()}
