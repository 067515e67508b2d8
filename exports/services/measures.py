"""Foreign technical trade measures and their alerts.

The administrator enters a measure (or imports a sheet of them); ``save_measure`` matches it to
the cooperative's members exporting a touched product (its HS code starts with one of the
measure's prefixes, or it is of a touched category) to the notifying country (an EU measure
reaches every member state) and alerts each such member once: a row of ``MeasureAlert``, a
group in its inbox and, when the transaction commits, a mail to its accounts with an address.
The member's enterprise account acknowledges the alert (``ALERT``'s declared step); staff see
who has and who has not. A member that adds an export product a measure touches is alerted
the same way (``match_product``).

A measure is changed with ``edit_measure`` (a typo in its title, a new date of effect, or the
products and countries it touches). When what it touches changes, it is matched again: a member
it now touches is alerted (one whose alert was withdrawn is alerted again), and the pending
alert of a member it no longer touches is withdrawn (``withdrawn`` status and a recorded step,
not deleted: the record of what the member was told stays). An acknowledged alert is left as it
is, acknowledgement and all: the member was told and said so. A change of wording or date alone
re-matches nothing."""

import datetime
import io
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override, pgettext_lazy
from openpyxl import load_workbook
from rest_framework import serializers

from coop import audit, periods, xlsx
from coop.models import StepEvent, User
from coop.roles import Party
from coop.tenancy import scope
from coop.workflow import Workflow, step
from coop.workflow_api import step_text
from exports import countries
from exports.models import (
    ExportMarket,
    ExportProduct,
    MeasureAlert,
    MeasureCategory,
    TradeMeasure,
    validate_country,
    validate_hs_prefixes,
)
from exports.selectors import measure_categories, measure_category_ids
from members.models import Member
from standards.models import ProductCategory

Status = MeasureAlert.Status
# Members no longer (or not yet) in the cooperative are not alerted.
NOT_ALERTED = (Member.Status.REJECTED, Member.Status.EXITED)


def prefixes_of(values):
    """The HS prefixes as given (a list, or one text separated by commas, spaces or 、)."""
    if isinstance(values, str):
        values = values.replace("，", ",").replace("、", ",").replace(" ", ",").split(",")
    cleaned = []
    for value in values or []:
        value = str(value).strip().replace(".", "")
        if value and value not in cleaned:
            cleaned.append(value)
    try:
        validate_hs_prefixes(cleaned)
    except ValidationError as error:
        raise ValidationError({"hs_prefixes": error.messages}) from None
    return cleaned


@transaction.atomic
def save_measure(
    *,
    cooperative,
    actor,
    country,
    title,
    text,
    effective_on,
    reference="",
    hs_prefixes=(),
    categories=(),
    measure=None,
    notify=True,
):
    """Make (or change) a measure, then alert the members it touches (by mail too, unless
    ``notify`` is off: the demo data). Returns the measure."""
    prefixes = prefixes_of(list(hs_prefixes) if not isinstance(hs_prefixes, str) else hs_prefixes)
    categories = list(categories)
    if not prefixes and not categories:
        raise ValidationError(
            {"hs_prefixes": _("Name the products touched: HS code prefixes or categories.")}
        )
    if measure is None:
        measure = TradeMeasure(cooperative=cooperative, created_by=actor)
        action = "trademeasure_create"
        before = None
    else:
        action = "trademeasure_update"
        before = reach_of(measure)
    measure.country = (country or "").strip().upper()
    measure.title = (title or "").strip()
    measure.text = (text or "").strip()
    measure.effective_on = effective_on
    measure.reference = (reference or "").strip()
    measure.hs_prefixes = prefixes
    measure.full_clean()
    measure.save()
    MeasureCategory.objects.filter(measure=measure).delete()
    MeasureCategory.objects.bulk_create(
        MeasureCategory(cooperative_id=measure.cooperative_id, measure=measure, category=category)
        for category in dict.fromkeys(categories)
    )
    audit.record(instance=measure, actor=actor, action=action)
    match_measure(measure, notify=notify)
    if before is not None and before != reach_of(measure):
        withdraw_untouched(measure, actor=actor)
    return measure


def reach_of(measure):
    """What decides whom ``measure`` touches: its country, HS prefixes and categories."""
    return (
        measure.country,
        tuple(sorted(measure.hs_prefixes or [])),
        frozenset(measure_categories(measure)),
    )


EDITED_FIELDS = (
    "country",
    "title",
    "text",
    "effective_on",
    "reference",
    "hs_prefixes",
    "categories",
)


