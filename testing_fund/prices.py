"""What a lab charges for the indicators of a batch: read by requests (``services/batches.py``)
and by sampling rounds (``services/rounds.py``) alike, so neither imports the other."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from testing_fund.models import LabPrice


def price_results(lab, indicators):
    """Results to enter, one per indicator, at the lab's price; an unpriced indicator is named."""
    prices = {
        p.indicator_id: p.price
        for p in LabPrice.objects.filter(institution=lab, indicator__in=indicators)
    }
    missing = [indicator.name for indicator in indicators if indicator.pk not in prices]
    if missing:
        raise ValidationError(
            {
                "indicators": _("%(lab)s has no price for: %(indicators)s.")
                % {"lab": lab.name, "indicators": "、".join(missing)}
            }
        )
    return [(indicator, prices[indicator.pk]) for indicator in indicators]
