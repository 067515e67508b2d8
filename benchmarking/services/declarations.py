"""Declarations (达标声明) and their evaluation: a member (or staff on its behalf) declares a
product against a published scheme, claiming a value for every key indicator, each meeting the
scheme's advanced value; staff accept it or return it with the reason (the member corrects the
claims and sends it again); a third-party evaluation certifies it (body, certificate number
unique per body, date, valid until) and the product is benchmarked (达标). The steps are
declared once, in ``DECLARATION`` at the bottom."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from rest_framework import serializers

from benchmarking.models import (
    BenchmarkDeclaration,
    BenchmarkScheme,
    ClaimedValue,
    SchemeIndicator,
    meets,
    plain,
)
from benchmarking.services.schemes import decimal_of
from coop import audit
from coop.errors import Refused
from coop.roles import Party
from coop.tenancy import unscoped
from coop.workflow import Workflow, step
from coop.workflow_api import step_text
from members.models import Member

Status = BenchmarkDeclaration.Status


def checked_claims(scheme, values):
    """The claims ``values`` (indicator id, or name, → value) as ``{indicator: Decimal}``: one
    for every key indicator of ``scheme``, each meeting its advanced value; else one
    ValidationError on ``values`` naming each indicator that fails and why."""
    indicators = list(SchemeIndicator.objects.filter(scheme=scheme).order_by("position", "pk"))
    given = {str(key).strip(): value for key, value in (values or {}).items()}
    errors, claims = [], {}
    for indicator in indicators:
        raw = given.pop(str(indicator.pk), given.pop(indicator.name, None))
        if raw in (None, ""):
            errors.append(
                _("%(indicator)s: give the value the product claims.")
                % {"indicator": indicator.name}
            )
            continue
        try:
            value = decimal_of(raw, "values")
        except ValidationError:
            errors.append(
                _("%(indicator)s: “%(value)s” is not a number.")
                % {"indicator": indicator.name, "value": raw}
            )
            continue
        if not meets(value, indicator.advanced_value, indicator.direction):
            errors.append(
                _(
                    "%(indicator)s: the claimed %(value)s %(unit)s does not meet the scheme's "
                    "advanced value (%(rule)s %(target)s %(unit)s)."
                )
                % {
                    "indicator": indicator.name,
                    "value": plain(value),
                    "unit": indicator.unit,
                    "rule": indicator.rule,
                    "target": indicator.advanced_shown,
                }
            )
            continue
        claims[indicator] = value
    for key in given:
        errors.append(_("%(indicator)s is no key indicator of the scheme.") % {"indicator": key})
    if errors:
        raise ValidationError({"values": errors})
    return claims


def write_claims(declaration, claims):
    ClaimedValue.objects.filter(declaration=declaration).delete()
    ClaimedValue.objects.bulk_create(
        ClaimedValue(
            cooperative_id=declaration.cooperative_id,
            declaration=declaration,
            indicator=indicator,
            value=value,
        )
        for indicator, value in claims.items()
    )


@transaction.atomic
def declare(*, member, actor, scheme, product_name, model="", values=None):
    """A member's product declared against a published scheme of its cooperative."""
    if member.status not in (Member.Status.ACTIVE, Member.Status.SUSPENDED):
        raise ValidationError({"member": _("Only a member unit of the cooperative declares.")})
    if scheme is None or scheme.cooperative_id != member.cooperative_id:
        raise ValidationError({"scheme": _("Choose a published scheme of the cooperative.")})
    # Read under a lock: a scheme withdrawn meanwhile takes no more declarations.
    scheme = BenchmarkScheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.status != BenchmarkScheme.Status.PUBLISHED:
        raise Refused(
            _("Products are declared only against a published scheme: this one is %(status)s.")
            % {"status": scheme.get_status_display()}
        )
    claims = checked_claims(scheme, values)
    row = BenchmarkDeclaration(
        cooperative_id=member.cooperative_id,
        scheme=scheme,
        member=member,
        product_name=(product_name or "").strip(),
        model=(model or "").strip(),
        declared_by=actor if actor is not None and actor.is_authenticated else None,
    )
    row.full_clean()
    row.save()
    write_claims(row, claims)
    audit.record(instance=row, actor=actor, action="benchmarkdeclaration_declare")
    DECLARATION.record(row, "declare", actor=actor)
    return row


def refuse_unless_scheme_published(row):
    """Accepting, sending again and certifying lead to the public list of benchmarked
    products, which a scheme withdrawn meanwhile has left: under it they are refused, saying
    so. Returning a declaration stays open (it tells the member why). The scheme is read
    under a lock, as ``declare`` reads it; withdrawing locks the scheme alone."""
    scheme = BenchmarkScheme.objects.select_for_update().get(pk=row.scheme_id)
    if scheme.status != BenchmarkScheme.Status.PUBLISHED:
        raise Refused(
            _(
                "The scheme of this declaration is %(status)s: a declaration is accepted, "
                "sent again or certified only under a published scheme."
            )
            % {"status": scheme.get_status_display()}
        )


def accepted(row, *, actor, reason=""):
    refuse_unless_scheme_published(row)
    row.reviewed_at, row.review_reason = timezone.now(), (reason or "").strip()


