"""What the pages of bulk steps share: the ids ticked on a list, and the page that answers
with each row done or refused beside it (``templates/bulk_result.html``)."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from coop.bulk import checked_ids, summary


def ticked(request):
    """The ids of the rows ticked on a list (``ids``), checked as ``coop.bulk`` checks them: a
    ``ValidationError`` when none, too many or not numbers."""
    return checked_ids(request.POST.getlist("ids"))


def result_page(request, *, title, outcomes, back, link=None, name=None, lines=None, **context):
    """The answer to a bulk step: a row per outcome, its name (``name(row)``) linked
    (``link(row)``), done, or refused with the reason in red beside it. ``lines`` gives each
    outcome the line of the uploaded sheet it came from."""
    shown = []
    for i, each in enumerate(outcomes):
        row = each.row
        shown.append(
            {
                "id": each.id,
                "line": lines[i] if lines else None,
                "name": name(row) if row is not None and name else "",
                "url": link(row) if row is not None and link else "",
                "done": each.done,
                "reason": each.reason,
            }
        )
    return render(
        request,
        "bulk_result.html",
        {"title": title, "rows": shown, "counts": summary(outcomes), "back": back, **context},
    )


def refusal_page(request, *, title, error, back, **context):
    """A request the bulk step could not read at all (no row ticked, too many)."""
    said = " ".join(
        m
        for messages in getattr(error, "message_dict", {"": error.messages}).values()
        for m in messages
    )
    return render(
        request,
        "bulk_result.html",
        {
            "title": title,
            "rows": [],
            "error": said or _("Nothing was done."),
            "back": back,
            **context,
        },
        status=400,
    )
