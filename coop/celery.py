import functools
import os

from celery import Celery

from coop.tenancy import scope

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")

app = Celery("coop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def tenant_task(*task_args, **task_options):
    """A Celery task run inside the scope of the ``cooperative_id`` it is given.

    Tasks never rely on a scope left by a request: the worker is another process, so the
    cooperative travels as the first argument and the task enters its scope itself.
    """

    def decorate(function):
        @functools.wraps(function)
        def run_in_scope(cooperative_id, *args, **kwargs):
            with scope({cooperative_id}):
                return function(cooperative_id, *args, **kwargs)

        return app.task(**task_options)(run_in_scope)

    if len(task_args) == 1 and callable(task_args[0]) and not task_options:
        return decorate(task_args[0])
    return decorate
