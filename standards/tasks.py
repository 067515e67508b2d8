from coop.celery import app, tenant_task
from coop.models import Cooperative
from standards.services import flag_outdated


@tenant_task
def flag_outdated_declarations(cooperative_id):
    """One cooperative's daily check of its members' declared standards."""
    return len(flag_outdated(cooperative_id))


@app.task
def flag_outdated_declarations_everywhere():
    """The daily schedule's entry: one task per cooperative, each in its own scope."""
    for cooperative_id in Cooperative.objects.values_list("pk", flat=True):
        flag_outdated_declarations.delay(cooperative_id)
