"""The page of a bulk step on member units: the applications ticked on the members' list,
admitted at once (``members.services.bulk``)."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.access import role_required
from coop.bulk_pages import refusal_page, result_page, ticked
from coop.roles import is_administrator
from members.services import bulk


@require_POST
@role_required(is_administrator)
def member_bulk_admit(request, coop_slug):
    title = _("Admit the applications")
    back = reverse("member-list", args=[coop_slug])
    try:
        ids = ticked(request)
    except ValidationError as error:
        return refusal_page(
            request, title=title, error=error, back=back, cooperative=request.cooperative
        )
    outcomes = bulk.admit_many(ids=ids, actor=request.user)
    return result_page(
        request,
        title=title,
        outcomes=outcomes,
        back=back,
        name=lambda member: member.name,
        link=lambda member: reverse("member-detail", args=[coop_slug, member.pk]),
        cooperative=request.cooperative,
    )
