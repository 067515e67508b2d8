class Refused(Exception):
    """A request the current state does not allow: answered with its message, never ignored."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