def edit_measure(*, measure, actor, notify=True, **changes):
    """Change ``measure``: the fields given in ``changes`` (the others stay), then re-match it
    when what it touches changed. Returns the measure; a refusal (a ValidationError naming the
    field) changes nothing."""
    unknown = set(changes) - set(EDITED_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    current = {
        "country": measure.country,
        "title": measure.title,
        "text": measure.text,
        "effective_on": measure.effective_on,
        "reference": measure.reference,
        "hs_prefixes": list(measure.hs_prefixes or []),
        "categories": list(ProductCategory.objects.filter(pk__in=measure_categories(measure))),
    }
    if "effective_on" in changes:
        periods.check_dates(effective_on=changes["effective_on"])
    return save_measure(
        cooperative=measure.cooperative,
        actor=actor,
        measure=measure,
        notify=notify,
        **(current | changes),
    )


def withdraw_untouched(measure, *, actor):
    """Withdraw the pending alerts of members ``measure`` no longer touches; acknowledged ones
    keep their acknowledgement. Returns the withdrawn alerts."""
    touched = {product.member_id for product in touched_products(measure)}
    gone = list(
        MeasureAlert.objects.filter(measure=measure, status=Status.PENDING).exclude(
            member_id__in=touched
        )
    )
    for row in gone:
        row.status = Status.WITHDRAWN
    MeasureAlert.objects.bulk_update(gone, ["status"])
    StepEvent.objects.bulk_create(
        ALERT.event(
            row,
            "withdraw",
            actor=actor,
            from_state=Status.PENDING,
            reason=_("The measure was changed and no longer touches the member's products."),
        )
        for row in gone
    )
    return gone


def touching(measure, category_ids):
    """The condition on export products touched by ``measure`` (None when it names none)."""
    found = None
    for prefix in measure.hs_prefixes:
        q = Q(hs_code__startswith=prefix)
        found = q if found is None else found | q
    if category_ids:
        q = Q(category_id__in=category_ids)
        found = q if found is None else found | q
    return found


def touched_products(measure, products=None):
    """The export products (of ``products``, by default all the cooperative's) ``measure``
    touches: a touched product going to a touched market, of a member still in the cooperative."""
    condition = touching(measure, measure_category_ids(measure))
    rows = ExportProduct.objects.filter(cooperative_id=measure.cooperative_id)
    if products is not None:
        rows = rows.filter(pk__in=[p.pk for p in products])
    if condition is None:
        return rows.none()
    return (
        rows.filter(condition)
        .filter(markets__country__in=countries.markets_touched(measure.country))
        .exclude(member__status__in=NOT_ALERTED)
        .distinct()
        .order_by("member_id", "name", "pk")
    )


def match_measure(measure, notify=True):
    """Alert every member ``measure`` touches and has not yet alerted; the new alerts."""
    by_member = defaultdict(list)
    for product in touched_products(measure):
        by_member[product.member_id].append(product)
    return alert(measure, by_member, notify)


def match_product(product, notify=True):
    """Alert ``product``'s member of every measure of its cooperative that touches it.

    The measures, their categories and the product's markets are read once (three queries;
    its member is the one the product was saved for) and each measure is tried on them as ``touched_products`` tries it in
    SQL: asking the database measure by measure took two queries for each of the
    cooperative's measures on every save of a product."""
    if product.member.status in NOT_ALERTED:
        return []
    markets = set(ExportMarket.objects.filter(product=product).values_list("country", flat=True))
    measures = list(TradeMeasure.objects.filter(cooperative_id=product.cooperative_id))
    categories = defaultdict(set)
    for measure_id, category_id in MeasureCategory.objects.filter(
        measure__in=[measure.pk for measure in measures]
    ).values_list("measure_id", "category_id"):
        categories[measure_id].add(category_id)
    made = []
    for measure in measures:
        if touches(measure, categories[measure.pk], product, markets):
            made += alert(measure, {product.member_id: [product]}, notify)
    return made


def touches(measure, category_ids, product, markets):
    """Whether ``measure`` touches ``product`` (going to ``markets``): ``touching`` and the
    markets of ``touched_products``, for one product already read."""
    code = product.hs_code or ""
    named = any(code.startswith(prefix) for prefix in measure.hs_prefixes or []) or (
        product.category_id is not None and product.category_id in category_ids
    )
    return named and bool(markets & countries.markets_touched(measure.country))


def alert(measure, by_member, notify=True):
    """One alert per member of ``by_member`` (member id → its touched products) not yet
    alerted of ``measure``, each with its recorded step and, on commit, its mail."""
    found = dict(
        MeasureAlert.objects.filter(measure=measure, member_id__in=by_member).values_list(
            "member_id", "status"
        )
    )
    already = {member for member, status in found.items() if status != Status.WITHDRAWN}
    now = timezone.now()
    # A member whose alert was withdrawn and that the measure touches again: alerted again.
    again = list(
        MeasureAlert.objects.filter(
            measure=measure,
            member_id__in=[m for m, status in found.items() if status == Status.WITHDRAWN],
        )
    )
    for row in again:
        row.status, row.alerted_at = Status.PENDING, now
        row.products = said_products(by_member[row.member_id])
    MeasureAlert.objects.bulk_update(again, ["status", "alerted_at", "products"])
    already |= {row.member_id for row in again}
    made = MeasureAlert.objects.bulk_create(
        MeasureAlert(
            cooperative_id=measure.cooperative_id,
            measure=measure,
            member_id=member_id,
            products=said_products(products),
            alerted_at=now,
        )
        for member_id, products in by_member.items()
        if member_id not in already
    )
    StepEvent.objects.bulk_create(
        ALERT.event(row, "alert", actor=None, from_state=Status.WITHDRAWN) for row in again
    )
    if made:
        StepEvent.objects.bulk_create(ALERT.event(row, "alert", actor=None) for row in made)
    made = [*made, *again]
    if made:
        ids = [row.pk for row in made]
        cooperative_id = measure.cooperative_id
        if notify:
            transaction.on_commit(lambda: mail_alerts(cooperative_id, ids))
    return made


def said_products(products):
    text = "、".join(f"{p.name}（{p.hs_code}）" for p in products)
    return text[:500]


def mail_alerts(cooperative_id, alert_ids):
    """Mail each alerted member's accounts with an address: one message per member, in
    Chinese (the portal's language), with the link to the measure. Run once, when the alerts'
    transaction commits; returns the number of messages."""
    with scope({cooperative_id}), override(settings.LANGUAGE_CODE):
        alerts = list(
            MeasureAlert.objects.filter(pk__in=alert_ids).select_related(
                "measure", "member__cooperative"
            )
        )
        recipients = defaultdict(list)
        for user in (
            User.objects.filter(member_id__in=[a.member_id for a in alerts], is_active=True)
            .exclude(email="")
            .order_by("pk")
        ):
            recipients[user.member_id].append(user.email)
        base = settings.PORTAL_BASE_URL.rstrip("/")
        messages = []
        for each in alerts:
            if not recipients.get(each.member_id):
                continue
            measure = each.measure
            facts = {
                "country": countries.name(measure.country),
                "title": measure.title,
                "effective": measure.effective_on.isoformat(),
                "reference": measure.reference or "—",
                "products": each.products,
                "url": base
                + reverse("trade-measure-detail", args=[each.member.cooperative.slug, measure.pk]),
            }
            messages.append(
                (
                    _("Trade measure alert: %(country)s, %(title)s") % facts,
                    _(
                        "%(country)s has notified a technical trade measure touching products "
                        "you export there: %(products)s.\n\n%(title)s\nDate of effect: "
                        "%(effective)s\nReference: %(reference)s\n\n"
                        "Read it and acknowledge it on the portal:\n%(url)s"
                    )
                    % facts,
                    settings.DEFAULT_FROM_EMAIL,
                    recipients[each.member_id],
                )
            )
        return send_mass_mail(messages) if messages else 0


# The alert's steps


def acknowledged(alert, *, actor, note=""):
    alert.acknowledged_at, alert.acknowledged_by = timezone.now(), actor
    alert.note = (note or "").strip()


def acknowledge(*, alert, actor, note="", check_who=True):
    return ALERT.take("acknowledge", alert, actor=actor, check_who=check_who, note=note)


class AlertInput(serializers.Serializer):
    note = step_text(gettext_lazy("note (optional)"), required=False)


ALERT = Workflow(
    name="trade_measure_alert",
    model=MeasureAlert,
    noun=gettext_lazy("a trade measure alert"),
    input=AlertInput,
    steps=[
        # Recorded when a measure is matched to the member (``alert``).
        step(
            "alert",
            gettext_lazy("Alert the member"),
            pgettext_lazy("exports", "alert"),
            (),
            Status.PENDING,
            (),
            done=gettext_lazy("member alerted"),
        ),
        step(
            "acknowledge",
            pgettext_lazy("exports", "Acknowledge"),
            pgettext_lazy("exports", "acknowledge"),
            [Status.PENDING],
            Status.ACKNOWLEDGED,
            Party.MEMBER,
            acknowledged,
            fields=("note",),
            reason="note",
            done=pgettext_lazy("exports", "acknowledged"),
        ),
        # Recorded when a changed measure no longer touches the member (``withdraw_untouched``).
        step(
            "withdraw",
            pgettext_lazy("exports", "Withdraw the alert"),
            pgettext_lazy("exports", "withdraw"),
            (),  # no one takes it: ``withdraw_untouched`` records it, for pending alerts only
            Status.WITHDRAWN,
            (),
            done=pgettext_lazy("exports", "alert withdrawn"),
        ),
    ],
)


# Importing a sheet of measures

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
# (field, heading): the template's columns, read by their headings in any order.
COLUMNS = [
    ("country", "通报国家"),
    ("title", "标题"),
    ("text", "措施内容"),
    ("hs_prefixes", "HS编码前缀"),
    ("categories", "产品类别"),
    ("effective_on", "生效日期"),
    ("reference", "通报编号"),
]
REQUIRED = {"country", "title", "text", "effective_on"}
BY_NAME = {zh: code for code, (zh, en) in countries.COUNTRIES.items()} | {
    en.lower(): code for code, (zh, en) in countries.COUNTRIES.items()
}


def template_sheet():
    """The import template's sheet: headings and one example row."""
    return [
        (
            _("Trade measures"),
            [heading for _field, heading in COLUMNS],
            [
                [
                    "EU",
                    "REACH 附件十七偶氮染料限制",
                    "纺织品中不得使用可分解出附录所列芳香胺（>30 mg/kg）的偶氮染料。",
                    "6302, 9404",
                    "",
                    datetime.date(2026, 1, 1),
                    "G/TBT/N/EU/1234",
                ]
            ],
        )
    ]


def read_sheet(content):
    if len(content) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 2 MB.")})
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ValidationError({"file": _("This is not a readable XLSX file.")}) from error
    rows = [row for row in rows if any(cell not in (None, "") for cell in row)]
    if len(rows) < 2:
        raise ValidationError({"file": _("The sheet has no measure rows under its headings.")})
    if len(rows) > MAX_ROWS + 1:
        raise ValidationError(
            {"file": _("Import at most %(count)d rows at a time.") % {"count": MAX_ROWS}}
        )
    headings = [xlsx.restore(str(cell or "").strip()) for cell in rows[0]]
    missing = [
        heading for field, heading in COLUMNS if field in REQUIRED and heading not in headings
    ]
    if missing:
        raise ValidationError(
            {
                "file": _("The sheet lacks the columns: %(columns)s.")
                % {"columns": "、".join(missing)}
            }
        )
    where = {field: headings.index(heading) for field, heading in COLUMNS if heading in headings}
    return [
        (
            number,
            {field: row[index] if index < len(row) else None for field, index in where.items()},
        )
        for number, row in enumerate(rows[1:], start=2)
    ]


def text_of(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return xlsx.restore(str(value).strip())


def date_of(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(text_of(value))
    except ValueError:
        raise ValidationError(
            {"effective_on": _("Write the date of effect as 2026-07-01.")}
        ) from None


def country_of(value):
    text = text_of(value)
    code = BY_NAME.get(text) or BY_NAME.get(text.lower()) or text.upper()
    try:
        validate_country(code)
    except ValidationError as error:
        raise ValidationError({"country": error.messages}) from None
    return code


def categories_of(value):
    wanted = [
        part.strip()
        for part in text_of(value).replace("，", ",").replace("、", ",").split(",")
        if part.strip()
    ]
    if not wanted:
        return []
    known = {}
    for category in ProductCategory.objects.filter(
        Q(code__in=wanted) | Q(name_zh__in=wanted) | Q(name_en__in=wanted)
    ):
        for key in (category.code, category.name_zh, category.name_en):
            known[key] = category
    unknown = [part for part in wanted if part not in known]
    if unknown:
        raise ValidationError(
            {
                "categories": _("Unknown product categories: %(names)s.")
                % {"names": "、".join(unknown)}
            }
        )
    return [known[part] for part in wanted]


def import_measures(*, cooperative, actor, content):
    """Import a sheet of measures: every row checked first, and either all are saved (and
    matched) or none, with each refused row's number and fields. Returns the measures made;
    a refusal is a ValidationError ``{"rows": [...]}``, or ``{"file": ...}`` for the file."""
    parsed, errors = [], []
    for number, row in read_sheet(content):
        try:
            found = {
                "country": country_of(row.get("country")),
                "title": text_of(row.get("title")),
                "text": text_of(row.get("text")),
                "hs_prefixes": prefixes_of(text_of(row.get("hs_prefixes"))),
                "categories": categories_of(row.get("categories")),
                "effective_on": date_of(row.get("effective_on")),
                "reference": text_of(row.get("reference")),
            }
            periods.check_dates(effective_on=found["effective_on"])
            parsed.append((number, found))
        except ValidationError as error:
            errors.append(row_error(number, error))
    if errors:
        raise ValidationError({"rows": errors})
    made = []
    with transaction.atomic():
        for number, found in parsed:
            try:
                made.append(save_measure(cooperative=cooperative, actor=actor, **found))
            except ValidationError as error:
                errors.append(row_error(number, error))
        if errors:  # raised inside the block: every measure of the sheet is rolled back
            raise ValidationError({"rows": errors})
    return made


def row_error(number, error):
    fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    said = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in fields.items())
    return _("Row %(row)d: %(errors)s") % {"row": number, "errors": said}
