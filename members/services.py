from django.db import transaction

from coop import audit
from members.models import Member

EDITABLE_FIELDS = ("name", "uscc", "kind", "district", "town")


@transaction.atomic
def member_create(*, cooperative, actor, name, uscc, kind, district, town=""):
    """Staff enter a member unit; it starts as an application (the lifecycle follows it)."""
    member = Member(
        cooperative=cooperative, name=name, uscc=uscc, kind=kind, district=district, town=town
    )
    member.full_clean()
    member.save()
    audit.record(instance=member, actor=actor, action="member_create")
    return member


@transaction.atomic
def member_update(*, member, actor, **fields):
    """Change a member's details (not its status, which only moves by transitions)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    changes = {
        name: [getattr(member, name), value]
        for name, value in fields.items()
        if getattr(member, name) != value
    }
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean()
    member.save(update_fields=list(fields))
    audit.record(instance=member, actor=actor, action="member_update", changes=changes)
    return member
