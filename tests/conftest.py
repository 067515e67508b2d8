"""Fixtures: two cooperatives in two regions, and a user of every role in each.

The suite runs on PostgreSQL and Redis only (see README): a run that would silently fall back
to SQLite or to in-process tasks stops at once and says how to point it at the real servers.
"""

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from knox.models import AuthToken
from rest_framework.test import APIClient

from coop.models import Role
from tests.factories import (
    CooperativeFactory,
    InstitutionFactory,
    MemberFactory,
    RegionFactory,
    UserFactory,
)


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    problems = []
    if not engine.endswith("postgresql"):
        problems.append(f"DATABASE_URL points at {engine}, not PostgreSQL")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL is not set")
    # A fast hasher: the fixtures make eight accounts per test; login logic is Django's own.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Two runs at once on one machine (two checkouts, or a developer's run beside CI's) keep
    # apart: their own test database, cache keys and Celery queue, named after this process.
    run = f"run{os.getpid()}"
    if engine.endswith("postgresql"):
        test = settings.DATABASES["default"].setdefault("TEST", {})
        test["NAME"] = f"{test.get('NAME') or settings.DATABASES['default']['NAME']}_{run}"
    settings.CACHES["default"]["KEY_PREFIX"] = run
    settings.CELERY_TASK_DEFAULT_QUEUE = run
    # Public pages are not cached: a test counting a page's queries, or changing data in a
    # transaction that never commits, sees the view. tests/coop/test_public_cache.py turns it on.
    settings.PUBLIC_CACHE_SECONDS = 0
    # Nor staff lists (coop/staff_cache.py), but in tests/coop/test_staff_cache.py.
    settings.STAFF_CACHE_SECONDS = 0
    # Documents and uploads made by the tests go to a folder of this run, removed at its end,
    # never into the checkout's media/ (checkout_media_untouched below holds it to that).
    global TEMPORARY_MEDIA
    TEMPORARY_MEDIA = Path(tempfile.mkdtemp(prefix=f"coop-portal-media-{run}-"))
    settings.MEDIA_ROOT = TEMPORARY_MEDIA
    os.environ["MEDIA_ROOT"] = str(TEMPORARY_MEDIA)  # for the processes tests start, too
    # Static files by their plain names from the source folders, as the browser journeys' live
    # server serves them, so the suite needs no collectstatic; the hashed names that production
    # serves are tested in tests/coop/test_deployment.py.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if problems:
        pytest.exit(
            "The tests need PostgreSQL and Redis: " + "; ".join(problems) + ". Run them with "
            "the README's test command (bin/test), which sets DATABASE_URL and REDIS_URL.",
            returncode=2,
        )


TEMPORARY_MEDIA = None
CHECKOUT_MEDIA = Path(settings.BASE_DIR) / "media"


def pytest_unconfigure(config):
    if TEMPORARY_MEDIA is not None:
        shutil.rmtree(TEMPORARY_MEDIA, ignore_errors=True)


def media_files(folder):
    """Every file under ``folder`` (none if it is missing) with its size and modification time."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file():
            found[str(path.relative_to(folder))] = (path.stat().st_size, path.stat().st_mtime_ns)
    return found


@pytest.fixture(scope="session", autouse=True)
def checkout_media_untouched():
    """Two runs of the suite once left 88 PDFs in the checkout's media/: a run that adds,
    changes or removes a file there fails at its end."""
    before = media_files(CHECKOUT_MEDIA)
    yield
    after = media_files(CHECKOUT_MEDIA)
    changed = sorted(name for name in before | after if before.get(name) != after.get(name))
    assert not changed, f"the tests wrote into the checkout's media/: {changed[:20]}"


@dataclass
class Tenant:
    """One cooperative of the fixtures, with a user of every role."""

    cooperative: object
    member: object
    supervisor: object
    admin: object
    lab: object
    enterprise: object

    @property
    def slug(self):
        return self.cooperative.slug

    def users(self):
        return {
            "supervisor": self.supervisor,
            "admin": self.admin,
            "lab": self.lab,
            "enterprise": self.enterprise,
        }


def make_tenant(label):
    region = RegionFactory(slug=f"region-{label}")
    cooperative = CooperativeFactory(slug=f"coop-{label}", region=region)
    member = MemberFactory(cooperative=cooperative, name=f"{label} 家纺有限公司")
    institution = InstitutionFactory()
    institution.cooperatives.add(cooperative)
    return Tenant(
        cooperative=cooperative,
        member=member,
        supervisor=UserFactory(
            username=f"{label}-supervisor", role=Role.REGION_SUPERVISOR, region=region
        ),
        admin=UserFactory(username=f"{label}-admin", role=Role.COOP_ADMIN, cooperative=cooperative),
        lab=UserFactory(username=f"{label}-lab", role=Role.LAB_TECHNICIAN, institution=institution),
        enterprise=UserFactory(username=f"{label}-enterprise", role=Role.ENTERPRISE, member=member),
    )


@pytest.fixture
def coop_a(db):
    return make_tenant("a")


@pytest.fixture
def coop_b(db):
    return make_tenant("b")


@pytest.fixture
def api():
    """An API client: ``api(user)`` authenticates with a new token of the user's (as a login
    would make), ``api()`` is anonymous."""

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            _, token = AuthToken.objects.create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return client_for


@pytest.fixture
def convention(coop_a):
    """Version 1 of coop A's convention, adopted by its administrator."""
    from coop.tenancy import scope
    from members.services.convention import convention_adopt

    with scope({coop_a.cooperative.pk}):
        return convention_adopt(
            cooperative=coop_a.cooperative,
            actor=coop_a.admin,
            title="质量公约",
            text="",
            purpose="质量第一",
            principles="诚信守约",
            duties="执行标准",
            member_conditions="依法登记",
            entry_exit_rules="自愿加入",
        )


@pytest.fixture
def eager():
    """Tasks run in-process, as on the demo (SQLite, no Redis), for tests that follow a task's
    effect rather than the worker (``worker`` below is the real one)."""
    from coop.celery import app

    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


@pytest.fixture
def worker(transactional_db):
    """A real Celery worker on the Redis broker, in a thread of this process."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    from coop.celery import app

    def close_connections(**kwargs):
        # The worker's thread keeps its own connections (CONN_MAX_AGE); closed after each
        # task, none is left holding the test database when the session drops it.
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        task_postrun.disconnect(close_connections)


class Mailbox:
    """What a real SMTP server (aiosmtpd) on this machine received: each message parsed, with
    its envelope recipients, for tests about mail (``smtp_server``)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message.recipients = [address.lower() for address in envelope.rcpt_tos]
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address, seconds=10):
        """The messages sent to ``address``, waiting a little for the first one (a mail sent
        by another thread, the live server's)."""
        import time

        deadline = time.monotonic() + seconds
        while True:
            found = [m for m in self.messages if address.lower() in m.recipients]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.1)

    def last_to(self, address, seconds=10):
        found = self.to(address, seconds)
        assert found, f"no mail to {address}; received: {[m['To'] for m in self.messages]}"
        return found[-1]

    def link_to(self, address, seconds=10):
        """The path of the portal's link in the last message to ``address``."""
        import re

        body = self.last_to(address, seconds).get_content()
        return re.search(r"https?://[^/\s]+(/\S+)", body).group(1)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free local port, with Django's mail settings pointing
    at it through the SMTP backend; yields its ``Mailbox``."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield mailbox
    finally:
        controller.stop()
