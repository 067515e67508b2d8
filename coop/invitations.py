"""Accounts made by invitation, and accounts deactivated.

Who invites whom (``may_invite``):

- a cooperative's administrator (or a superuser): other administrators of the cooperative,
  enterprise users for any of its member units (the unit's owner or a colleague) and the
  technicians of a lab that serves it (its lead among them);
- a region supervisor: the administrators of a cooperative of its region (onboarding);
- a member unit's owner: colleagues for its own unit;
- a lab's lead: technicians of its own lab.

``invite`` keeps a row with only a SHA-256 of a random token and mails the link holding the
token once the transaction commits. The link opens ``/c/<coop>/invitation/<token>/``: whoever
holds it chooses a password there, and the account made is the invited one, its login name the
invited address (lower-cased, as an applicant's account, ``members.services.accounts``), with
the role and unit the inviter chose; nothing on the page can change them. A link works once,
until ``INVITATION_DAYS`` have passed, and not after it is withdrawn (a new invitation to the
same address withdraws the older ones). A user already logged in who opens one is turned away
without seeing it, so a forwarded link gives another person nothing of theirs.

``deactivate`` switches an account off (``is_active`` False): its API tokens and page sessions
are deleted at once; Django refuses an inactive account's password and session anyway.
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from coop.models import AuditRecord, Invitation, Role, User
from coop.roles import is_administrator, is_enterprise, is_lab, is_supervisor
from coop.tenancy import active_scope, scope

logger = logging.getLogger(__name__)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def login_name(email):
    return (email or "").strip().lower()


def accounts_of(cooperative):
    """Every account acting in ``cooperative``: its administrators, its member units' users and
    the technicians of the labs that serve it."""
    return User.objects.filter(
        Q(cooperative=cooperative)
        | Q(member__cooperative=cooperative)
        | Q(institution__in=cooperative.institutions.values("id"))
    )


def accounts_for(user, cooperative):
    """The accounts of ``cooperative`` that ``user`` answers for (lists them, deactivates them):
    an administrator its cooperative's, an owner its unit's, a lab's lead its lab's."""
    if is_administrator(user):
        return accounts_of(cooperative)
    if is_enterprise(user) and user.is_owner:
        return User.objects.filter(member_id=user.member_id)
    if is_lab(user) and user.is_owner:
        return User.objects.filter(institution_id=user.institution_id)
    return User.objects.none()


def may_manage_accounts(user):
    """Has a page of accounts: administrators, units' owners and labs' leads."""
    return is_administrator(user) or (
        (is_enterprise(user) or is_lab(user)) and getattr(user, "is_owner", False)
    )


def invitations_for(user, cooperative):
    """The pending invitations ``user`` sees: an administrator all of the cooperative's, an owner
    or a lead those for its own unit or lab."""
    pending = Invitation.objects.filter(
        cooperative=cooperative,
        used_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if is_administrator(user):
        return pending
    if is_enterprise(user) and user.is_owner:
        return pending.filter(member_id=user.member_id)
    if is_lab(user) and user.is_owner:
        return pending.filter(institution_id=user.institution_id)
    return pending.none()


def may_invite(inviter, *, cooperative, role, member=None, institution=None, owner=False):
    """True when ``inviter`` may invite this kind of account into ``cooperative``."""
    if not inviter.is_authenticated:
        return False
    if inviter.is_superuser or (
        inviter.role == Role.COOP_ADMIN and inviter.cooperative_id == cooperative.pk
    ):
        return role in (Role.COOP_ADMIN, Role.ENTERPRISE, Role.LAB_TECHNICIAN)
    if is_supervisor(inviter) and inviter.region_id == cooperative.region_id:
        return role == Role.COOP_ADMIN
    # An owner or a lead invites colleagues; another owner only an administrator names.
    if is_enterprise(inviter) and inviter.is_owner and not owner:
        return role == Role.ENTERPRISE and member is not None and member.pk == inviter.member_id
    if is_lab(inviter) and inviter.is_owner and not owner:
        return (
            role == Role.LAB_TECHNICIAN
            and institution is not None
            and institution.pk == inviter.institution_id
        )
    return False


def check_invitation(*, cooperative, email, role, member, institution, owner):
    """The invitation's own rules, each error naming its field."""
    errors = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid email address.")
    if role not in (Role.COOP_ADMIN, Role.ENTERPRISE, Role.LAB_TECHNICIAN):
        errors["role"] = _("Invite an administrator, an enterprise user or a lab technician.")
    elif role == Role.ENTERPRISE:
        if member is None:
            errors["member"] = _("Choose the member unit the account acts for.")
        elif member.cooperative_id != cooperative.pk:
            errors["member"] = _("This member unit is not one of this cooperative's.")
    elif role == Role.LAB_TECHNICIAN:
        if institution is None:
            errors["institution"] = _("Choose the lab the account works for.")
        elif not cooperative.institutions.filter(pk=institution.pk).exists():
            errors["institution"] = _("This lab does not serve this cooperative.")
    if role != Role.ENTERPRISE and member is not None:
        errors["member"] = _("Only an enterprise user acts for a member unit.")
    if role != Role.LAB_TECHNICIAN and institution is not None:
        errors["institution"] = _("Only a lab technician works for a lab.")
    if owner and role == Role.COOP_ADMIN:
        errors["owner"] = _("Only a member unit or a lab has an owner.")
    if errors:
        raise ValidationError(errors)
    if owner:
        link = {"member": member} if role == Role.ENTERPRISE else {"institution": institution}
        if User.objects.filter(is_owner=True, **link).exists():
            raise ValidationError(
                {"owner": _("It already has an owner; invite a colleague instead.")}
            )
    if accounts_of(cooperative).filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise ValidationError(
            {"email": _("This address is already an account of the cooperative.")}
        )


