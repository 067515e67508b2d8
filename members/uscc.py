"""The unified social credit code (统一社会信用代码, GB 32100-2015)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]
LENGTH = 18


def check_character(first17):
    """The 18th character that the first 17 call for."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(value):
    return value.strip().upper()


def validate_uscc(value):
    """Raise a ``ValidationError`` that names the rule the code breaks."""
    code = normalise(value)
    if len(code) != LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d.")
            % {"count": len(code)},
            code="uscc_length",
        )
    for position, character in enumerate(code, start=1):
        if character not in ALPHABET:
            raise ValidationError(
                _(
                    "Character %(position)d (“%(character)s”) is not allowed: a unified social "
                    "credit code uses digits and capital letters except I, O, S, V and Z."
                )
                % {"position": position, "character": character},
                code="uscc_alphabet",
            )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character (the 18th) should be “%(expected)s”, not “%(given)s”.")
            % {"expected": expected, "given": code[17]},
            code="uscc_check",
        )
