"""What a service answers when the current state does not allow a request. Pages show its
message beside the form or button that asked; the API answers 409 with it. A refusal writes
nothing: services raise it before they change a row."""

from django.core.exceptions import ValidationError


class Refused(Exception):
    """A request the current state does not allow: answered with its message, never ignored."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class BadParameter(ValidationError):
    """A query parameter or request input the portal cannot answer (a year outside the range, a
    character the database cannot hold): a 400 naming it and its rule, from the API (its
    exception handler reads a ValidationError) and from a page (``coop.input`` renders it)."""
