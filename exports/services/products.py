"""A member's export products: entered by its enterprise account or by the cooperative's
administrator; each new or changed product is matched against the cooperative's measures, so
a member that starts exporting a touched product to a touched market is alerted too."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coop import audit
from exports.models import ExportMarket, ExportProduct, validate_countries


def markets_of(codes):
    """The markets as given (a list of codes, or one text of codes separated by commas or
    spaces), upper-cased, each once, in the order given; refused naming ``markets``."""
    if isinstance(codes, str):
        codes = codes.replace("，", ",").replace("、", ",").replace(" ", ",").split(",")
    cleaned = []
    for code in codes or []:
        code = str(code).strip().upper()
        if code and code not in cleaned:
            cleaned.append(code)
    try:
        validate_countries(cleaned)
    except ValidationError as error:
        raise ValidationError({"markets": error.messages}) from None
    return cleaned


@transaction.atomic
def save_export_product(
    *, member, actor, name, hs_code, markets, category=None, product=None, notify=True
):
    """Make (or, given ``product``, change) a member's export product and its markets."""
    from exports.services.measures import match_product  # measures import this module

    codes = markets_of(markets)
    if product is None:
        product = ExportProduct(cooperative_id=member.cooperative_id, member=member)
        action = "exportproduct_create"
    else:
        action = "exportproduct_update"
    product.name = (name or "").strip()
    product.hs_code = (hs_code or "").strip().replace(".", "")
    product.category = category
    product.full_clean()
    product.save()
    product.markets.all().delete()
    ExportMarket.objects.bulk_create(
        ExportMarket(cooperative_id=product.cooperative_id, product=product, country=code)
        for code in codes
    )
    audit.record(instance=product, actor=actor, action=action, changes={"markets": codes})
    match_product(product, notify=notify)
    return product


@transaction.atomic
def delete_export_product(*, product, actor):
    audit.record(instance=product, actor=actor, action="exportproduct_delete")
    product.delete()


def refuse_other_member(member, user_member_id):
    if member.pk != user_member_id:
        raise ValidationError({"member": _("An enterprise enters its own export products.")})
