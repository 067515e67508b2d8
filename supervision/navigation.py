"""The header's menus, in one place: a cooperative's staff menu (grouped), breadcrumbs computed
from the URL's name, and whether the account menu shows the API.

It lives on the top floor because its links cross every app. It runs on every page, so it reads
only what the request already holds (the user, ``request.cooperative``, the resolved view, the
session) and makes no query of its own: lists pin their query counts.
"""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from coop.access import is_public_view
from coop.invitations import may_manage_accounts
from coop.roles import is_administrator, is_staff

# Set at login (``note_api_user``): whether the person holds an API token. Read from the session
# so that no page pays a query for a link.
USES_API = "uses_api"

# (group, [(label, url name, query string, who sees it)]): the staff pages of one cooperative.
# A page not listed here but under an entry's page (a member's record under the member units)
# finds its place through PARENT below.
GROUPS = [
    (
        pgettext_lazy("menu", "Members"),
        [
            (pgettext_lazy("menu", "Member units"), "member-list", "", is_staff),
            (pgettext_lazy("menu", "Overview"), "overview", "", is_staff),
            (pgettext_lazy("menu", "Convention and signatures"), "conventions", "", is_staff),
            (pgettext_lazy("menu", "Quality people"), "people", "", is_staff),
            (pgettext_lazy("menu", "Product declarations"), "declarations", "", is_staff),
            (pgettext_lazy("menu", "Consultation line"), "question-list", "", is_staff),
        ],
    ),
    (
        pgettext_lazy("menu", "Testing"),
        [
            (pgettext_lazy("menu", "Tests"), "batch-list", "", is_staff),
            (
                pgettext_lazy("menu", "Awaiting approval"),
                "batch-list",
                "?status=requested",
                is_staff,
            ),
            (pgettext_lazy("menu", "Testing fund"), "fund", "", is_staff),
            (pgettext_lazy("menu", "Sampling rounds"), "round-list", "", is_staff),
        ],
    ),
    (
        pgettext_lazy("menu", "Credit"),
        [
            (pgettext_lazy("menu", "Quality commitments"), "commitment-list", "", is_staff),
            (pgettext_lazy("menu", "Complaints"), "complaint-list", "", is_staff),
            (pgettext_lazy("menu", "Fulfilment assessments"), "assessment-list", "", is_staff),
            (pgettext_lazy("menu", "Credit grades"), "grade-list", "", is_staff),
            (pgettext_lazy("menu", "Enforcement"), "enforcement", "", is_staff),
        ],
    ),
    (
        pgettext_lazy("menu", "IP and brands"),
        [
            (pgettext_lazy("menu", "Trademark licences"), "licence-list", "", is_staff),
            (pgettext_lazy("menu", "Design pre-reviews"), "design-review-list", "", is_staff),
            (pgettext_lazy("menu", "Infringement reports"), "infringement-list", "", is_staff),
        ],
    ),
    (
        pgettext_lazy("menu", "Export quality"),
        [
            (pgettext_lazy("menu", "Export products"), "export-product-list", "", is_staff),
            (pgettext_lazy("menu", "Trade measures"), "trade-measure-list", "", is_staff),
            (pgettext_lazy("menu", "Same-line products"), "same-line-list", "", is_staff),
        ],
    ),
    (
        pgettext_lazy("menu", "Industry chain"),
        [
            (
                pgettext_lazy("menu", "Quality-consistency agreements"),
                "chain-agreement-list",
                "",
                is_staff,
            ),
            (
                pgettext_lazy("menu", "Joint research projects"),
                "research-project-list",
                "",
                is_staff,
            ),
        ],
    ),
    (
        pgettext_lazy("menu", "Benchmarking"),
        [
            (pgettext_lazy("menu", "Benchmarking schemes"), "benchmark-scheme-list", "", is_staff),
            (
                pgettext_lazy("menu", "Benchmarking declarations"),
                "benchmark-declaration-list",
                "",
                is_staff,
            ),
            (
                pgettext_lazy("menu", "Declarations to review"),
                "benchmark-declaration-review",
                "",
                is_staff,
            ),
        ],
    ),
    (
        pgettext_lazy("menu", "Reports"),
        [
            (pgettext_lazy("menu", "Testing statistics"), "statistics", "", is_staff),
            (pgettext_lazy("menu", "Quality problem map"), "problem-map", "", is_staff),
            (pgettext_lazy("menu", "Industry-chain map"), "chain-map", "", is_staff),
            (pgettext_lazy("menu", "Indicator trends"), "coop-trends", "", is_staff),
            (pgettext_lazy("menu", "Annual reports"), "annual-reports", "", is_staff),
        ],
    ),
    (
        pgettext_lazy("menu", "Settings"),
        [
            (pgettext_lazy("menu", "Schedules"), "schedules", "", is_staff),
            (pgettext_lazy("menu", "Accounts"), "accounts", "", may_manage_accounts),
            (pgettext_lazy("menu", "Locked accounts"), "locked-accounts", "", is_administrator),
        ],
    ),
]

