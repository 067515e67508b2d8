"""Schemathesis over the whole OpenAPI schema, as a cooperative administrator and as an
enterprise user: no request may answer 5xx, and every answer must match the schema (its status
code, content type and body).

The requests go in-process to Django's WSGI application on the test database (PostgreSQL),
signed in with a session made for the user (not a token: the run does not depend on how tokens
are issued). The data is the demo's (``supervision.demo.seed``): a cooperative with members,
batches, commitments, complaints, grades and enforcement in every state. Every path names that
cooperative, and an ``{id}`` (``{code}``, ``{number}``) is mostly a real row of the resource the
path names, now and then one schemathesis made up (most likely none).

Bounded, to keep the test command short: every operation gets ``SCHEMATHESIS_MAX_EXAMPLES``
generated requests per role, valid and invalid ones; as the administrator, who gets past the
role checks, also schemathesis's coverage cases (each parameter and field at its boundaries
and broken in each way the schema allows). ``SCHEMATHESIS_SEED`` picks other requests; the
default seed is fixed, so a failure seen once is seen again.
"""

import copy
import os
import secrets

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db.models import Q
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from coop.models import Cooperative, Document, User
from coop.tenancy import scope, unscoped
from tests.demo_data import seeded_for_the_module

COOPERATIVE = "haimen-hometextile"
ADMINISTRATOR, ENTERPRISE = "haimen-admin", "enterprise"
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES") or 5)
SEED = int(os.environ.get("SCHEMATHESIS_SEED") or 20260101)


def config(*, coverage):
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                # The session signs every request in; credentials schemathesis made up would
                # only be refused (401), hiding what the operation does.
                "with-security-parameters": False,
                # No example database: nothing is written into the checkout.
                "database": "none",
            },
            # Coverage cases for the documented methods only (an undocumented one is a 405).
            "phases": {"coverage": {"enabled": coverage, "unexpected-methods": []}},
            "checks": {
                "enabled": False,
                "not_a_server_error": {"enabled": True},
                "status_code_conformance": {"enabled": True},
                "content_type_conformance": {"enabled": True},
                "response_schema_conformance": {"enabled": True},
            },
            # The cooperative in every path is the demo's: any other slug is only a 404.
            "parameters": {"path.coop_slug": COOPERATIVE},
        }
    )


def json_bodies_only(raw):
    """The schema with request bodies in JSON alone where an operation reads JSON: the same
    fields sent as a form are the same serializer's work, and would triple the coverage cases.
    Forms and multipart bodies are left to the enterprise's run (and to operations that read
    nothing else, such as uploads)."""
    narrowed = copy.deepcopy(raw)
    for operations in narrowed["paths"].values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                for media_type in [name for name in content if name != "application/json"]:
                    del content[media_type]
    return narrowed


APP = get_wsgi_application()
# The schema as the portal serves it (it is built without reading the database).
SERVED = schemathesis.openapi.from_wsgi("/api/schema/", APP).raw_schema
as_administrator = schemathesis.openapi.from_dict(
    json_bodies_only(SERVED), config=config(coverage=True)
)
as_enterprise = schemathesis.openapi.from_dict(SERVED, config=config(coverage=False))
as_administrator.app = as_enterprise.app = APP

# Real values of each path's row parameter, and of the fields that link to rows, read once the
# demo is seeded.
KNOWN = {}
KNOWN_FIELDS = {}


def flatmap_path_parameters(context, path_parameters):
    values = KNOWN.get(context.operation.path)
    if not values or not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    name = next((n for n in ("id", "code", "number") if n in path_parameters), None)
    if name is None:
        return st.just(path_parameters)
    # Mostly a real row; now and then what schemathesis made (most likely no such row).
    chosen = st.sampled_from(values) | st.just(path_parameters[name])
    return chosen.map(lambda value: {**path_parameters, name: value})


def flatmap_body(context, body):
    """A body's links to other rows (``member``, ``standard``, ``indicators`` …) mostly to real
    ones of the demo cooperative, so that valid requests get past the lookups into the services."""
    if not isinstance(body, dict):
        return st.just(body)
    drawn = {}
    for name, value in body.items():
        real = KNOWN_FIELDS.get(name)
        if not real:
            continue
        if isinstance(value, list):
            drawn[name] = st.lists(st.sampled_from(real), min_size=1, max_size=3) | st.just(value)
        else:
            drawn[name] = st.sampled_from(real) | st.just(value)
    if not drawn:
        return st.just(body)
    return st.fixed_dictionaries(drawn).map(lambda real: {**body, **real})


for schema in (as_administrator, as_enterprise):
    schema.hook(flatmap_path_parameters)
    schema.hook(flatmap_body)


