"""Reasons the portal itself gives (not typed by a person), kept on rows as a code and put in
words in the reader's language when read: a document's revocation, a step's reason in a
history. A person's typed reason stays text beside the code."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

MEMBER_LEFT = "member_left"
COMMITMENT_REPLACED = "commitment_replaced"

REASONS = {
    MEMBER_LEFT: gettext_noop("The member unit left the cooperative."),
    COMMITMENT_REPLACED: gettext_noop("replaced by a new commitment"),
}


class Coded(str):
    """A coded reason passed where a typed reason goes (a workflow step's ``reason``): the
    string is the code; the step records the code, not words in the actor's language."""

    @property
    def code(self):
        return str(self)


def said(code, text=""):
    """The reason in the reader's language: the code's words, else the stored (typed) text."""
    if code in REASONS:
        return _(REASONS[code])
    return text