def returned(row, *, actor, reason=""):
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason: the member reads it.")})
    row.reviewed_at, row.review_reason = timezone.now(), reason.strip()


def resubmitted(row, *, actor, values=None, reason=""):
    """Sent again after a return: with corrected claims when given (an indicator not given
    keeps its claim), all checked again as at first."""
    refuse_unless_scheme_published(row)
    if values:
        kept = {
            str(claim.indicator_id): claim.value
            for claim in ClaimedValue.objects.filter(declaration=row)
        }
        write_claims(row, checked_claims(row.scheme, kept | {str(k): v for k, v in values.items()}))
    row.declared_at = timezone.now()


def certified(
    row,
    *,
    actor,
    evaluation_body="",
    certificate_number="",
    certified_on=None,
    valid_until=None,
    reason="",
):
    refuse_unless_scheme_published(row)
    body, number = (evaluation_body or "").strip(), (certificate_number or "").strip()
    errors = {}
    if not body:
        errors["evaluation_body"] = _("Name the third-party evaluation body.")
    if not number:
        errors["certificate_number"] = _("Give the certificate's number.")
    if certified_on is None:
        errors["certified_on"] = _("Give the date of the certificate.")
    if valid_until is None:
        errors["valid_until"] = _("Give the date the certificate is valid until.")
    elif certified_on is not None and valid_until <= certified_on:
        errors["valid_until"] = _("A certificate is valid until a day after its date.")
    if certified_on is not None and certified_on > timezone.localdate():
        errors["certified_on"] = _("A certificate's date is not in the future.")
    if errors:
        raise ValidationError(errors)
    # Unique per body in every cooperative: a certificate is the body's, not the cooperative's.
    with unscoped():
        taken = (
            BenchmarkDeclaration.objects.filter(evaluation_body=body, certificate_number=number)
            .exclude(pk=row.pk)
            .exists()
        )
    if taken:
        raise ValidationError(
            {
                "certificate_number": _(
                    "%(body)s has issued certificate %(number)s for another product already."
                )
                % {"body": body, "number": number}
            }
        )
    row.evaluation_body, row.certificate_number = body, number
    row.certified_on, row.valid_until = certified_on, valid_until


def accept(*, row, actor, reason=""):
    return DECLARATION.take("accept", row, actor=actor, check_who=False, reason=reason)


def return_(*, row, actor, reason):
    return DECLARATION.take("return", row, actor=actor, check_who=False, reason=reason)


def certify(*, row, actor, **evaluation):
    return DECLARATION.take("certify", row, actor=actor, check_who=False, **evaluation)


class DeclarationInput(serializers.Serializer):
    reason = step_text(gettext_lazy("reason"), required=False)
    values = serializers.DictField(
        label=gettext_lazy("claimed values"),
        child=serializers.CharField(),
        required=False,
        help_text=gettext_lazy("Key indicator id → the value claimed, when correcting them."),
    )
    evaluation_body = step_text(gettext_lazy("evaluation body"), line=True)
    certificate_number = step_text(gettext_lazy("certificate number"), line=True)
    certified_on = serializers.DateField(
        label=gettext_lazy("date of certificate"), required=False, allow_null=True, default=None
    )
    valid_until = serializers.DateField(
        label=gettext_lazy("valid until"), required=False, allow_null=True, default=None
    )


STAFF = Party.ADMINISTRATOR

DECLARATION = Workflow(
    name="benchmark_declaration",
    model=BenchmarkDeclaration,
    noun=gettext_lazy("a benchmarking declaration"),
    input=DeclarationInput,
    related=("scheme",),
    steps=[
        step(
            "declare",
            pgettext_lazy("benchmarking", "Declare"),
            pgettext_lazy("benchmarking", "declare"),
            (),
            Status.SUBMITTED,
            (),
            done=pgettext_lazy("benchmarking", "declared"),
        ),
        step(
            "accept",
            pgettext_lazy("benchmarking", "Accept"),
            pgettext_lazy("benchmarking", "accept"),
            [Status.SUBMITTED],
            Status.ACCEPTED,
            STAFF,
            accepted,
            fields=("reason",),
        ),
        step(
            "return",
            pgettext_lazy("benchmarking", "Return"),
            pgettext_lazy("benchmarking", "return"),
            [Status.SUBMITTED],
            Status.RETURNED,
            STAFF,
            returned,
            fields=("reason",),
            required=("reason",),
        ),
        step(
            "resubmit",
            pgettext_lazy("benchmarking", "Send again"),
            pgettext_lazy("benchmarking", "send again"),
            [Status.RETURNED],
            Status.SUBMITTED,
            (Party.MEMBER, STAFF),
            resubmitted,
            fields=("values", "reason"),
            template="benchmarking/claim_inputs.html",
        ),
        step(
            "certify",
            pgettext_lazy("benchmarking", "Record the certificate"),
            pgettext_lazy("benchmarking", "certify"),
            [Status.ACCEPTED],
            Status.CERTIFIED,
            STAFF,
            certified,
            fields=("evaluation_body", "certificate_number", "certified_on", "valid_until"),
            required=("evaluation_body", "certificate_number", "certified_on", "valid_until"),
        ),
    ],
)
