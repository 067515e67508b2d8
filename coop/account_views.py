"""Pages about accounts beyond Django's own login and password pages: a cooperative's
administrator sees which of its accounts have failed logins counted, and unlocks them; the
accounts of a cooperative, invitations and their links (``coop.invitations``)."""

from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coop import invitations, throttle
from coop.access import public_view, role_required
from coop.logins import failed_logins_of, unlock_account
from coop.models import Invitation, Role, User
from coop.pages import page_of, run_step, save_or_report
from coop.roles import is_administrator


@role_required(is_administrator)
def locked_accounts(request, coop_slug):
    """The cooperative's accounts with failed logins; a POST of ``username`` unlocks one.

    The scope middleware has already answered 404 to anyone who may not see this cooperative;
    an account of another cooperative is a 404 here too."""
    cooperative = request.cooperative
    if request.method == "POST":
        user = unlock_account(
            cooperative=cooperative, username=request.POST.get("username", ""), actor=request.user
        )
        if user is None:
            raise Http404
        messages.success(request, _("%(username)s can log in again.") % {"username": user.username})
        return redirect("locked-accounts", coop_slug=cooperative.slug)
    return render(
        request,
        "coop/locked_accounts.html",
        {"cooperative": cooperative, "accounts": failed_logins_of(cooperative)},
    )


# Accounts and invitations (coop/invitations.py)


