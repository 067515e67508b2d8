"""``{{ amount|yuan }}``: every amount of money a page or a document shows (coop.figures)."""

from decimal import InvalidOperation

from django import template

from coop.figures import yuan_shown

register = template.Library()


@register.filter
def yuan(amount):
    """``450000`` or ``"450000.00"`` as ``¥450,000.00``; ``None`` as ``—``. A value that is
    not a number is shown as it is rather than breaking the page."""
    try:
        return yuan_shown(amount)
    except (InvalidOperation, ValueError, TypeError):
        return amount
