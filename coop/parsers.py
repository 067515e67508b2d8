"""The API's parsers (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``): DRF's own, refusing with
a 400 what would otherwise fail deep inside a view or the database.

- JSON nested deeper than ``MAX_DEPTH``: no request of the portal nests more than four levels
  (a step's readings by indicator, a scoring model's weights), and a deeply nested body makes
  Python's parser, a serializer or a JSON column recurse until it fails.
- A string or key holding a character the database cannot store (``coop.bad_input``), named by
  its place in the body (``members.0.name``).
- Form bodies sent with PUT or PATCH, which Django leaves to DRF (``BadInputMiddleware`` checks
  posted forms before any view).
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

from coop.bad_input import UNSTORABLE, shown, unstorable_message

MAX_DEPTH = 16


def check_json(data):
    """Walk the parsed body without recursion: ParseError when it nests deeper than
    ``MAX_DEPTH``, ValidationError naming each string (or key) that cannot be stored."""
    errors = {}
    stack = [(data, "", 0)]
    while stack:
        value, place, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                raise ParseError(
                    _("The JSON body is nested more than %(depth)d levels deep.")
                    % {"depth": MAX_DEPTH}
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                name = f"{place}.{key}" if place else str(key)
                if isinstance(key, str) and UNSTORABLE.search(key):
                    errors[shown(name)] = [unstorable_message()]
                stack.append((item, name, depth + 1))
        elif isinstance(value, str) and UNSTORABLE.search(value):
            errors[shown(place) if place else "body"] = [unstorable_message()]
    if errors:
        raise ValidationError(errors)
    return data


def check_form(data):
    errors = {
        shown(name): [unstorable_message()]
        for name, values in data.lists()
        if UNSTORABLE.search(name) or any(UNSTORABLE.search(str(v)) for v in values)
    }
    if errors:
        raise ValidationError(errors)
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            # Python's own parser gives up on a body nested some thousands deep.
            raise ParseError(
                _("The JSON body is nested more than %(depth)d levels deep.") % {"depth": MAX_DEPTH}
            ) from None
        return check_json(data)


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return check_form(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        check_form(parsed.data)  # Django cleans uploaded files' names itself
        return parsed
