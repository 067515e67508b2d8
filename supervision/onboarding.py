"""Onboarding a cooperative: one service that makes a new cooperative ready to work.

It crosses apps (the cooperative itself, the labs that serve it, its first convention, its
fund's first appropriation, its administrators' invitations and its schedules), so it lives on
the top floor. The page (``views.onboard``), the API (``POST /api/v1/coops/``) and the command
(``manage.py onboard_cooperative``) all call ``onboard_cooperative``.

Everything happens in one transaction: a refusal (a bad or taken slug, a bad amount, an
unknown lab, a seat or a served district of another region …) raises a ``ValidationError``
naming the field before or while writing, and nothing is left behind. Field names are the same
on the page, in the API and in the command's options (``fund_amount`` is ``--fund-amount``),
so an error names what the person typed.

Who may onboard: a region supervisor, into their own region only (the one exception to
"supervisors only read": the bureau is who starts a cooperative), and a superuser into any
region. The command names who onboards (``--by``): that person invites the administrators and
is recorded as the onboarding's actor.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop import figures, invitations, periods
from coop.errors import Refused
from coop.models import AuditRecord, Cooperative, District, Region, Role
from coop.roles import is_supervisor
from coop.tenancy import scope
from members.services.convention import convention_adopt
from supervision.schedules import install_schedules
from testing_fund.models import TestingInstitution
from testing_fund.services.fund import LARGEST, appropriate, open_fund

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_LENGTH = (3, 50)

# The convention's sections as the onboarding asks for them: ``convention_<field>``.
CONVENTION_FIELDS = [
    "title",
    "text",
    "purpose",
    "principles",
    "duties",
    "member_conditions",
    "entry_exit_rules",
]
CONVENTION_OPTIONAL = {"text"}

# A model first convention the form starts from (the supervisor edits it to the cooperative's
# own): the sections every quality convention of the bureau has.
CONVENTION_TEMPLATE = {
    "title": "质量公约",
    "text": "为提升产业集群产品质量，社员单位自愿共同遵守本公约。",
    "purpose": "树立质量第一意识，共同提升产品质量和区域品牌信誉，推动产业高质量发展。",
    "principles": "质量第一、依法经营、诚信守约、共建共享。",
    "duties": "执行现行有效的国家标准、行业标准和团体标准；配合监督抽检；如实公开质量承诺；"
    "设立首席质量官和质量专员；发生质量问题及时整改。",
    "member_conditions": "依法登记的企业或个体工商户；近两年无重大质量违法记录；"
    "建立基本的质量管理制度。",
    "entry_exit_rules": "自愿申请，经合作社审核批准并签署本公约后成为社员单位；"
    "严重违反公约或监督抽查连续不合格的，经决定予以除名；社员单位可申请自愿退出。",
}


@dataclass
class Onboarded:
    """What the onboarding made, for the page, the API's answer and the command's report."""

    cooperative: Cooperative
    convention: object
    appropriation: object
    invitations: list = field(default_factory=list)
    schedules: list = field(default_factory=list)


def may_onboard(user, region=None):
    """A region supervisor (into their own region), or a superuser (into any)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return is_supervisor(user) and (region is None or user.region_id == region.pk)


def _text(value):
    return (value or "").strip()


def _region(region, actor, errors):
    if region is None and is_supervisor(actor):
        region = actor.region
    if isinstance(region, Region):
        return region
    if region in (None, ""):
        errors["region"] = _("Choose the region of the cooperative.")
        return None
    found = Region.objects.filter(slug=str(region)).first()
    if found is None:
        errors["region"] = _("There is no region “%(region)s”.") % {"region": region}
    return found


def _district(district, region, errors):
    if district in (None, ""):
        errors["district"] = _("Choose the district where the cooperative has its seat.")
        return None
    if not isinstance(district, District):
        # A division code (the command) or a primary key.
        text = str(district).strip()
        found = District.objects.filter(division_code=text).first()
        if found is None and text.isdigit():
            found = District.objects.filter(pk=int(text)).first()
        if found is None:
            errors["district"] = _("There is no district “%(district)s”.") % {"district": text}
            return None
        district = found
    if region is not None and district.region_id != region.pk:
        errors["district"] = _(
            "%(district)s lies in another region: choose a district of %(region)s."
        ) % {"district": district.name, "region": region.name}
        return None
    return district


def _served(districts, region, seat, errors):
    """The districts the cooperative serves, by instance, division code, id or Chinese name,
    with the seat first (it is always served); an unknown one or one of another region is
    named under ``districts``."""
    found, unknown, elsewhere = [], [], []
    for district in districts or []:
        if not isinstance(district, District):
            text = str(district).strip()
            if not text:
                continue
            match = District.objects.filter(division_code=text).first()
            if match is None and text.isdigit():
                match = District.objects.filter(pk=int(text)).first()
            if match is None:
                # A name may repeat across regions (通州区): the region's own first.
                named = District.objects.filter(name_zh=text)
                match = (named.filter(region=region).first() if region else None) or named.first()
            if match is None:
                unknown.append(text)
                continue
            district = match
        if region is not None and district.region_id != region.pk:
            elsewhere.append(district.name)
        else:
            found.append(district)
    if unknown:
        errors["districts"] = _("There is no district “%(districts)s”.") % {
            "districts": "、".join(unknown)
        }
    elif elsewhere:
        errors["districts"] = _(
            "%(districts)s lie in another region: a cooperative serves districts of %(region)s "
            "only."
        ) % {"districts": "、".join(elsewhere), "region": region.name}
    served = [seat] if seat is not None else []
    return list({district.pk: district for district in served + found}.values())


