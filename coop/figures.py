"""Figures as every app writes them: money, a calendar year, and counts per key from one
grouped query. Nothing here knows a model, so the lowest floor holds it for every app."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

from coop import periods
from coop.errors import BadParameter


def yuan(amount):
    """Money as the portal writes it everywhere, in the API, pages, exports and messages: a
    string with two decimals (``"1234.50"``); pages and messages put the ``¥`` before it."""
    return str(Decimal(amount or 0).quantize(Decimal("0.01")))


def year_range(year):
    """The first and last day of ``year``, for a ``__range`` filter on a date. A year outside
    the portal's range (coop.periods) is refused naming it, a 400 wherever it came from."""
    try:
        year = periods.check_year(year)
    except ValidationError as error:
        raise BadParameter(error.message_dict) from None
    return date(year, 1, 1), date(year, 12, 31)


def grouped_by(rows, key, **figures):
    """``{value of key: {figure: value}}`` from one grouped query of ``rows``, e.g.
    ``grouped_by(batches, "member", total=Count("*"))``. A key with no rows is missing."""
    grouped = rows.values(key).annotate(**figures).order_by(key)
    return {row.pop(key): row for row in grouped}
