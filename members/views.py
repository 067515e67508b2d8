from django.contrib import messages
from django.contrib.auth import login
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop import services, throttle, xlsx
from coop.access import public_view, role_required
from coop.clients import client_address
from coop.errors import Refused
from coop.pages import (
    PAGE_SIZE,
    page_of,
    run_step,
    save_or_report,
    step_forms,
    take_from_page,
)
from coop.pagination import PageByIds
from coop.roles import is_administrator, is_enterprise, is_staff
from members import exports
from members.api.documents import download
from members.filters import MemberFilter
from members.forms import (
    AccountSetupForm,
    ApplicationForm,
    ContactForm,
    ConventionForm,
    ImportForm,
    MemberForm,
    PaperSignatureForm,
    QualityPersonForm,
    SignatureForm,
)
from members.models import (
    Convention,
    ConventionSignature,
    Member,
    MemberImport,
    QualityPerson,
    WorkstationSession,
)
from members.programmes import programmes_of
from members.selectors import (
    certifications_expiring,
    documents_for_user,
    growth_totals,
    member_for_user,
    member_timeline,
    members_for_user,
    members_needing_signature,
    membership_by_month,
    people_totals,
    public_directory,
    search_members,
    with_counts,
)
from members.services import accounts, imports, lifecycle
from members.services import convention as convention_services
from members.services import members as member_services

# The public


@public_view
def directory(request, coop_slug):
    """Active members of the cooperative, public fields only."""
    query = request.GET.get("q", "")
    members = search_members(public_directory(), query)
    return render(
        request,
        "members/directory.html",
        {"cooperative": request.cooperative, "page": page_of(request, members), "query": query},
    )


APPLICATIONS_PER_HOUR = 5


@public_view
def apply(request, coop_slug):
    """An enterprise applies to join, and chooses the account it will sign with."""
    form = ApplicationForm(request.POST or None, cooperative=request.cooperative)
    if request.method == "POST" and not throttle.allow(
        request, "apply", APPLICATIONS_PER_HOUR, 3600
    ):
        form.add_error(None, _("Too many applications from your address; try again in an hour."))
    elif request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        created = save_or_report(
            form,
            lambda: member_services.member_apply(cooperative=request.cooperative, **data),
        )
        if created:
            # The same page for every application: it depends on nothing but what was sent.
            return render(
                request,
                "members/applied.html",
                {"cooperative": request.cooperative, "member": created},
            )
    return render(request, "members/apply.html", {"cooperative": request.cooperative, "form": form})


@public_view
def account_setup(request, coop_slug, token):
    """The page the mailed link opens: the unit's contact chooses a password and is logged in."""
    member = accounts.invited_member(token)
    if member is None:
        return render(
            request, "members/account_link.html", {"cooperative": request.cooperative}, status=404
        )
    form = AccountSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        user = save_or_report(
            form, lambda: accounts.set_up_account(member=member, password=password)
        )
        if user:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is set up."))
            return redirect("profile", coop_slug=coop_slug)
    return render(
        request,
        "members/account_setup.html",
        {
            "cooperative": request.cooperative,
            "member": member,
            "login_name": accounts.login_name(member.contact_email),
            "form": form,
        },
    )


@public_view
def convention_page(request, coop_slug):
    convention = convention_services.current_convention(request.cooperative.pk)
    return render(
        request,
        "members/convention.html",
        {"cooperative": request.cooperative, "convention": convention},
    )


# The enterprise


