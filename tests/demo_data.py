"""The demo's data seeded once for a whole test module, for modules whose tests read it (or
change it only inside their own savepoint). Seeding took 4–7 s a time; seeded for each test,
the demo's modules alone took a minute of the suite."""

from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

from coop.tenancy import unscoped


@contextmanager
def seeded_for_the_module(django_db_blocker, haimen_members):
    """Seed the demo in a transaction rolled back when the module is done. Each test runs in a
    savepoint inside it (pytest-django's ``db``), so each starts from the same rows and nothing
    is left for other modules. Django closes the connection at the end of each request; the
    transaction must outlive the module's requests, as Django's test client arranges."""
    from supervision import demo

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            with unscoped():
                demo.seed(haimen_members=haimen_members, log=lambda *args: None)
            yield
            transaction.set_rollback(True)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