def _labs(labs, errors):
    """The labs by instance, id or Chinese name; an unknown one is named."""
    found, unknown = [], []
    for lab in labs or []:
        if isinstance(lab, TestingInstitution):
            found.append(lab)
            continue
        text = str(lab).strip()
        match = None
        if text.isdigit():
            match = TestingInstitution.objects.filter(pk=int(text)).first()
        if match is None:
            match = TestingInstitution.objects.filter(name_zh=text).first()
        if match is None:
            unknown.append(text)
        else:
            found.append(match)
    if unknown:
        errors["labs"] = _("No testing institution is known as: %(labs)s.") % {
            "labs": "、".join(unknown)
        }
    return list({lab.pk: lab for lab in found}.values())


def _amount(value, errors):
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        errors["fund_amount"] = _("Give the amount in yuan, e.g. 200000.00.")
        return None
    if not amount.is_finite() or amount <= 0:
        errors["fund_amount"] = _("The first appropriation must be more than ¥0.")
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors["fund_amount"] = _("Give the amount in yuan with at most 2 decimal places.")
        return None
    if amount > LARGEST:
        errors["fund_amount"] = _("The fund's ledger records at most ¥%(most)s.") % {
            "most": figures.thousands(LARGEST)
        }
        return None
    return amount


def _administrators(emails, errors):
    found, bad = [], []
    for email in emails or []:
        email = _text(email).lower()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            bad.append(email)
            continue
        if email not in found:
            found.append(email)
    if bad:
        errors["administrators"] = _("Not an email address: %(emails)s.") % {
            "emails": ", ".join(bad)
        }
    elif not found:
        errors["administrators"] = _("Invite at least one administrator: give their email address.")
    return found


def check(
    *,
    actor,
    region=None,
    slug,
    code,
    name_zh,
    name_en="",
    industry,
    district,
    districts=(),
    established=None,
    founding_units=(),
    description="",
    labs=(),
    convention,
    fund_year=None,
    fund_amount,
    fund_source,
    fund_on=None,
    fund_document_number="",
    administrators,
):
    """Every rule of the onboarding that can be checked before writing, each error under the
    field's name; returns the cleaned values (the service's arguments, resolved)."""
    if not may_onboard(actor):
        raise PermissionDenied(_("Only a region supervisor onboards a cooperative."))
    errors = {}
    region = _region(region, actor, errors)
    if region is not None and not may_onboard(actor, region):
        raise PermissionDenied(_("You may onboard cooperatives only in your own region."))
    slug = _text(slug)
    if not slug:
        errors["slug"] = _("Give the cooperative a short web name, e.g. haimen-hometextile.")
    elif not SLUG.match(slug) or not SLUG_LENGTH[0] <= len(slug) <= SLUG_LENGTH[1]:
        errors["slug"] = _(
            "Use %(least)d to %(most)d lowercase letters, digits and single hyphens between "
            "them, e.g. haimen-hometextile."
        ) % {"least": SLUG_LENGTH[0], "most": SLUG_LENGTH[1]}
    elif Cooperative.objects.filter(slug__iexact=slug).exists():
        errors["slug"] = _("The web name “%(slug)s” is taken by another cooperative.") % {
            "slug": slug
        }
    code = _text(code).upper()
    if code and Cooperative.objects.filter(code=code).exists():
        errors["code"] = _("Another cooperative's certificates begin with %(code)s.") % {
            "code": code
        }
    district = _district(district, region, errors)
    districts = _served(districts, region, district, errors)
    established = established or timezone.localdate()
    if isinstance(established, date) and established > timezone.localdate():
        errors["established"] = _("The cooperative cannot be established in the future.")
    units = [_text(unit) for unit in founding_units or () if _text(unit)]
    labs = _labs(labs, errors)
    sections = {}
    for name in CONVENTION_FIELDS:
        sections[name] = _text((convention or {}).get(name))
        if not sections[name] and name not in CONVENTION_OPTIONAL:
            errors[f"convention_{name}"] = _("The first convention needs this section.")
    if fund_year in (None, ""):
        fund_year = timezone.localdate().year
    try:
        fund_year = periods.check_year(fund_year, name="fund_year")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    amount = _amount(fund_amount, errors)
    if not _text(fund_source):
        errors["fund_source"] = _(
            "Say where the money comes from, e.g. the district's finance bureau."
        )
    emails = _administrators(administrators, errors)
    cooperative = Cooperative(
        slug=slug,
        code=code,
        name_zh=_text(name_zh),
        name_en=_text(name_en),
        industry=_text(industry),
        region=region,
        district=district,
        established=established,
        founding_units="\n".join(units),
        description=_text(description),
    )
    try:
        # The model's own rules (lengths, the code's letters, required names): what the
        # checks above have already named is not said twice.
        cooperative.full_clean(
            exclude=["slug", "region", "district", *errors], validate_unique=False
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, messages[0])
    if errors:
        raise ValidationError(errors)
    return dict(
        cooperative=cooperative,
        districts=districts,
        labs=labs,
        convention={name: value for name, value in sections.items()},
        fund=dict(
            year=fund_year,
            amount=amount,
            source=_text(fund_source),
            on=fund_on or timezone.localdate(),
            document_number=_text(fund_document_number),
        ),
        administrators=emails,
    )


