"""A member unit's account, set up from a link sent to its contact email.

The public application asks for no login name: a form that refuses a taken name tells anyone
which names exist, and one that creates an account there and then answers more slowly when it
does. An application only records the unit and its contact email, and gets the same answer
whoever sends it; the link mailed to that address opens a page where the contact chooses a
password, and the account's login name is the address itself. Only someone who reads that
mailbox learns whether the address already has an account, which tells them nothing about
anyone else's.

The link is signed (Django's signing, keyed by SECRET_KEY), names the unit and the address, and
stops working when it is older than ``INVITATION_DAYS``, once the unit has an account, or when
staff change the contact email (they can send a new link from the member's page).
"""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from coop import audit
from coop.errors import Refused
from coop.models import Role, User
from members.models import Member

INVITATION_DAYS = settings.INVITATION_DAYS
SALT = "members.account-invitation"


def login_name(email):
    return email.strip().lower()


def accounts_of(member):
    return User.objects.filter(member=member).order_by("username")


def has_account(member):
    return accounts_of(member).exists()


def invitation_token(member):
    return signing.dumps([member.pk, login_name(member.contact_email)], salt=SALT, compress=True)


def invitation_url(member):
    path = reverse("account-setup", args=[member.cooperative.slug, invitation_token(member)])
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def invited_member(token):
    """The unit a link is for, in the cooperative in scope, while the link still works; else
    None (an old, altered or used link, or another cooperative's)."""
    try:
        member_id, email = signing.loads(token, salt=SALT, max_age=INVITATION_DAYS * 86400)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    member = Member.objects.filter(pk=member_id).select_related("cooperative").first()
    if member is None or login_name(member.contact_email) != email or has_account(member):
        return None
    return member


def send_invitation(member):
    """Mail the link to the unit's contact email; nothing when it has none or has an account."""
    if not member.contact_email or has_account(member):
        return False
    send_mail(
        _("Set up your account on the %(cooperative)s portal")
        % {"cooperative": member.cooperative.name},
        _(
            "%(cooperative)s has received the application of %(member)s. Open this link within "
            "%(days)d days to choose a password; your login name is this email address, "
            "%(email)s.\n\n%(url)s\n\nIf you did not apply, ignore this message."
        )
        % {
            "cooperative": member.cooperative.name,
            "member": member.name,
            "days": INVITATION_DAYS,
            "email": login_name(member.contact_email),
            "url": invitation_url(member),
        },
        settings.DEFAULT_FROM_EMAIL,
        [member.contact_email],
    )
    return True


def invite_on_commit(member):
    from members.tasks import send_account_invitation

    send_account_invitation.delay_on_commit(member.cooperative_id, member.pk)


@transaction.atomic
def send_again(*, member, actor):
    """Staff send a new link (the first expired, went astray, or the address was corrected)."""
    if has_account(member):
        raise Refused(_("This unit's account is already set up."))
    if not member.contact_email:
        raise Refused(_("The unit has no contact email: add one, then send the link."))
    audit.record(instance=member, actor=actor, action="account_invitation")
    invite_on_commit(member)


@transaction.atomic
def set_up_account(*, member, password, actor=None):
    """The unit's enterprise account, its login name the contact email. Refused, naming the
    field, when the password is weak or the address already names an account."""
    member = Member.objects.select_for_update().get(pk=member.pk)  # two clicks make one account
    if has_account(member):
        raise ValidationError(_("This unit's account is already set up; log in with it."))
    username = login_name(member.contact_email)
    if User.objects.filter(username__iexact=username).exists():
        # Said only to whoever opened the link mailed to this address: about their own address.
        raise ValidationError(
            _(
                "This email address already has an account on the portal. Ask the cooperative "
                "to give this unit another contact email and send a new link."
            )
        )
    user = User(
        username=username,
        email=username,
        role=Role.ENTERPRISE,
        member=member,
        first_name=member.contact_person,
        is_owner=True,  # the unit's first account: it invites its colleagues (coop.invitations)
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save()
    audit.record(instance=member, actor=actor or user, action="account_set_up")
    return user