@role_required(is_enterprise)
def profile(request, coop_slug):
    """The enterprise's own page: contacts, quality people, the convention, its certificates."""
    member = member_for_user(request.user, request.user.member_id)
    contact = ContactForm(request.POST if "contact" in request.POST else None, instance=member)
    person = QualityPersonForm(request.POST if "person" in request.POST else None)
    if contact.is_bound and contact.is_valid():
        fresh = member_for_user(request.user, member.pk)  # the form has written to `member`
        changed = {name: contact.cleaned_data[name] for name in contact.changed_data}
        if save_or_report(
            contact,
            lambda: member_services.member_update(member=fresh, actor=request.user, **changed),
        ):
            messages.success(request, _("Contact details saved."))
            return redirect("profile", coop_slug=coop_slug)
    if person.is_bound and person.is_valid():
        if save_or_report(
            person,
            lambda: services.create_owned(
                QualityPerson,
                cooperative=request.cooperative,
                actor=request.user,
                member=member,
                **person.cleaned_data,
            ),
        ):
            messages.success(request, _("Quality person added."))
            return redirect("profile", coop_slug=coop_slug)
    current = convention_services.current_convention(member.cooperative_id)
    signed = current and current.signatures.filter(member=member).exists()
    return render(
        request,
        "members/profile.html",
        {
            "cooperative": request.cooperative,
            "member": member,
            "contact": contact,
            "person_form": person,
            "people": member.quality_people.filter(ended_on=None),
            "convention": current,
            "signed": signed,
            "may_sign": current and not signed and member.status in convention_services.MAY_SIGN,
            "signature_form": SignatureForm(),
            "documents": documents_for_user(request.user).exclude(file=""),
        },
    )


@require_POST
@role_required(is_enterprise)
def sign(request, coop_slug):
    member = member_for_user(request.user, request.user.member_id)
    form = SignatureForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the signer's name and position."), extra_tags="step-sign")
        return redirect("profile", coop_slug=coop_slug)
    try:
        convention_services.convention_sign(
            member=member,
            actor=request.user,
            ip_address=client_address(request) or None,
            **form.cleaned_data,
        )
    except Refused as refusal:
        messages.error(request, refusal.message, extra_tags="step-sign")
    else:
        messages.success(request, _("Signed. The certificate is being issued; it appears below."))
    return redirect("profile", coop_slug=coop_slug)


@role_required(lambda user: user.is_authenticated)
def document_download(request, coop_slug, number):
    return download(request.user, number)


# Staff


def filtered_members(request):
    return MemberFilter(request.GET, queryset=members_for_user(request.user), request=request)


def rows_with_counts(ids):
    return with_counts(Member.objects.filter(pk__in=ids)).select_related("district")


@role_required(is_staff)
def member_list(request, coop_slug):
    filters = filtered_members(request)
    pages = PageByIds(filters.qs.values_list("pk", flat=True), PAGE_SIZE, rows=rows_with_counts)
    return render(
        request,
        "members/member_list.html",
        {
            "cooperative": request.cooperative,
            "filters": filters,
            "page": pages.get_page(request.GET.get("page")),
            "may_administer": is_administrator(request.user),
        },
    )


@role_required(is_staff)
def member_export(request, coop_slug):
    return exports.members_download(
        filtered_members(request).qs.select_related("district"), f"{coop_slug}-members.xlsx"
    )


@role_required(lambda user: user.is_authenticated)
def member_detail(request, coop_slug, pk):
    member = member_for_user(request.user, pk)
    if is_enterprise(request.user):
        return redirect("profile", coop_slug=coop_slug)
    administer = is_administrator(request.user)
    return render(
        request,
        "members/member_detail.html",
        {
            "cooperative": request.cooperative,
            "member": member,
            "timeline": member_timeline(member),
            "may_administer": administer,
            "step_forms": step_forms(
                request.user,
                lifecycle.MEMBER,
                member,
                lambda verb: reverse("member-transition", args=[coop_slug, member.pk, verb]),
            ),
            "steps_title": _("Change the status"),
            "people": member.quality_people.all(),
            "certifications": member.certifications.all(),
            "signatures": member.signatures.select_related("convention"),
            "accounts": accounts.accounts_of(member),
            "programmes": programmes_of(member, coop_slug),
        },
    )