def _renamed(error, prefix=None, to=None):
    """A lower service's ValidationError under the onboarding's field names."""
    if hasattr(error, "error_dict"):
        return ValidationError(
            {to or f"{prefix}{name}": messages for name, messages in error.message_dict.items()}
        )
    return ValidationError({to or NON_FIELD_ERRORS: error.messages})


@transaction.atomic
def onboard_cooperative(*, actor, **values):
    """Make a cooperative ready to work, or nothing at all.

    ``values`` are ``check``'s keywords: the cooperative's names, ``slug``, ``code``,
    ``industry``, ``region`` (a supervisor's own when omitted), ``district`` (the seat),
    ``districts`` (the others it serves: instances, division codes, ids or Chinese names; the
    seat is served anyway), ``established``,
    ``founding_units`` (a list), ``description``; ``labs`` (instances, ids or Chinese names);
    ``convention`` (a dict of ``CONVENTION_FIELDS``); ``fund_year``, ``fund_amount``,
    ``fund_source``, ``fund_on``, ``fund_document_number``; ``administrators`` (emails).
    """
    cleaned = check(actor=actor, **values)
    cooperative = cleaned["cooperative"]
    # Onboardings of one region take turns; one of another region that took the slug or the
    # code since the checks is caught by their unique constraints, and said the same way.
    Region.objects.select_for_update().get(pk=cooperative.region_id)
    try:
        with transaction.atomic():
            cooperative.save()
    except IntegrityError:
        if Cooperative.objects.filter(code=cooperative.code).exists():
            raise ValidationError(
                {
                    "code": _("Another cooperative's certificates begin with %(code)s.")
                    % {"code": cooperative.code}
                }
            ) from None
        raise ValidationError(
            {
                "slug": _("The web name “%(slug)s” is taken by another cooperative.")
                % {"slug": cooperative.slug}
            }
        ) from None
    cooperative.serve(cleaned["districts"])
    for lab in cleaned["labs"]:
        lab.cooperatives.add(cooperative)
    with scope({cooperative.pk}):
        try:
            convention = convention_adopt(
                cooperative=cooperative, actor=actor, **cleaned["convention"]
            )
        except ValidationError as error:
            raise _renamed(error, prefix="convention_") from None
        fund = cleaned["fund"]
        try:
            appropriation = appropriate(
                fund=open_fund(cooperative=cooperative, year=fund["year"]),
                actor=actor,
                source=fund["source"],
                amount=fund["amount"],
                on=fund["on"],
                document_number=fund["document_number"],
            )
        except ValidationError as error:
            raise _renamed(error, prefix="fund_") from None
        sent = []
        for email in cleaned["administrators"]:
            try:
                sent.append(
                    invitations.invite(
                        inviter=actor,
                        email=email,
                        role=Role.COOP_ADMIN,
                        cooperative=cooperative,
                    )
                )
            except ValidationError as error:
                raise _renamed(error, to="administrators") from None
            except Refused as refusal:
                raise ValidationError({"administrators": f"{email}: {refusal.message}"}) from None
        schedules = list(install_schedules(cooperative))
        AuditRecord.objects.create(
            cooperative=cooperative,
            actor=actor,
            action="cooperative_onboard",
            object_type=cooperative._meta.label_lower,
            object_id=cooperative.pk,
            changes={
                "districts": [district.division_code for district in cleaned["districts"]],
                "labs": [lab.pk for lab in cleaned["labs"]],
                "convention_version": convention.version,
                "fund_year": fund["year"],
                "fund_amount": str(fund["amount"]),
                "administrators": cleaned["administrators"],
                "schedules": [task.name for task in schedules],
            },
        )
    return Onboarded(
        cooperative=cooperative,
        convention=convention,
        appropriation=appropriation,
        invitations=sent,
        schedules=schedules,
    )


def onboarding_record(cooperative):
    """The onboarding's audit record of ``cooperative`` (None if it was made otherwise)."""
    with scope({cooperative.pk}):
        return (
            AuditRecord.objects.filter(cooperative=cooperative, action="cooperative_onboard")
            .order_by("-at")
            .first()
        )
