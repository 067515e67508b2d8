"""A bureau's start on an empty database (``manage.py set_up_region``): its region and
districts, the standards catalogue, the labs it knows of, and its supervisors' accounts, each
with a one-time link to choose a password.

The link is Django's own password-reset link (``default_token_generator`` and the
``password_reset_confirm`` page): it is made from the account's password hash and last login,
so it works once (choosing a password changes the hash), expires after
``PASSWORD_RESET_TIMEOUT``, and is worthless for any other account. No password ever passes
through the operator's shell or the mail. A rerun writes nothing new: the rows are matched by
their codes, slug, names and addresses; a supervisor who has not chosen a password yet gets a
fresh link (the old one may have expired), one who has gets none."""

import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from coop.models import District, Region, Role, User
from coop.tenancy import unscoped
from standards import catalogue
from testing_fund.models import TestingInstitution

logger = logging.getLogger(__name__)

DIVISION_CODE = re.compile(r"^[1-9]\d{5}$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def division_prefix(code):
    """The digits a division's subdivisions share (GB/T 2260: two for the province, two for the
    prefecture, two for the county): 320600 (Nantong) -> 3206, so Haimen 320684 lies in it."""
    prefix = code
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return prefix


@dataclass
class SupervisorLink:
    user: User
    created: bool
    url: str = ""  # empty when the account already has a password
    mailed: bool | None = None  # None until the mail is tried (after the commit)


@dataclass
class RegionSetUp:
    region: Region
    region_created: bool
    districts: list = field(default_factory=list)  # (District, created)
    labs: list = field(default_factory=list)  # (TestingInstitution, created)
    supervisors: list = field(default_factory=list)  # SupervisorLink


def password_link(user):
    """The one-time link to choose a password, under the portal's configured address (never a
    request's Host header)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def check(*, slug, division_code, name_zh, districts, labs, supervisors):
    """Every broken rule, under the name of the value that broke it; nothing is read twice."""
    errors = {}

    def refuse(name, message):
        errors.setdefault(name, []).append(message)

    if not SLUG.match(slug or "") or not 2 <= len(slug) <= 50:
        refuse("slug", _("Use 2 to 50 lowercase letters, digits and single hyphens, e.g. nantong."))
    if not DIVISION_CODE.match(division_code or ""):
        refuse(
            "division_code",
            _("%(code)r is not a six-digit administrative division code, e.g. 320600.")
            % {"code": division_code},
        )
    if not (name_zh or "").strip():
        refuse("name_zh", _("The region needs a Chinese name, e.g. 南通市."))
    existing = Region.objects.filter(slug=slug).first()
    prefix = division_prefix(division_code) if DIVISION_CODE.match(division_code or "") else ""
    seen = set()
    for code, district_zh, _district_en in districts:
        if not DIVISION_CODE.match(code):
            refuse(
                "districts",
                _("%(code)r is not a six-digit administrative division code, e.g. 320684.")
                % {"code": code},
            )
            continue
        if code in seen:
            refuse("districts", _("%(code)s is given twice.") % {"code": code})
        seen.add(code)
        if not district_zh.strip():
            refuse("districts", _("%(code)s needs a Chinese name.") % {"code": code})
        if prefix and (not code.startswith(prefix) or code == division_code):
            refuse(
                "districts",
                _(
                    "%(code)s does not lie in the region %(region)s: its code begins with %(prefix)s."
                )
                % {"code": code, "region": division_code, "prefix": prefix},
            )
        other = District.objects.filter(division_code=code).select_related("region").first()
        if other and (existing is None or other.region_id != existing.pk):
            refuse(
                "districts",
                _("%(code)s is already a district of %(region)s.")
                % {"code": code, "region": other.region.name_zh},
            )
    for name_zh_lab, _accreditation in labs:
        if not name_zh_lab.strip():
            refuse("labs", _("A lab needs its Chinese name."))
    for email in supervisors:
        try:
            validate_email(email)
        except ValidationError:
            refuse("supervisors", _("%(email)r is not an email address.") % {"email": email})
            continue
        account = User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).first()
        if account is None:
            continue
        if account.role != Role.REGION_SUPERVISOR:
            refuse(
                "supervisors",
                _("%(email)s is already the account of a %(role)s.")
                % {"email": email, "role": account.get_role_display() or _("user without a role")},
            )
        elif existing is None or account.region_id != existing.pk:
            refuse(
                "supervisors",
                _("%(email)s already supervises another region.") % {"email": email},
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def set_up_region(
    *, slug, division_code, name_zh, name_en="", districts=(), labs=(), supervisors=()
):
    """Create or update the region, its districts (``(code, name_zh, name_en)``), the standards
    catalogue, labs (``(name_zh, accreditation)``) and supervisors (email addresses), then mail
    each supervisor without a password a one-time link after the commit. A broken rule raises
    ``ValidationError`` keyed by ``slug``, ``division_code``, ``name_zh``, ``districts``, ``labs``
    or ``supervisors``, and nothing is written."""
    slug = (slug or "").strip()
    division_code = (division_code or "").strip()
    districts = [(c.strip(), z.strip(), (e or "").strip()) for c, z, e in districts]
    labs = [(n.strip(), (a or "").strip()) for n, a in labs]
    supervisors = list(dict.fromkeys((email or "").strip().lower() for email in supervisors))
    with unscoped():
        check(
            slug=slug,
            division_code=division_code,
            name_zh=name_zh,
            districts=districts,
            labs=labs,
            supervisors=supervisors,
        )
        region, created = Region.objects.update_or_create(
            slug=slug,
            defaults=dict(
                division_code=division_code, name_zh=name_zh.strip(), name_en=name_en.strip()
            ),
        )
        done = RegionSetUp(region=region, region_created=created)
        for code, district_zh, district_en in districts:
            district, created = District.objects.update_or_create(
                division_code=code,
                defaults=dict(region=region, name_zh=district_zh, name_en=district_en),
            )
            done.districts.append((district, created))
        catalogue.load()
        for lab_zh, accreditation in labs:
            # An accreditation left out keeps the one recorded (on the labs page, say).
            defaults = {"accreditation": accreditation} if accreditation else {}
            lab, created = TestingInstitution.objects.update_or_create(
                name_zh=lab_zh, defaults=defaults
            )
            done.labs.append((lab, created))
        for email in supervisors:
            user = User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).first()
            created = user is None
            if created:
                user = User(username=email, email=email, role=Role.REGION_SUPERVISOR, region=region)
                user.set_unusable_password()
                user.full_clean()
                user.save()
            link = SupervisorLink(user=user, created=created)
            if user.is_active and not user.has_usable_password():
                link.url = password_link(user)
                transaction.on_commit(lambda link=link: mail_link(link))
            done.supervisors.append(link)
    return done


def mail_link(link):
    """Mail a supervisor's link. A failure is logged, not raised: the command prints the link,
    and a rerun mails a fresh one."""
    user = link.user
    try:
        send_mail(
            _("Your account on the quality cooperative portal"),
            _(
                "An account was opened for you on the quality cooperative portal as a region "
                "supervisor of %(region)s; your login name is %(email)s.\n\n"
                "Open this link to choose your password. It works once and expires in "
                "%(hours)d hours; ask the portal's operator for a new one after that.\n\n"
                "%(url)s\n\n"
                "If you did not expect this message, ignore it."
            )
            % {
                "region": user.region.name_zh,
                "email": user.username,
                "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
                "url": link.url,
            },
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    except OSError:  # smtplib's errors are OSErrors, as is a refused connection
        logger.exception("The password link of %s could not be mailed", user.username)
        link.mailed = False
    else:
        link.mailed = True