@require_POST
@role_required(is_administrator)
def member_invitation(request, coop_slug, pk):
    """Send the unit's contact a new link to set up its account."""
    member = member_for_user(request.user, pk)
    if run_step(request, lambda: accounts.send_again(member=member, actor=request.user) or True):
        messages.success(
            request, _("A new link goes to %(email)s.") % {"email": member.contact_email}
        )
    return redirect("member-detail", coop_slug=coop_slug, pk=pk)


@role_required(is_administrator)
def member_paper_signature(request, coop_slug, pk):
    """Record the unit's signature of the convention on paper, with its scan."""
    member = member_for_user(request.user, pk)
    versions = list(Convention.objects.values_list("version", flat=True))
    form = PaperSignatureForm(request.POST or None, request.FILES or None, versions=versions)
    if request.method == "POST" and form.is_valid():
        if save_or_report(
            form,
            lambda: convention_services.paper_signature_record(
                member=member, actor=request.user, **form.cleaned_data
            ),
        ):
            messages.success(request, _("The paper signature is recorded."))
            return redirect("member-detail", coop_slug=coop_slug, pk=pk)
    return render(
        request,
        "members/paper_signature.html",
        {"cooperative": request.cooperative, "member": member, "form": form},
    )


SCAN_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


@role_required(lambda user: user.is_authenticated)
def signature_scan(request, coop_slug, pk, signature_pk):
    """The scan of a paper signature, for those who may see the member unit."""
    member = member_for_user(request.user, pk)
    signature = get_object_or_404(
        ConventionSignature.objects.filter(member=member), pk=signature_pk
    )
    if not signature.scan:
        raise Http404
    extension = signature.scan.name.rsplit(".", 1)[-1].lower()
    return FileResponse(
        signature.scan.open("rb"),
        as_attachment=True,
        filename=f"signature-{member.pk}-v{signature.convention.version}.{extension}",
        content_type=SCAN_TYPES.get(extension, "application/octet-stream"),
    )


@role_required(is_administrator)
def member_new(request, coop_slug):
    form = MemberForm(request.POST or None, cooperative=request.cooperative)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = save_or_report(
            form,
            lambda: member_services.member_create(
                cooperative=request.cooperative,
                actor=request.user,
                categories=data.pop("categories"),
                **data,
            ),
        )
        if member:
            messages.success(request, _("Member unit %(name)s entered.") % {"name": member.name})
            return redirect("member-detail", coop_slug=coop_slug, pk=member.pk)
    return render(
        request, "members/member_form.html", {"cooperative": request.cooperative, "form": form}
    )


@role_required(is_administrator)
def member_edit(request, coop_slug, pk):
    member = member_for_user(request.user, pk)
    form = MemberForm(request.POST or None, instance=member, cooperative=request.cooperative)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        categories = changed.pop("categories", None)
        fresh = member_for_user(request.user, pk)  # the form has already written to `member`
        if save_or_report(
            form,
            lambda: member_services.member_update(
                member=fresh, actor=request.user, categories=categories, **changed
            ),
        ):
            messages.success(request, _("Changes saved."))
            return redirect("member-detail", coop_slug=coop_slug, pk=pk)
    return render(
        request,
        "members/member_form.html",
        {"cooperative": request.cooperative, "form": form, "member": member},
    )


@require_POST
@role_required(is_administrator)
def member_transition(request, coop_slug, pk, verb):
    member = member_for_user(request.user, pk)
    take_from_page(request, lifecycle.MEMBER, member, verb, request.POST)
    return redirect("member-detail", coop_slug=coop_slug, pk=pk)


