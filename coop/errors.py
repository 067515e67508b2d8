"""What a service answers when the current state does not allow a request. Pages show its
message beside the form or button that asked; the API answers 409 with it. A refusal writes
nothing: services raise it before they change a row."""


class Refused(Exception):
    """A request the current state does not allow: answered with its message, never ignored."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