def resource_values(path, cooperative):
    """Real values for the path's ``{id}``, ``{code}`` or ``{number}``: rows of the resource
    the path names (the model of the view it resolves to), in the demo's cooperative."""
    from credit.models import Complaint
    from members.models import Member
    from standards.models import Indicator

    if "{id}" in path:
        listed = path.replace("{coop_slug}", COOPERATIVE).split("{id}")[0]
        try:
            view = resolve(listed + "1/").func
        except Resolver404:
            return []
        cls = getattr(view, "cls", None)
        serializer = getattr(cls, "serializer_class", None)
        model = getattr(cls, "model", None) or getattr(
            getattr(serializer, "Meta", None), "model", None
        )
        if listed.endswith("/members/"):  # a member's events, its public page
            model = Member
        if model is None:
            return []
        rows = model.objects.all()
        if any(field.name == "cooperative" for field in model._meta.fields):
            rows = rows.filter(cooperative=cooperative)
        return list(rows.order_by("pk").values_list("pk", flat=True)[:40])
    documents = Document.objects.filter(cooperative=cooperative)
    if "/public/certificates/{code}" in path:
        return list(documents.values_list("code", flat=True))
    if "/public/complaints/{code}" in path:
        return list(Complaint.objects.values_list("tracking_code", flat=True))
    if "/indicators/{code}" in path:
        return list(Indicator.objects.order_by("code").values_list("code", flat=True)[:40])
    if "{number}" in path:
        return list(documents.values_list("number", flat=True))
    return []


def linked_values(cooperative):
    """Real values for body fields that name rows: ids, or codes where the API takes codes."""
    from coop.models import District
    from credit.models import Inspection, Violation
    from members.models import Member, Pairing, QualityPerson, WorkstationSession
    from standards.models import Indicator, ProductCategory, Standard
    from testing_fund.models import TestingInstitution

    def ids(rows):
        return list(rows.order_by("pk").values_list("pk", flat=True)[:30])

    members = ids(Member.objects.filter(cooperative=cooperative))
    standards = ids(Standard.objects.filter(Q(cooperative=cooperative) | Q(cooperative=None)))
    categories = list(ProductCategory.objects.values_list("code", flat=True))
    return {
        "member": members,
        "leader": members,
        "partner": members,
        "person": ids(QualityPerson.objects.filter(cooperative=cooperative)),
        "session": ids(WorkstationSession.objects.filter(cooperative=cooperative)),
        "pairing": ids(Pairing.objects.filter(cooperative=cooperative)),
        "inspection": ids(Inspection.objects.filter(cooperative=cooperative)),
        "violation": ids(Violation.objects.filter(cooperative=cooperative)),
        "standard": standards,
        "standards": standards,
        "lab": ids(TestingInstitution.objects.all()),
        "category": categories,
        "product_categories": categories,
        "indicators": list(Indicator.objects.values_list("code", flat=True)),
        "district": list(District.objects.values_list("division_code", flat=True)),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo's data for the module (tests/demo_data.py), with the values the schema's
    parameters may take."""
    try:
        with seeded_for_the_module(django_db_blocker, haimen_members=12):
            with unscoped():
                cooperative = Cooperative.objects.get(slug=COOPERATIVE)
            with scope({cooperative.pk}):
                for path in SERVED["paths"]:
                    KNOWN[path] = resource_values(path, cooperative)
                KNOWN_FIELDS.update(linked_values(cooperative))
            yield cooperative
    finally:
        KNOWN.clear()
        KNOWN_FIELDS.clear()


class Session:
    """Cookies of a session signed in as ``username``, with a CSRF token for unsafe methods;
    a new session after any request to ``/api/v1/auth/`` (a logout may end it)."""

    def __init__(self, username):
        self.user = User.objects.get(username=username)
        self.csrf = secrets.token_hex(16)  # 32 characters, the form of a CSRF secret
        self.cookies = None

    def call_and_validate(self, case):
        if self.cookies is None:
            client = Client()
            client.force_login(self.user, backend="django.contrib.auth.backends.ModelBackend")
            self.cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": self.csrf}
        try:
            case.call_and_validate(cookies=self.cookies, headers={"X-CSRFToken": self.csrf})
        finally:
            if case.path.startswith("/api/v1/auth/"):
                self.cookies = None


@pytest.fixture
def administrator(demo, db, settings):
    settings.DEBUG = False  # as in production: a 500 is a plain error page
    return Session(ADMINISTRATOR)


@pytest.fixture
def enterprise(demo, db, settings):
    settings.DEBUG = False
    return Session(ENTERPRISE)


# One session and one savepoint serve all the requests made for an operation.
FIXTURE_SHARED = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@as_administrator.parametrize()
@FIXTURE_SHARED
def test_the_api_answers_the_administrator_as_its_schema_says(case, administrator):
    administrator.call_and_validate(case)


@as_enterprise.parametrize()
@FIXTURE_SHARED
def test_the_api_answers_the_enterprise_as_its_schema_says(case, enterprise):
    enterprise.call_and_validate(case)
