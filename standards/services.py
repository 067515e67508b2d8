from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import audit
from coop.models import Role, User
from standards.models import CollectionEntry, DeclaredStandard, ProductDeclaration, Standard
from standards.selectors import visible_standards


def check_usable(cooperative_id, standards):
    """Standards a member may declare: visible to its cooperative and still in force."""
    visible = set(visible_standards({cooperative_id}).filter(pk__in=[s.pk for s in standards]))
    today = timezone.localdate()
    for standard in standards:
        if standard not in visible:
            raise ValidationError(
                {"standards": _("%(code)s is not in the catalogue.") % {"code": standard.code}}
            )
        status = standard.status_on(today)
        if status == Standard.Status.SUPERSEDED:
            raise ValidationError(
                {
                    "standards": _(
                        "%(code)s has been replaced by %(successor)s: declare that instead."
                    )
                    % {"code": standard.code, "successor": standard.superseded_by.code}
                }
            )
        if status == Standard.Status.WITHDRAWN:
            raise ValidationError(
                {"standards": _("%(code)s has been withdrawn.") % {"code": standard.code}}
            )


@transaction.atomic
def declare(*, member, actor, standards, **fields):
    """A member declares the standards one of its products executes."""
    if not standards:
        raise ValidationError({"standards": _("Declare at least one standard.")})
    check_usable(member.cooperative_id, standards)
    declaration = ProductDeclaration(cooperative_id=member.cooperative_id, member=member, **fields)
    declaration.full_clean()
    declaration.save()
    set_standards(declaration, standards)
    audit.record(instance=declaration, actor=actor, action="declaration_create")
    return declaration


@transaction.atomic
def redeclare(*, declaration, actor, standards):
    """Replace the standards of a declaration (after a flag, say); their flags go with them."""
    if not standards:
        raise ValidationError({"standards": _("Declare at least one standard.")})
    check_usable(declaration.cooperative_id, standards)
    DeclaredStandard.objects.filter(declaration=declaration).delete()
    set_standards(declaration, standards)
    declaration.declared_on = timezone.localdate()
    declaration.save(update_fields=["declared_on"])
    audit.record(
        instance=declaration,
        actor=actor,
        action="declaration_update",
        changes={"standards": [s.code for s in standards]},
    )
    return declaration


def set_standards(declaration, standards):
    DeclaredStandard.objects.bulk_create(
        DeclaredStandard(
            cooperative_id=declaration.cooperative_id, declaration=declaration, standard=standard
        )
        for standard in standards
    )


@transaction.atomic
def flag_outdated(cooperative_id, today=None):
    """Flag declared standards replaced or withdrawn by ``today`` and tell the member and the
    cooperative's administrators what replaces them. A flag is raised once: a rerun on the
    same day, or the next day, sends nothing new, and a second run at once waits on the rows
    and then finds them flagged. A send that fails leaves them to the next run. Returns the
    rows flagged."""
    today = today or timezone.localdate()
    outdated = (
        DeclaredStandard.objects.filter(cooperative_id=cooperative_id, flagged_on=None)
        .filter(Standard.objects.replaced_or_withdrawn(today, prefix="standard__"))
        .select_related("standard__superseded_by", "declaration__member")
        .select_for_update(of=("self",))
    )
    rows = list(outdated)
    if not rows:
        return []
    DeclaredStandard.objects.filter(pk__in=[row.pk for row in rows]).update(flagged_on=today)
    notify(cooperative_id, rows)
    return rows


def outdated_line(row):
    standard = row.standard
    if standard.superseded_by_id:
        return _("%(member)s, %(product)s: %(code)s is replaced by %(successor)s.") % {
            "member": row.declaration.member.name,
            "product": row.declaration.product,
            "code": standard.code,
            "successor": standard.superseded_by.code,
        }
    return _("%(member)s, %(product)s: %(code)s has been withdrawn.") % {
        "member": row.declaration.member.name,
        "product": row.declaration.product,
        "code": standard.code,
    }


def notify(cooperative_id, rows):
    subject = _("Declared standards to update")
    by_member = {}
    for row in rows:
        by_member.setdefault(row.declaration.member_id, []).append(outdated_line(row))
    recipients = User.objects.exclude(email="")
    messages = [
        (
            subject,
            "\n".join(lines),
            settings.DEFAULT_FROM_EMAIL,
            list(recipients.filter(member_id=member_id).values_list("email", flat=True)),
        )
        for member_id, lines in by_member.items()
    ]
    staff = list(
        recipients.filter(role=Role.COOP_ADMIN, cooperative_id=cooperative_id).values_list(
            "email", flat=True
        )
    )
    every_line = [line for lines in by_member.values() for line in lines]
    messages.append((subject, "\n".join(every_line), settings.DEFAULT_FROM_EMAIL, staff))
    send_mass_mail([message for message in messages if message[3]], fail_silently=False)


@transaction.atomic
def collect(*, cooperative, actor, standard, section="", position=0, note=""):
    """Add a standard to the cooperative's collection."""
    check_usable(cooperative.pk, [standard])
    entry = CollectionEntry(
        cooperative=cooperative, standard=standard, section=section, position=position, note=note
    )
    entry.full_clean()
    entry.save()
    audit.record(instance=entry, actor=actor, action="collection_add")
    return entry