def invite(*, inviter, email, role, cooperative, member=None, institution=None, owner=False):
    """Invite ``email`` to set up an account: keep the invitation, mail its link on commit.

    Refused with PermissionDenied when ``inviter`` may not invite this account, and with a
    ValidationError naming the field when the invitation breaks a rule; either writes nothing.
    Earlier pending invitations of the same address in the cooperative are withdrawn.

    Called outside any tenant scope (a management command), it enters the cooperative's own:
    ``may_invite`` has checked the inviter against that cooperative by then."""
    arguments = dict(
        inviter=inviter,
        email=login_name(email),
        role=role,
        cooperative=cooperative,
        member=member,
        institution=institution,
        owner=owner,
    )
    if active_scope() is None:
        with scope({cooperative.pk}):
            return _invite(**arguments)
    return _invite(**arguments)


@transaction.atomic
def _invite(*, inviter, email, role, cooperative, member, institution, owner):
    if not may_invite(
        inviter,
        cooperative=cooperative,
        role=role,
        member=member,
        institution=institution,
        owner=owner,
    ):
        raise PermissionDenied(_("You may not invite this account."))
    check_invitation(
        cooperative=cooperative,
        email=email,
        role=role,
        member=member,
        institution=institution,
        owner=owner,
    )
    now = timezone.now()
    Invitation.objects.filter(
        cooperative=cooperative, email=email, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        cooperative=cooperative,
        email=email,
        role=role,
        member=member,
        institution=institution,
        is_owner=owner,
        token_hash=hash_token(token),
        invited_by=inviter if inviter.is_authenticated else None,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_DAYS),
    )
    record(invitation, inviter, "invitation_sent", {"email": email, "role": role})
    transaction.on_commit(lambda: send_invitation(invitation, token))
    return invitation


