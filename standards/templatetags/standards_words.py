"""Words for what the standards app stores as codes, for templates of any app."""

from django import template

from standards import exemptions as exemption_codes
from standards.notation import joined

register = template.Library()


@register.filter
def exemption_labels(codes):
    """A batch's exemptions in the reader's language: "悬挂类装饰产品（如窗帘）"."""
    return joined(exemption_codes.label(code) for code in codes or ())
