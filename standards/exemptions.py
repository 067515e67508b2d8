"""What GB 18401-2010 does not require of some products (its table 1's notes), stated on a
batch as codes (testing_fund ``Batch.exemptions``): an exempt indicator is neither tested nor
charged when the batch is requested, and never judged (``standards.verdicts.verdict``).

- ``undyed_or_bleached``: colour fastness is not required of undyed (本色) or bleached products;
- ``hand_dyed``: nor of traditionally hand-dyed ones (tie-dye 扎染, batik 蜡染);
- ``hanging_decorative``: perspiration fastness is not required of hanging decorative products
  (悬挂类装饰产品) such as curtains.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SOURCE = "GB 18401-2010"
# Colour-fastness indicators are the catalogue's ``fastness-…``; perspiration the two of
# GB/T 3922.
COLOUR_FASTNESS = "fastness-"
PERSPIRATION = {"fastness-acid-perspiration", "fastness-alkaline-perspiration"}


@dataclass(frozen=True)
class Exemption:
    code: str
    label: object  # lazy, the product: read in the reader's language
    choice: object  # lazy, the product and what it is spared: a form's choice

    def covers(self, indicator_code):
        if self.code == "hanging_decorative":
            return indicator_code in PERSPIRATION
        return indicator_code.startswith(COLOUR_FASTNESS)


EXEMPTIONS = {
    exemption.code: exemption
    for exemption in [
        Exemption(
            "undyed_or_bleached",
            gettext_lazy("undyed or bleached product"),
            gettext_lazy("undyed or bleached product: no colour fastness tests"),
        ),
        Exemption(
            "hand_dyed",
            gettext_lazy("traditionally hand-dyed product (tie-dye, batik)"),
            gettext_lazy(
                "traditionally hand-dyed product (tie-dye, batik): no colour fastness tests"
            ),
        ),
        Exemption(
            "hanging_decorative",
            gettext_lazy("hanging decorative product (e.g. curtains)"),
            gettext_lazy(
                "hanging decorative product (e.g. curtains): no perspiration fastness tests"
            ),
        ),
    ]
}
CHOICES = [(code, exemption.choice) for code, exemption in EXEMPTIONS.items()]


def label(code):
    """An exemption in the reader's language; an unknown code as it is."""
    exemption = EXEMPTIONS.get(code)
    return str(exemption.label) if exemption else code


def check(codes):
    """The codes as a list, each known and once; a ValidationError naming the unknown."""
    if codes in (None, ""):
        return []
    if isinstance(codes, str) or not isinstance(codes, list | tuple | set):
        raise ValidationError(
            _("Exemptions are a list of codes: %(codes)s.") % {"codes": ", ".join(EXEMPTIONS)},
            code="exemptions_not_a_list",
        )
    unknown = [str(code) for code in codes if code not in EXEMPTIONS]
    if unknown:
        raise ValidationError(
            _("%(unknown)s: not an exemption; known are %(codes)s.")
            % {"unknown": ", ".join(unknown), "codes": ", ".join(EXEMPTIONS)},
            code="unknown_exemption",
        )
    return [code for code in EXEMPTIONS if code in codes]  # in one order, each once


def exempted(indicators, codes):
    """Of ``indicators``, those the exemptions take out (not tested, not charged)."""
    return [indicator for indicator in indicators if exempting(indicator.code, codes)]


def exempting(indicator_code, codes):
    """The first of ``codes`` that exempts the indicator, or None."""
    for code in codes or ():
        exemption = EXEMPTIONS.get(code)
        if exemption and exemption.covers(indicator_code):
            return code
    return None
