"""Reasons the portal itself gives (not typed by a person), kept on rows as a code and put in
words in the reader's language when read: a document's revocation, a step's reason in a
history. A person's typed reason stays text beside the code."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

MEMBER_LEFT = "member_left"
COMMITMENT_REPLACED = "commitment_replaced"
# Said of one commitment replaced by another the member named: "<code>:<the new one's id>".
COMMITMENT_REPLACED_BY = "commitment_replaced_by"

REASONS = {
    MEMBER_LEFT: gettext_noop("The member unit left the cooperative."),
    COMMITMENT_REPLACED: gettext_noop("replaced by a new commitment"),
    COMMITMENT_REPLACED_BY: gettext_noop("replaced by commitment no. %(ref)s"),
}


class Coded(str):
    """A coded reason passed where a typed reason goes (a workflow step's ``reason``): the
    string is the code; the step records the code, not words in the actor's language."""

    @classmethod
    def of(cls, code, ref):
        """A code that names what it refers to (the commitment that replaced this one)."""
        return cls(f"{code}:{ref}")

    @property
    def code(self):
        return str(self)


def said(code, text=""):
    """The reason in the reader's language: the code's words, else the stored (typed) text.
    A code may carry a reference after a colon, put into its words."""
    name, _colon, ref = (code or "").partition(":")
    if name in REASONS:
        words = _(REASONS[name])
        return words % {"ref": ref} if "%(ref)s" in REASONS[name] else words
    return text
