"""``{% page_links page param as links %}``: the page numbers of a list (coop.pages.page_links)."""

from django import template

from coop import pages

register = template.Library()


@register.simple_tag(takes_context=True)
def page_links(context, page, param="page"):
    return pages.page_links(context["request"].GET, page, param or "page")