class InvitationForm(forms.Form):
    """An invitation, its choices narrowed to what the inviter may invite: an administrator
    chooses the role and the unit or lab; a unit's owner or a lab's lead invites a colleague
    of its own unit or lab and chooses only the address."""

    email = forms.EmailField(label=gettext_lazy("email"), max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("role"))
    member = forms.ModelChoiceField(
        label=gettext_lazy("member unit"), queryset=None, required=False
    )
    institution = forms.ModelChoiceField(
        label=gettext_lazy("testing institution"), queryset=None, required=False
    )
    owner = forms.BooleanField(
        label=gettext_lazy("owner of its unit (a lab's lead)"),
        required=False,
        help_text=gettext_lazy(
            "Invites colleagues of its unit or lab and deactivates their accounts."
        ),
    )

    def __init__(self, *args, inviter, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        # The models behind the user's own links (coop imports no app).
        members = User._meta.get_field("member").related_model
        labs = User._meta.get_field("institution").related_model
        if is_administrator(inviter):
            self.fields["role"].choices = [
                (role.value, role.label)
                for role in (Role.ENTERPRISE, Role.COOP_ADMIN, Role.LAB_TECHNICIAN)
            ]
            self.fields["member"].queryset = members.objects.filter(
                cooperative=cooperative
            ).order_by("name")
            self.fields["institution"].queryset = labs.objects.filter(
                cooperatives=cooperative
            ).order_by("name_zh")
        else:
            self.fields["role"].choices = [(inviter.role, inviter.get_role_display())]
            self.fields["role"].initial = inviter.role
            self.fields["role"].widget = forms.HiddenInput()
            for name in ("member", "institution", "owner"):
                del self.fields[name]
        self.inviter = inviter

    def invitation(self):
        """The arguments of ``invitations.invite`` this form asks for."""
        data = self.cleaned_data
        if not is_administrator(self.inviter):
            return {
                "email": data["email"],
                "role": self.inviter.role,
                "member": self.inviter.member,
                "institution": self.inviter.institution,
                "owner": False,
            }
        role = data["role"]
        return {
            "email": data["email"],
            "role": role,
            "member": data.get("member") if role == Role.ENTERPRISE else None,
            "institution": data.get("institution") if role == Role.LAB_TECHNICIAN else None,
            "owner": bool(data.get("owner")) and role != Role.COOP_ADMIN,
        }


@role_required(invitations.may_manage_accounts)
def accounts_page(request, coop_slug):
    """The accounts the user answers for in the cooperative (an administrator: all of the
    cooperative's; a unit's owner or a lab's lead: its colleagues), the pending invitations,
    and a form to invite someone; a POST sends the invitation."""
    cooperative = request.cooperative
    form = InvitationForm(request.POST or None, inviter=request.user, cooperative=cooperative)
    if request.method == "POST" and form.is_valid():
        arguments = form.invitation()
        sent = save_or_report(
            form,
            lambda: invitations.invite(inviter=request.user, cooperative=cooperative, **arguments),
        )
        if sent:
            messages.success(request, _("An invitation goes to %(email)s.") % {"email": sent.email})
            return redirect("accounts", coop_slug=cooperative.slug)
    accounts = (
        invitations.accounts_for(request.user, cooperative)
        .select_related("member", "institution")
        .order_by("-is_active", "role", "username")
    )
    pending = (
        invitations.invitations_for(request.user, cooperative)
        .select_related("member", "institution", "invited_by")
        .order_by("-created_at", "-id")
    )
    page = page_of(request, accounts)
    page.object_list = list(page.object_list)
    for account in page.object_list:
        account.changeable = invitations.may_change(request.user, account)
    return render(
        request,
        "coop/accounts.html",
        {
            "cooperative": cooperative,
            "page": page,
            "pending": page_of(request, pending, param="invitations"),
            "form": form,
        },
    )


@require_POST
@role_required(invitations.may_manage_accounts)
def account_active(request, coop_slug, pk, active):
    """Deactivate an account (or activate it again); another's account is a 404."""
    target = invitations.accounts_for(request.user, request.cooperative).filter(pk=pk).first()
    if target is None:
        raise Http404
    user = invitations.set_active(
        user=target, actor=request.user, cooperative=request.cooperative, active=active
    )
    if active:
        messages.success(request, _("%(username)s can log in again.") % {"username": user.username})
    else:
        messages.success(request, _("%(username)s is deactivated.") % {"username": user.username})
    return redirect("accounts", coop_slug=coop_slug)


@require_POST
@role_required(invitations.may_manage_accounts)
def invitation_revoke(request, coop_slug, pk):
    invitation = (
        invitations.invitations_for(request.user, request.cooperative).filter(pk=pk).first()
    )
    if invitation is None:
        raise Http404
    if run_step(request, lambda: invitations.revoke(invitation=invitation, actor=request.user)):
        messages.success(
            request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        )
    return redirect("accounts", coop_slug=coop_slug)


class PasswordSetForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("password"), max_length=4096, strip=False, widget=forms.PasswordInput
    )
    password_again = forms.CharField(
        label=gettext_lazy("password again"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput,
    )

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


@public_view
def invitation_accept(request, coop_slug, token):
    """The page a mailed invitation opens: the invited person chooses a password, the invited
    account is made and logged in. A link that names no invitation, or one used, expired or
    withdrawn, gets a page saying so; someone already logged in is turned away first."""
    cooperative = request.cooperative
    if request.user.is_authenticated:
        # Nothing of the invitation is shown to an account that is not the invited one (and
        # the invited one does not exist yet), nor can it be used from another's session.
        return render(
            request,
            "coop/invitation_refused.html",
            {"cooperative": cooperative, "reason": "logged_in"},
            status=403,
        )
    invitation = invitations.invitation_for(token)
    status = invitation.status if invitation else None
    if status != Invitation.Status.PENDING:
        return render(
            request,
            "coop/invitation_refused.html",
            {"cooperative": cooperative, "reason": status or "unknown"},
            status=404 if invitation is None else 410,
        )
    form = PasswordSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        user = save_or_report(
            form, lambda: invitations.accept(invitation=invitation, password=password)
        )
        if user:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is set up."))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "coop/invitation_accept.html",
        {"cooperative": cooperative, "invitation": invitation, "form": form},
    )


# Password reset by email: Django's own views; the templates are ours (templates/registration).


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an address and mails a link to each active account with it; says the same
    whether or not one exists. A client address may ask ``RESETS_PER_HOUR`` times an hour, so
    the form cannot be used to flood a mailbox."""

    RESETS_PER_HOUR = 5
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        if not throttle.allow(self.request, "password-reset", self.RESETS_PER_HOUR, 3600):
            form.add_error(None, _("Too many requests from your address; try again in an hour."))
            return self.form_invalid(form)
        # The link names the portal's configured address, never the request's Host header,
        # which a client could set to send a victim a link to its own server.
        self.extra_email_context = {"portal": settings.PORTAL_BASE_URL.rstrip("/")}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Sets the new password. Saving it ends the account's API tokens (``coop.tokens``) and
    its other sessions (Django's session hash); the link then stops working, since its token
    is made from the old password. Failed logins counted against the account are cleared:
    whoever reads its mailbox has just chosen the password (a lock on an address stays)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response
