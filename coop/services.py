"""Writes shared by every app: create, change and delete a tenant-owned row, validated and audited.

Services with rules of their own (a lifecycle transition, a signature) live in their app and
use these for the plain part.
"""

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from coop import audit
from coop.errors import Refused


def _changes(instance, fields):
    return {
        name: [str(getattr(instance, name)), str(value)]
        for name, value in fields.items()
        if getattr(instance, name) != value
    }


@transaction.atomic
def create_owned(model, *, cooperative, actor, **fields):
    instance = model(cooperative=cooperative, **fields)
    instance.full_clean()
    instance.save()
    audit.record(instance=instance, actor=actor, action=f"{model._meta.model_name}_create")
    return instance


@transaction.atomic
def update_owned(instance, *, actor, **fields):
    changes = _changes(instance, fields)
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    action = f"{instance._meta.model_name}_update"
    audit.record(instance=instance, actor=actor, action=action, changes=changes)
    return instance


@transaction.atomic
def delete_owned(instance, *, actor):
    """Delete ``instance``; refused (and nothing written) while other rows refer to it."""
    audit.record(instance=instance, actor=actor, action=f"{instance._meta.model_name}_delete")
    try:
        instance.delete()
    except ProtectedError as error:
        kinds = sorted({str(row._meta.verbose_name) for row in error.protected_objects})
        raise Refused(
            _("This %(noun)s cannot be deleted while these refer to it: %(kinds)s.")
            % {"noun": instance._meta.verbose_name, "kinds": _(", ").join(kinds)}
        ) from None