def invitation_url(invitation, token):
    path = reverse("invitation-accept", args=[invitation.cooperative.slug, token])
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def send_invitation(invitation, token):
    """Mail the link. A failure is logged, not raised: the invitation shows as pending on the
    accounts page and the inviter sends a new one."""
    cooperative = invitation.cooperative
    try:
        send_mail(
            _("Your account on the %(cooperative)s portal") % {"cooperative": cooperative.name},
            _(
                "You are invited to the portal of %(cooperative)s as %(role)s of %(where)s.\n\n"
                "Open this link within %(days)d days to choose a password; your login name is "
                "this email address, %(email)s. The link works once.\n\n%(url)s\n\n"
                "If you did not expect this message, ignore it."
            )
            % {
                "cooperative": cooperative.name,
                "role": invitation.get_role_title(),
                "where": invitation.place,
                "days": settings.INVITATION_DAYS,
                "email": invitation.email,
                "url": invitation_url(invitation, token),
            },
            settings.DEFAULT_FROM_EMAIL,
            [invitation.email],
        )
    except OSError:  # smtplib's errors are OSErrors, as are a refused connection's
        logger.exception("The invitation %s could not be mailed", invitation.pk)
        return False
    return True


def invitation_for(token):
    """The invitation a link's token names, in the cooperative in scope, whatever its state;
    None for a token that names none (altered, or another cooperative's)."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.filter(token_hash=hash_token(token))
        .select_related("cooperative", "member", "institution")
        .first()
    )


@transaction.atomic
def accept(*, invitation, password):
    """Make the invited account with ``password`` and mark the invitation used. Refused (a
    ValidationError) when the link no longer works, the password is weak (naming
    ``password``), or the address already has an account (said only to whoever holds the link
    mailed to it)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)  # one account
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(_("This link no longer works."))
    if User.objects.filter(
        Q(username__iexact=invitation.email) | Q(email__iexact=invitation.email)
    ).exists():
        raise ValidationError(
            _(
                "This email address already has an account on the portal: log in with it, or "
                "reset its password from the login page."
            )
        )
    owner = invitation.is_owner
    if owner:
        link = (
            {"member_id": invitation.member_id}
            if invitation.member_id
            else {"institution_id": invitation.institution_id}
        )
        # An owner named since the invitation was sent stays the owner; this is a colleague.
        owner = not User.objects.filter(is_owner=True, **link).exists()
    user = User(
        username=invitation.email,
        email=invitation.email,
        role=invitation.role,
        cooperative_id=invitation.cooperative_id if invitation.role == Role.COOP_ADMIN else None,
        member_id=invitation.member_id,
        institution_id=invitation.institution_id,
        is_owner=owner,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save()
    invitation.used_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["used_at", "user"])
    record(invitation, user, "invitation_used", {"user": user.pk})
    return user


@transaction.atomic
def revoke(*, invitation, actor):
    """Withdraw a pending invitation: its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(_("Only a pending invitation can be withdrawn."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(invitation, actor, "invitation_revoked", {"email": invitation.email})
    return invitation


def may_change(actor, user):
    """May ``actor`` deactivate ``user``, one of the accounts it answers for? Not its own; and a
    lab's technicians, who may serve several cooperatives, only by the lab's lead (or a
    superuser), not by one cooperative's administrator."""
    if user.pk == actor.pk:
        return False
    return user.role != Role.LAB_TECHNICIAN or actor.is_superuser or is_lab(actor)


def drop_sessions(user):
    """Delete the page sessions of ``user`` (the database's session store)."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()


@transaction.atomic
def set_active(*, user, actor, cooperative, active):
    """Deactivate (or activate again) ``user``, an account ``actor`` answers for in
    ``cooperative``. PermissionDenied for any other account and for one's own."""
    user = (
        accounts_for(actor, cooperative).select_for_update(of=("self",)).filter(pk=user.pk).first()
    )
    if user is None or not may_change(actor, user):
        raise PermissionDenied(_("You may not change this account."))
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        AuthToken.objects.filter(user=user).delete()
        drop_sessions(user)
    AuditRecord.objects.create(
        cooperative=cooperative,
        actor=actor,
        action="account_activated" if active else "account_deactivated",
        object_type=User._meta.label_lower,
        object_id=user.pk,
    )
    return user


def record(invitation, actor, action, changes):
    AuditRecord.objects.create(
        cooperative_id=invitation.cooperative_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=Invitation._meta.label_lower,
        object_id=invitation.pk,
        changes=changes,
    )
