"""Figures as every app writes them: money, a calendar year, and counts per key from one
grouped query. Nothing here knows a model, so the lowest floor holds it for every app."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

from coop import periods
from coop.errors import BadParameter


def yuan(amount):
    """Money as a client reads it, in the API and in figures handed to pages: a string with
    two decimals (``"1234.50"``). People read it through ``yuan_shown`` or ``thousands``."""
    return str(Decimal(amount or 0).quantize(Decimal("0.01")))


def thousands(amount):
    """Money as people read it, without the sign: ``450,000.00``. Chinese and English pages
    alike group thousands with commas and keep two decimals (how amounts are written in
    Chinese finance too), so a figure does not change with the language."""
    return f"{Decimal(str(amount or 0)).quantize(Decimal('0.01')):,}"


def yuan_shown(amount):
    """Money on pages and in documents (the ``yuan`` template filter): ``¥450,000.00``, a
    minus before the sign (``-¥1,234.50``); ``None`` is no amount, an em dash."""
    if amount is None or amount == "":
        return "—"
    amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    return ("-" if amount < 0 else "") + "¥" + thousands(abs(amount))


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
