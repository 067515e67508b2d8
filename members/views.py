from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coop.access import is_staff_of_cooperatives, may_administer, role_required
from members import services
from members.forms import MemberForm
from members.models import Member
from members.selectors import member_for_user, members_for_user, search_members

PAGE_SIZE = 50


@role_required(is_staff_of_cooperatives)
def member_list(request, coop_slug):
    query = request.GET.get("q", "")
    status = request.GET.get("status", "")
    members = search_members(members_for_user(request.user), query)
    if status in Member.Status.values:
        members = members.filter(status=status)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/member_list.html",
        {
            "cooperative": request.cooperative,
            "page": page,
            "query": query,
            "status": status,
            "statuses": Member.Status.choices,
            "may_administer": may_administer(request.user),
        },
    )


@role_required(lambda user: user.is_authenticated)
def member_detail(request, coop_slug, pk):
    member = member_for_user(request.user, pk)
    return render(
        request,
        "members/member_detail.html",
        {
            "cooperative": request.cooperative,
            "member": member,
            "may_administer": may_administer(request.user),
        },
    )


@role_required(may_administer)
def member_new(request, coop_slug):
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = save_or_report(
            form,
            lambda: services.member_create(
                cooperative=request.cooperative, actor=request.user, **form.cleaned_data
            ),
        )
        if member:
            messages.success(request, _("Member unit %(name)s entered.") % {"name": member.name})
            return redirect("member-detail", coop_slug=coop_slug, pk=member.pk)
    return render(
        request, "members/member_form.html", {"cooperative": request.cooperative, "form": form}
    )


@role_required(may_administer)
def member_edit(request, coop_slug, pk):
    member = member_for_user(request.user, pk)
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        fresh = member_for_user(request.user, pk)  # the form has already written to `member`
        if save_or_report(
            form, lambda: services.member_update(member=fresh, actor=request.user, **changed)
        ):
            messages.success(request, _("Changes saved."))
            return redirect("member-detail", coop_slug=coop_slug, pk=pk)
    return render(
        request,
        "members/member_form.html",
        {"cooperative": request.cooperative, "form": form, "member": member},
    )


def save_or_report(form, save):
    """Run a service; a rule it enforces beyond the form's comes back onto the form."""
    try:
        return save()
    except ValidationError as error:
        form.add_error(None, error)
        return None