# Pages under a menu entry: their breadcrumb goes through that entry.
PARENT = {
    "member-detail": "member-list",
    "member-edit": "member-list",
    "member-new": "member-list",
    "import-upload": "member-list",
    "import-report": "member-list",
    "batch-detail": "batch-list",
    "batch-request": "batch-list",
    "round-detail": "round-list",
    "round-sampling": "round-list",
    "commitment-detail": "commitment-list",
    "commitment-new": "commitment-list",
    "commitment-edit": "commitment-list",
    "complaint-detail": "complaint-list",
    "question-detail": "question-list",
    "question-new": "question-list",
    "assessment-detail": "assessment-list",
    "grade-detail": "grade-list",
    "design-review-new": "design-review-list",
    "design-review-detail": "design-review-list",
    "infringement-new": "infringement-list",
    "infringement-detail": "infringement-list",
    "annual-report": "annual-reports",
    "chain-batches": "chain-map",
    "export-product-new": "export-product-list",
    "export-product-edit": "export-product-list",
    "trade-measure-new": "trade-measure-list",
    "trade-measure-edit": "trade-measure-list",
    "trade-measure-import": "trade-measure-list",
    "trade-measure-detail": "trade-measure-list",
    "same-line-new": "same-line-list",
    "same-line-detail": "same-line-list",
    "chain-agreement-new": "chain-agreement-list",
    "chain-agreement-detail": "chain-agreement-list",
    "chain-agreement-edit": "chain-agreement-list",
    "research-project-new": "research-project-list",
    "research-project-detail": "research-project-list",
    "research-project-edit": "research-project-list",
    "benchmark-scheme-new": "benchmark-scheme-list",
    "benchmark-scheme-detail": "benchmark-scheme-list",
    "benchmark-declaration-new": "benchmark-scheme-list",
    "benchmark-declaration-detail": "benchmark-declaration-list",
}


def staff_menu(user, cooperative):
    """The groups of links this user sees for this cooperative, empty groups left out."""
    menu = []
    for label, entries in GROUPS:
        items = [
            {
                "label": text,
                "name": name,
                "url": reverse(name, args=[cooperative.slug]) + query,
            }
            for text, name, query, may in entries
            if may(user)
        ]
        if items:
            menu.append({"label": label, "items": items})
    return menu


def breadcrumbs(menu, url_name):
    """Group › entry for the page's URL name (or its parent's), or nothing for a page not in
    the menu. The current entry is the first whose URL name matches."""
    wanted = PARENT.get(url_name, url_name)
    for group in menu:
        for item in group["items"]:
            if item["name"] == wanted:
                group["current"] = True
                crumbs = [{"label": group["label"]}, {"label": item["label"], "url": item["url"]}]
                return crumbs
    return []


def header(request):
    """Context processor: ``staff_menu`` and ``breadcrumbs`` on a staff page of a cooperative
    the user oversees, and ``uses_api`` for the account menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context = {"uses_api": user.is_superuser or request.session.get(USES_API, False)}
    cooperative = getattr(request, "cooperative", None)
    match = request.resolver_match
    if (
        cooperative is not None
        and match is not None
        and is_staff(user)
        and cooperative.id in getattr(request, "visible_cooperative_ids", ())
    ):
        menu = staff_menu(user, cooperative)
        context["staff_cooperative"] = cooperative
        context["staff_on_public_page"] = is_public_view(match.func)
        if not context["staff_on_public_page"]:
            # The public pages keep public content; the menu is for the staff pages.
            context["staff_menu"] = menu
            context["breadcrumbs"] = breadcrumbs(menu, match.url_name)
    return context


def note_api_user(sender, request, user, **kwargs):
    """On login: remember whether the person holds an API token (django-rest-knox), so that
    the account menu shows the API only to those who use it."""
    from knox.models import get_token_model

    if request is not None and hasattr(request, "session"):
        request.session[USES_API] = get_token_model().objects.filter(user=user).exists()
