"""Benchmarking schemes (对标方案): the cooperative's staff draft one for a product, add its key
indicators and the advanced standards each is compared with, and publish it; members declare
against a published scheme; a scheme no longer current is withdrawn (with the reason). The
steps are declared once, in ``SCHEME`` at the bottom."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from rest_framework import serializers

from benchmarking.models import (
    BenchmarkScheme,
    ComparedStandard,
    Direction,
    SchemeIndicator,
    plain,
)
from coop import audit
from coop.errors import Refused
from coop.roles import Party
from coop.workflow import Workflow, step
from coop.workflow_api import step_text

Status = BenchmarkScheme.Status


def decimal_of(value, field):
    """``value`` as a Decimal, or a ValidationError naming ``field``."""
    if isinstance(value, Decimal):
        return value
    try:
        found = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Give a number, e.g. 20 or 3.5.")}) from None
    if not found.is_finite():
        raise ValidationError({field: _("Give a number, e.g. 20 or 3.5.")})
    return found


@transaction.atomic
def create_scheme(*, cooperative, actor, category, product, title="", summary=""):
    """A draft scheme of the cooperative; its indicators are added before it is published."""
    product = (product or "").strip()
    scheme = BenchmarkScheme(
        cooperative=cooperative,
        category=category,
        product=product,
        title=(title or "").strip()
        or _("Benchmarking scheme for %(product)s") % {"product": product},
        summary=(summary or "").strip(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    if category is None:
        raise ValidationError({"category": _("Choose the product category.")})
    scheme.full_clean()
    scheme.save()
    audit.record(instance=scheme, actor=actor, action="benchmarkscheme_create")
    SCHEME.record(scheme, "create", actor=actor)
    return scheme


def refuse_unless_draft(scheme):
    if scheme.status != Status.DRAFT:
        raise Refused(
            _("Only a draft scheme takes new indicators: this one is %(status)s.")
            % {"status": scheme.get_status_display()}
        )


@transaction.atomic
def add_indicator(
    *,
    scheme,
    actor,
    name,
    direction,
    advanced_value,
    unit="",
    domestic_value=None,
    domestic_standard="",
    compared=(),
):
    """A key indicator of a draft scheme, with the advanced standards it is compared with
    (``compared``: dicts of kind, code, title and value)."""
    scheme = BenchmarkScheme.objects.select_for_update().get(pk=scheme.pk)
    refuse_unless_draft(scheme)
    if direction not in Direction.values:
        raise ValidationError({"direction": _("Choose “max” or “min”.")})
    advanced = decimal_of(advanced_value, "advanced_value")
    domestic = (
        None if domestic_value in (None, "") else decimal_of(domestic_value, "domestic_value")
    )
    if domestic is not None and advanced != domestic:
        # An advanced value laxer than the domestic one is no benchmark.
        if (direction == Direction.MAX and advanced > domestic) or (
            direction == Direction.MIN and advanced < domestic
        ):
            raise ValidationError(
                {
                    "advanced_value": _(
                        "The advanced value must be at least as strict as the domestic value "
                        "(%(domestic)s)."
                    )
                    % {"domestic": plain(domestic)}
                }
            )
    name = (name or "").strip()
    if SchemeIndicator.objects.filter(scheme=scheme, name=name).exists():
        raise ValidationError({"name": _("The scheme has this indicator already.")})
    indicator = SchemeIndicator(
        cooperative_id=scheme.cooperative_id,
        scheme=scheme,
        position=SchemeIndicator.objects.filter(scheme=scheme).count() + 1,
        name=name,
        unit=(unit or "").strip(),
        direction=direction,
        advanced_value=advanced,
        domestic_value=domestic,
        domestic_standard=(domestic_standard or "").strip(),
    )
    indicator.full_clean()
    indicator.save()
    for each in compared:
        add_compared(indicator=indicator, actor=actor, **each)
    audit.record(
        instance=scheme,
        actor=actor,
        action="benchmarkscheme_indicator_add",
        changes={"indicator": name},
    )
    return indicator


def add_compared(*, indicator, actor, kind, code, value, title=""):
    """An advanced standard a draft scheme's indicator is compared with."""
    refuse_unless_draft(indicator.scheme)
    if kind not in ComparedStandard.Kind.values:
        raise ValidationError({"kind": _("Choose international, foreign, buyer or domestic.")})
    row = ComparedStandard(
        cooperative_id=indicator.cooperative_id,
        indicator=indicator,
        kind=kind,
        code=(code or "").strip(),
        title=(title or "").strip(),
        value=decimal_of(value, "value"),
    )
    row.full_clean()
    row.save()
    return row


def published(scheme, *, actor, reason=""):
    indicators = SchemeIndicator.objects.filter(scheme=scheme).annotate(n=Count("compared"))
    if not indicators.exists():
        raise Refused(_("A scheme is published with at least one key indicator."))
    bare = [i.name for i in indicators if i.n == 0]
    if bare:
        raise Refused(
            _("Compare %(indicators)s with at least one advanced standard before publishing.")
            % {"indicators": "、".join(bare)}
        )
    scheme.published_at = timezone.now()


def withdrawn(scheme, *, actor, reason=""):
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason: the members read it.")})


def publish(*, scheme, actor):
    return SCHEME.take("publish", scheme, actor=actor, check_who=False)


def withdraw(*, scheme, actor, reason):
    return SCHEME.take("withdraw", scheme, actor=actor, check_who=False, reason=reason)


class SchemeInput(serializers.Serializer):
    reason = step_text(gettext_lazy("reason"), required=False)


STAFF = Party.ADMINISTRATOR

SCHEME = Workflow(
    name="benchmark_scheme",
    model=BenchmarkScheme,
    noun=gettext_lazy("a benchmarking scheme"),
    input=SchemeInput,
    steps=[
        step(
            "create",
            pgettext_lazy("benchmarking", "Draft"),
            pgettext_lazy("benchmarking", "draft"),
            (),
            Status.DRAFT,
            (),
            done=pgettext_lazy("benchmarking", "drafted"),
        ),
        step(
            "publish",
            pgettext_lazy("benchmarking", "Publish"),
            pgettext_lazy("benchmarking", "publish"),
            [Status.DRAFT],
            Status.PUBLISHED,
            STAFF,
            published,
        ),
        step(
            "withdraw",
            pgettext_lazy("benchmarking", "Withdraw"),
            pgettext_lazy("benchmarking", "withdraw"),
            [Status.PUBLISHED],
            Status.WITHDRAWN,
            STAFF,
            withdrawn,
            fields=("reason",),
            required=("reason",),
        ),
    ],
)
