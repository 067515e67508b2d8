"""Chinese standard codes: `GB 18401-2010`, `GB/T 22796-2021`, `FZ/T 62017-2009`,
`DB32/T 1234-2020`, `T/NTJF 001-2023`, `Q/320684 YS 001-2024`, and the level each implies."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class Level:
    MANDATORY_NATIONAL = "mandatory_national"
    RECOMMENDED_NATIONAL = "recommended_national"
    INDUSTRY = "industry"
    LOCAL = "local"
    GROUP = "group"
    ENTERPRISE = "enterprise"
    # Benchmarks, not Chinese codes: their codes are free (ISO 14184-1:2011, a buyer's own).
    INTERNATIONAL = "international"
    BUYER = "buyer"


# Prefix patterns, most specific first; the number allows parts (2912.1) and the year is 4 digits.
PATTERNS = [
    (r"GB", Level.MANDATORY_NATIONAL),
    (r"GB/T", Level.RECOMMENDED_NATIONAL),
    (r"GB/Z", Level.RECOMMENDED_NATIONAL),
    (r"DB\d{2}(?:/T)?", Level.LOCAL),
    (r"T/[A-Z]{2,12}", Level.GROUP),
    (r"Q/[0-9A-Z]{2,12}(?: [A-Z]{1,6})?", Level.ENTERPRISE),
    (r"[A-Z]{2}(?:/T|/Z)?", Level.INDUSTRY),
]
CODE = re.compile(r"^(?P<prefix>.+?) (?P<number>\d+(?:\.\d+)*)-(?P<year>\d{4})$")


@dataclass(frozen=True)
class ParsedCode:
    prefix: str
    number: str
    year: int
    level: str

    @property
    def code(self):
        return f"{self.prefix} {self.number}-{self.year}"


def normalise(text):
    """Upper case, one space, and a plain hyphen before the year (— and – are typed too)."""
    text = re.sub(r"\s+", " ", text.strip().upper())
    return re.sub(r"\s*[–—－]\s*(\d{4})$", r"-\1", text)


def parse_code(text):
    """The code's parts and level, or a ValidationError that says which part is wrong."""
    code = normalise(text)
    match = CODE.match(code)
    if not match:
        raise ValidationError(
            _(
                "“%(code)s” is not a standard code: write the prefix, a space, the number, a "
                "hyphen and the four-digit year, as in GB/T 22796-2021."
            )
            % {"code": text},
            code="standard_code_shape",
        )
    prefix = match["prefix"]
    level = next((level for pattern, level in PATTERNS if re.fullmatch(pattern, prefix)), None)
    if level is None:
        raise ValidationError(
            _("“%(prefix)s” is not a known prefix (GB, GB/T, FZ/T, DB32/T, T/…, Q/…).")
            % {"prefix": prefix},
            code="standard_code_prefix",
        )
    year = int(match["year"])
    if not 1950 <= year <= 2100:
        raise ValidationError(
            _("%(year)d is not a plausible year for a standard.") % {"year": year},
            code="standard_code_year",
        )
    return ParsedCode(prefix=prefix, number=match["number"], year=year, level=level)
