"""The links of the textile and home-textile chain (Ningbo's textile and clothing chain map,
BRIEF.md), from fibre to the shop. Kept as rows (``members.ChainLink``), so another industry's
chain is data too. Written by migration 0010 and again by the demo, which may run on a
database whose rows a test emptied: the model is passed in, so the migration uses its own."""

TEXTILE_INDUSTRY = "textile"

TEXTILE = [
    ("fibre-yarn", "纤维与纱线", "fibre and yarn"),
    ("fabric", "面料", "fabric"),
    ("dyeing-finishing", "印染整理", "dyeing and finishing"),
    ("accessories", "辅料", "accessories"),
    ("finished-goods", "成品", "finished goods"),
    ("trade-ecommerce", "贸易与电商", "trade and e-commerce"),
]


def industries_read(used):
    """The industries whose links a cooperative's members are placed by: those of the links
    its members are placed in (``used``: industry codes), the textile chain while none is.
    The chain map (supervision/chain_map.py) shows them, and the member import reads the link
    column by them."""
    return {industry for industry in used if industry} or {TEXTILE_INDUSTRY}


def ensure_textile_links(chain_link_model):
    """The textile links, made where missing (an existing row keeps what staff changed):
    ``{code: id}``."""
    found = dict(
        chain_link_model.objects.filter(industry=TEXTILE_INDUSTRY).values_list("code", "pk")
    )
    for order, (code, name_zh, name_en) in enumerate(TEXTILE, start=1):
        if code not in found:
            found[code] = chain_link_model.objects.create(
                industry=TEXTILE_INDUSTRY, code=code, name_zh=name_zh, name_en=name_en, order=order
            ).pk
    return found
