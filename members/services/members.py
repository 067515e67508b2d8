from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coop import audit
from members.models import GrowthEvent, Member, MemberProductCategory
from members.services import accounts, lifecycle

# What staff may change on a member (status moves only by transitions).
EDITABLE_FIELDS = (
    "name",
    "kind",
    "uscc",
    "registration_number",
    "legal_representative",
    "contact_person",
    "contact_phone",
    "contact_email",
    "address",
    "district",
    "town",
    "scale",
    "chain_role",
    "chain_link",
    "main_products",
    "ecommerce_seller",
    "shop_links",
)
# What an enterprise may change on its own unit: how to reach it and what it sells.
ENTERPRISE_EDITABLE_FIELDS = (
    "legal_representative",
    "contact_person",
    "contact_phone",
    "contact_email",
    "address",
    "main_products",
    "ecommerce_seller",
    "shop_links",
    "lending_consent",  # the member's own consent: staff do not give it
)


def set_categories(member, categories):
    MemberProductCategory.objects.filter(member=member).delete()
    MemberProductCategory.objects.bulk_create(
        MemberProductCategory(cooperative_id=member.cooperative_id, member=member, category=c)
        for c in categories
    )


def check_district(member, *, kept=None):
    """A member lies in a district its cooperative serves (the seat's or another of its
    region's that the cluster spans).

    ``kept`` is the district the member had before an update: keeping it is allowed even when
    the cooperative no longer serves it (or the member predates the rule), so its other
    details can still be corrected; moving to an unserved district is not."""
    if not member.district_id or member.district_id == kept:
        return
    cooperative = member.cooperative
    served = list(cooperative.districts.all())
    if member.district_id not in {district.pk for district in served}:
        raise ValidationError(
            {
                "district": _(
                    "%(cooperative)s does not serve this district; its members lie in: %(served)s."
                )
                % {
                    "cooperative": cooperative.name,
                    "served": "、".join(district.name for district in served) or "—",
                }
            }
        )


@transaction.atomic
def member_create(*, cooperative, actor, categories=(), **fields):
    """Staff enter a member unit; it starts as an application, like one from the public site."""
    member = Member(cooperative=cooperative, **fields)
    member.full_clean()
    check_district(member)
    member.save()
    set_categories(member, categories)
    lifecycle.MEMBER.record(member, "apply", actor=actor)
    audit.record(instance=member, actor=actor, action="member_create")
    return member


@transaction.atomic
def member_update(*, member, actor, categories=None, **fields):
    """Change a member's details (not its status, which only moves by transitions)."""
    unknown = set(fields) - set(EDITABLE_FIELDS) - set(ENTERPRISE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    changes = {
        name: [str(getattr(member, name)), str(value)]
        for name, value in fields.items()
        if getattr(member, name) != value
    }
    kept = member.district_id
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean()
    check_district(member, kept=kept)
    member.save()
    if categories is not None:
        set_categories(member, categories)
    audit.record(instance=member, actor=actor, action="member_update", changes=changes)
    return member


@transaction.atomic
def member_apply(*, cooperative, categories=(), **fields):
    """An enterprise applies on the public site. No account is made here, so the answer is the
    same whoever applies: the contact email gets a link to set one up (``accounts``)."""
    if not fields.get("contact_email"):
        raise ValidationError(
            {
                "contact_email": _(
                    "Give an email address: the link to set up your account goes there."
                )
            }
        )
    member = member_create(cooperative=cooperative, actor=None, categories=categories, **fields)
    accounts.invite_on_commit(member)
    return member


@transaction.atomic
def record_growth(*, member, actor, kind, on, note=""):
    """Record a step up and update the unit to match: a company now, or above designated size."""
    if kind == GrowthEvent.Kind.HOUSEHOLD_TO_COMPANY:
        if member.kind != Member.Kind.INDIVIDUAL_HOUSEHOLD:
            raise ValidationError(
                {"kind": _("Only an individual household converts to a company.")}
            )
        if not member.uscc:
            raise ValidationError(
                {"kind": _("Enter the company's unified social credit code on the member first.")}
            )
        member.kind = Member.Kind.ENTERPRISE
    elif member.scale == Member.Scale.ABOVE_DESIGNATED_SIZE:
        raise ValidationError({"kind": _("This member is already above designated size.")})
    else:
        member.scale = Member.Scale.ABOVE_DESIGNATED_SIZE
    event = GrowthEvent(
        cooperative_id=member.cooperative_id, member=member, kind=kind, on=on, note=note
    )
    event.full_clean()
    event.save()
    member.save(update_fields=["kind", "scale"])
    audit.record(instance=event, actor=actor, action="growth_record", changes={"kind": kind})
    return event