@role_required(is_staff)
def conventions(request, coop_slug):
    """Versions of the convention, adopting the next one, and who has not signed."""
    form = ConventionForm(request.POST or None)
    if request.method == "POST":
        if not is_administrator(request.user):
            messages.error(request, _("Only a cooperative administrator adopts the convention."))
        elif form.is_valid() and save_or_report(
            form,
            lambda: convention_services.convention_adopt(
                cooperative=request.cooperative,
                actor=request.user,
                **{k: v for k, v in form.cleaned_data.items() if k != "confirm"},
            ),
        ):
            messages.success(request, _("Adopted. Every member must now sign the new version."))
            return redirect("conventions", coop_slug=coop_slug)
    return render(
        request,
        "members/conventions.html",
        {
            "cooperative": request.cooperative,
            "versions": Convention.objects.all(),
            "form": form,
            "may_administer": is_administrator(request.user),
            "unsigned": page_of(request, members_needing_signature(request.cooperative.pk)),
            "to_sign_again": convention_services.members_to_sign_again(request.cooperative.pk),
        },
    )


@role_required(is_staff)
def overview(request, coop_slug):
    """The cooperative in figures: members at each month end, quality people, growth,
    and the certificates that expire within 90 days."""
    cooperative_id = request.cooperative.pk
    return render(
        request,
        "members/overview.html",
        {
            "cooperative": request.cooperative,
            "months": membership_by_month(cooperative_id, months=12),
            "people": people_totals(cooperative_id),
            "growth": growth_totals(cooperative_id),
            "expiring": page_of(request, certifications_expiring(cooperative_id, days=90)),
        },
    )


@role_required(is_staff)
def people(request, coop_slug):
    """Quality people: the totals, the list, and the workstation's sessions."""
    role = request.GET.get("role", "")
    listed = QualityPerson.objects.filter(ended_on=None).select_related("member")
    if role in QualityPerson.Role.values:
        listed = listed.filter(role=role)
    return render(
        request,
        "members/people.html",
        {
            "cooperative": request.cooperative,
            "totals": people_totals(request.cooperative.pk),
            "page": page_of(request, listed.order_by("member__name", "role", "name")),
            "role": role,
            "roles": QualityPerson.Role.choices,
            "sessions": WorkstationSession.objects.all()[:20],
        },
    )


@role_required(is_administrator)
def import_upload(request, coop_slug):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        checked = save_or_report(
            form,
            lambda: imports.import_check(
                cooperative=request.cooperative,
                actor=request.user,
                file_name=upload.name,
                content=upload.read(),
            ),
        )
        if checked:
            return redirect("import-report", coop_slug=coop_slug, pk=checked.pk)
    return render(
        request,
        "members/import_upload.html",
        {"cooperative": request.cooperative, "form": form, "columns": imports.ALL_COLUMNS},
    )


@role_required(is_administrator)
def import_template(request, coop_slug):
    response = HttpResponse(imports.template_xlsx(request.cooperative), content_type=xlsx.XLSX)
    response["Content-Disposition"] = 'attachment; filename="member-import-template.xlsx"'
    return response


@role_required(is_administrator)
def import_report(request, coop_slug, pk):
    member_import = get_object_or_404(MemberImport.objects.all(), pk=pk)
    if request.method == "POST":
        try:
            imports.import_confirm(member_import=member_import, actor=request.user)
        except Refused as refusal:
            messages.error(request, refusal.message, extra_tags="step-import")
        else:
            member_import.refresh_from_db()
            messages.success(
                request,
                _("%(count)d member units imported.") % {"count": member_import.imported_count},
            )
            return redirect("member-list", coop_slug=coop_slug)
        member_import.refresh_from_db()
    statuses = dict(Member.Status.choices)
    rows = [
        (number, row, errors, statuses.get(row.get("status") or Member.Status.APPLIED))
        for number, row, errors in zip(
            range(2, len(member_import.rows) + 2), member_import.rows, member_import.errors
        )
    ]
    return render(
        request,
        "members/import_report.html",
        {
            "cooperative": request.cooperative,
            "import": member_import,
            "rows": rows,
            "columns": imports.ALL_COLUMNS,
            "error_count": sum(1 for e in member_import.errors if e),
        },
    )
