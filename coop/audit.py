from coop.models import AuditRecord


def record(*, instance, actor, action, reason="", changes=None):
    """Write the audit record of a change to a tenant-owned ``instance``."""
    return AuditRecord.objects.create(
        cooperative_id=instance.cooperative_id,
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=instance.pk,
        reason=reason,
        changes=changes or {},
    )
