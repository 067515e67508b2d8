"""``{{ names|listed }}``: a list of names (or of rows with a ``name``) joined as the reader's
language does: 、 in Chinese, a comma in English; an empty list is a dash."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def listed(values):
    names = [str(getattr(value, "name", value)) for value in values or ()]
    if not names:
        return "—"
    separator = ", " if (get_language() or "").startswith("en") else "、"
    return separator.join(names)
