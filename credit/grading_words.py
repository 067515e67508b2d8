"""The words that explain a grade's factors, kept on ``CreditGrade.factors`` as a code with its
counts and rendered in the reader's language when read, so a grade graded under one language
reads in another. Rows graded before codes keep their stored text, shown as it was."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# Each code's sentence (English source, translated at read time); params fill the placeholders.
WHY = {
    "pass_rate": gettext_noop("%(passed)d of %(total)d batches passed in two years"),
    "severity": gettext_noop("%(count)d failure(s) against a mandatory national standard"),
    "complaints": gettext_noop("%(count)d valid complaint(s) in a year"),
    "enforcement": gettext_noop("%(count)d violation(s) in two years, %(penalties)d penalised"),
    "iso9001": gettext_noop("a valid ISO 9001 certificate"),
    "honours": gettext_noop("an honour in three years"),
    "draftings": gettext_noop("drafted a standard in three years"),
    "training": gettext_noop("%(count)d training(s) and sessions attended in a year"),
    "convention": gettext_noop("signed the current convention"),
}
NOT = gettext_noop("not: %(what)s")
# A yes/no factor not held, said as a sentence of its own ("否：持有效 ISO 9001 证书" read as a
# contradiction); ``NOT`` stays for a code without one.
NOT_HELD = {
    "iso9001": gettext_noop("holds no valid ISO 9001 certificate"),
    "honours": gettext_noop("no honour in three years"),
    "draftings": gettext_noop("drafted no standard in three years"),
    "convention": gettext_noop("has not signed the current convention"),
}

# Why a violation got its outcome (``Violation.outcome_why``), kept the same way.
OUTCOMES = {
    "serious": gettext_noop("A serious violation is penalised."),
    "repeat": gettext_noop(
        "A repeat: the member's previous violation was on %(date)s, within %(days)d days."
    ),
    "first_minor": gettext_noop(
        "A first minor violation within %(days)d days: a warning without penalty."
    ),
}

# The notices the portal writes (``Announcement.words``): a title and a body each.
ANNOUNCEMENTS = {
    "assessment": (
        gettext_noop("Commitment fulfilment assessment %(start)s to %(end)s"),
        gettext_noop(
            "%(fulfilled)d member units fulfilled their quality commitments, %(mostly)d "
            "basically fulfilled them and %(not)d did not. Each result is on the member's "
            "page. A member may object until %(until)s."
        ),
    ),
    # A member's exit (``credit.announcements``): its public name, identifier and the date of
    # the decision; an expulsion's grounds as the portal's coded words, never a typed reason.
    "withdrawal": (
        gettext_noop("%(name)s has left the cooperative"),
        gettext_noop(
            "%(name)s (%(identifier)s) withdrew from the cooperative by decision of %(date)s. "
            "It no longer holds the cooperative's quality commitments or credit grade."
        ),
    ),
    "expulsion": (
        gettext_noop("%(name)s has been expelled from the cooperative"),
        gettext_noop(
            "%(name)s (%(identifier)s) was expelled from the cooperative by decision of "
            "%(date)s, on these grounds: %(grounds)s. It no longer holds the cooperative's "
            "quality commitments or credit grade."
        ),
    ),
}
# An expulsion recorded without a proposal's grounds: the convention is the ground.
CONVENTION_GROUND = gettext_noop("a breach of the cooperative's quality convention")

# An exit proposal's grounds (``ExitProposal.grounds``), kept the same way.
GROUNDS = {
    "grade_d": gettext_noop("credit grade D"),
    "failed_samplings": gettext_noop("%(count)d failed samplings in a year"),
}


def coded(code, held=None, **params):
    """A factor row's stored reason: the code, its counts, and for a yes/no factor whether held."""
    why = {"code": code, "params": params}
    if held is not None:
        why["held"] = held
    return why


def why(row):
    """A factor row's reason in the reader's language; an old row's stored text as it was."""
    why = row.get("why")
    if not isinstance(why, dict):
        return why or ""
    template = WHY.get(why.get("code"))
    if template is None:
        return why.get("code", "")
    if why.get("held") is False and why.get("code") in NOT_HELD:
        return _(NOT_HELD[why["code"]])
    text = _(template) % why.get("params", {}) if why.get("params") else _(template)
    if why.get("held") is False:
        text = _(NOT) % {"what": text}
    return text


def grounds(stored):
    """An exit proposal's grounds in the reader's language; an old proposal's text as it was."""
    said = []
    for ground in stored:
        if isinstance(ground, dict) and ground.get("code") in GROUNDS:
            template = _(GROUNDS[ground["code"]])
            said.append(template % ground["params"] if ground.get("params") else template)
        else:
            said.append(str(ground))
    return said


def outcome(violation):
    """Why a violation got its outcome, in the reader's language; an old row's text as it was."""
    why = violation.outcome_why or {}
    template = OUTCOMES.get(why.get("code"))
    if template is None:
        return violation.outcome_reason
    return _(template) % why["params"] if why.get("params") else _(template)


def announcement(notice):
    """A notice's title and body in the reader's language; typed or old ones as stored."""
    words = notice.words or {}
    templates = ANNOUNCEMENTS.get(words.get("code"))
    if templates is None:
        return notice.title, notice.body
    params = dict(words.get("params", {}))
    if "grounds" in params:
        params["grounds"] = _("; ").join(grounds(params["grounds"])) or _(CONVENTION_GROUND)
    return tuple(_(template) % params for template in templates)
