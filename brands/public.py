"""What the public reads of the brands app: a licence's mark number and licence number, added
to the member's public page (``credit.public_page.LICENCE_DETAILS``)."""

from django.db.models import F


def licence_details(rows):
    """The licences' queryset with ``registration_number`` and ``licence_number`` (None where
    the licence has no number kept): a join, no query of its own."""
    return rows.annotate(
        registration_number=F("brand_terms__mark__registration_number"),
        licence_number=F("brand_terms__number"),
    )
