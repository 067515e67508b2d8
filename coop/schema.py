"""The OpenAPI schema (drf-spectacular) as the API really answers, errors included.

The schema is built outside any request (``manage.py spectacular``, ``check --deploy``) as well
as at ``/api/schema/``, and must be the same whoever asks:

- ``ScopedSchemaGenerator`` builds it inside an empty tenant scope, so a tenant-owned queryset
  drf-spectacular touches (a filterset's ``Model.objects.none()``, a viewset's
  ``get_queryset()`` to learn its model) neither raises ``ScopeError`` nor reads a row;
- ``mock_request`` gives every view the request an anonymous caller outside any cooperative
  would have after ``TenantScopeMiddleware`` (no user, no cooperative, none visible), never
  the asker's own: a schema that changed with the asker's role would not describe the API.

``PortalAutoSchema`` adds to every operation the errors it can answer with, in the shapes
``coop.api.exception_handler`` gives them: 400 ``{field: [messages]}``, 401/403/404/409/415/429
``{"detail": message}`` (409: a step or request the current state refuses).
"""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import (
    ResolvedComponent,
    build_bearer_security_scheme_object,
    build_mock_request,
)
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import AllowAny

from coop import tenancy
from coop.periods import FIRST_YEAR, YEARS_AHEAD
from coop.workflow_api import step_input

# ``?year=`` of the figures, as ``coop.periods.asked_year`` reads it (its last year moves on).
YEAR = OpenApiParameter(
    "year",
    {"type": "integer", "minimum": FIRST_YEAR},
    description=f"A year from {FIRST_YEAR} to {YEARS_AHEAD} years from now; this year if none.",
)

DETAIL = ResolvedComponent(
    name="ErrorDetail",
    type=ResolvedComponent.SCHEMA,
    object="ErrorDetail",
    schema={
        "type": "object",
        "description": "Why the request was not done, in the caller's language.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
)

# A field's messages; a nested serializer's errors are an object of its fields, a list of
# nested rows' errors an array of such objects (one per row, empty for a valid row).
_MESSAGES = {
    "anyOf": [
        {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
        {"type": "object"},
    ]
}
VALIDATION = ResolvedComponent(
    name="ValidationError",
    type=ResolvedComponent.SCHEMA,
    object="ValidationError",
    schema={
        "description": (
            "Each field that broke a rule, with its messages (`non_field_errors` for a rule "
            "of several fields); `detail` alone when the body could not be read at all."
        ),
        "anyOf": [
            {"type": "object", "additionalProperties": _MESSAGES, "minProperties": 1},
            {"$ref": "#/components/schemas/ErrorDetail"},
        ],
    },
)

ERRORS = {
    "400": (
        VALIDATION,
        "A parameter or field broke a rule: each one named with its messages. Any operation "
        "answers so to a character that cannot be stored (a NUL byte) in any parameter.",
    ),
    "401": (DETAIL, "The credentials were missing or wrong."),
    "403": (DETAIL, "The caller's role may not do this (or a session's CSRF check failed)."),
    "404": (DETAIL, "No such row among those the caller may see (or no such page)."),
    "409": (
        DETAIL,
        "The current state refuses the request: the message names the step, the "
        "state and the states that allow it.",
    ),
    "415": (DETAIL, "The body is not in a media type this operation reads."),
    "429": (DETAIL, "Too many requests from this address; try again later."),
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class TokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Token <token>``: django-rest-knox's tokens, checked by the portal's
    subclasses of its authentication (``coop.authentication``)."""

    target_class = "knox.auth.TokenAuthentication"
    match_subclasses = True
    priority = 1  # before drf-spectacular's own scheme for knox, which names it differently
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )


class ScopedSchemaGenerator(SchemaGenerator):
    def get_schema(self, request=None, public=False):
        with tenancy.scope(()):
            return super().get_schema(request=request, public=public)

    def _get_paths_and_endpoints(self):
        """drf-spectacular's endpoints, with a workflow's ``<id>/<verb>/`` documented once per
        verb (``…/<id>/approve/``), each asking for its own step's fields."""
        found = []
        for path, path_regex, method, callback in self.endpoints:
            steps = getattr(getattr(callback, "cls", None), "schema_steps", None)
            if "{verb}" not in path or steps is None:
                view = self.create_view(callback, method)
                found.append((self.coerce_path(path, method, view), path_regex, method, view))
                continue
            for verb, workflow, step in steps():
                view = self.create_view(callback, method)
                view.schema_step = (workflow, step)
                verb_path = self.coerce_path(path, method, view).replace("{verb}", verb)
                found.append((verb_path, path_regex, method, view))
        return found


def mock_request(method, path, view, original_request, **kwargs):
    """The request a view sees while the schema is built: anonymous, no cooperative."""
    request = build_mock_request(method, path, view, None, **kwargs)
    request.user = AnonymousUser()
    request.visible_cooperative_ids = frozenset()
    request.cooperative = None
    return request


# A step declared ``destructive`` (coop.workflow): the pages ask "I understand" first, the API
# takes it as asked, so its caller must be told here.
DESTRUCTIVE = (
    "\n\n**Destructive:** %(step)s cannot be undone. The API takes it at once, without the "
    "confirmation the pages ask for."
)


class PortalAutoSchema(AutoSchema):
    def get_operation_id(self):
        operation_id = super().get_operation_id()
        if getattr(self.view, "schema_step", None):
            return operation_id.removesuffix("_create")  # a step creates nothing: v1_…_approve
        return operation_id

    def get_request_serializer(self):
        if getattr(self.view, "schema_step", None):
            return step_input(*self.view.schema_step)
        return super().get_request_serializer()

    def get_summary(self):
        if getattr(self.view, "schema_step", None):
            return str(self.view.schema_step[1].label)
        return super().get_summary()

    def get_description(self):
        if getattr(self.view, "schema_step", None):
            workflow, step = self.view.schema_step
            sources = "any" if step.sources is None else ", ".join(sorted(step.sources))
            who = ", ".join(sorted(step.who))
            return (
                f"A step of the workflow `{workflow.name}`, taken from the states: {sources}; "
                f"by: {who}. A state that does not allow it is a 409 naming the allowed ones."
                + (DESTRUCTIVE % {"step": step.label} if step.destructive else "")
            )
        return super().get_description()

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        # What an operation declares of its own for a code (a lockout's 429) is kept.
        for code in self.error_codes(operation):
            component, description = ERRORS[code]
            self.registry.register_on_missing(DETAIL)
            self.registry.register_on_missing(component)
            responses.setdefault(
                code,
                {
                    "description": description,
                    "content": {"application/json": {"schema": component.ref}},
                },
            )
        return operation

    def error_codes(self, operation):
        view = self.view
        takes_body = "requestBody" in operation
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        authenticates = bool(view.get_authenticators())
        public = all(isinstance(p, AllowAny) for p in view.get_permissions())
        codes = {"400"}  # coop.bad_input refuses an unstorable character in any parameter
        if authenticates:
            codes.add("401")
        if not public or (authenticates and self.method in UNSAFE):
            codes.add("403")
        if "{" in self.path or any(p["name"] == "page" for p in query):
            codes.add("404")
        if self.method in UNSAFE:
            codes.add("409")
        if takes_body:
            codes.add("415")
        if view.get_throttles():
            codes.add("429")
        return sorted(codes)
