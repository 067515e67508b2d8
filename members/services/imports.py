"""Import member units from XLSX or CSV: a dry run reports every row's errors, and nothing is
saved until the whole file is valid and staff confirm it.

The first columns are the export's (``COLUMNS``); ``HISTORY_COLUMNS`` bring in a unit that was
a member before the portal, with its history: its status (active, suspended, exited, or an
application), the dates it joined and left, its chief quality officer and quality specialists,
a certificate (ISO 9001 by default) and its paper signature of the convention. Each unit the
import makes gets one ``import`` event of the member workflow (who, when, which file) and lands
directly in its status. A row whose code belongs to a unit an earlier import brought in is left
as it is ("already imported"), so the same file imported again changes nothing; a code of a unit
entered otherwise is an error, as before.

Checking and saving make a constant number of queries, however many rows: the codes, the
earlier imports and the convention versions are each read once for the whole file, the rows are
checked without a query (``clean_fields`` with the links excluded, ``Member.code_errors``) and
saved by ``bulk_create``. ``template_xlsx`` writes the file to fill in, with a sheet explaining
each column.
"""

import csv
import datetime
import io
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from coop import audit, periods, xlsx
from coop.errors import Refused
from coop.models import Cooperative, StepEvent
from coop.tenancy import unscoped
from members.chain_links import TEXTILE, TEXTILE_INDUSTRY, industries_read
from members.models import (
    Certification,
    ChainLink,
    Convention,
    ConventionSignature,
    Member,
    MemberImport,
    MemberProductCategory,
    QualityPerson,
)
from members.services import lifecycle
from members.services.convention import paper_time
from members.uscc import normalise

# The categories are standards' reference data; reached through the link, since members sits
# below standards and imports nothing from it.
ProductCategory = MemberProductCategory._meta.get_field("category").related_model
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# (field, column heading): the export writes these headings and the import reads them back.
COLUMNS = [
    ("name", "名称"),
    ("kind", "类型"),
    ("uscc", "统一社会信用代码"),
    ("registration_number", "登记注册号"),
    ("legal_representative", "法定代表人"),
    ("contact_person", "联系人"),
    ("contact_phone", "联系电话"),
    ("address", "地址"),
    ("district", "区县"),
    ("town", "镇（街道）"),
    ("scale", "规模"),
    ("chain_role", "产业链环节"),
    # The unit's link on the chain map (members.ChainLink), by its Chinese name (or code).
    ("chain_link", "产业链图谱环节"),
    ("main_products", "主要产品"),
    ("categories", "产品类别"),
]
# A unit's history before the portal; the export writes the first three as well.
HISTORY_COLUMNS = [
    ("status", "状态"),
    ("joined_on", "入社日期"),
    ("exited_on", "退出日期"),
    ("exit_kind", "退出方式"),
    ("exit_reason", "退出原因"),
    ("cqo_name", "首席质量官"),
    ("cqo_position", "首席质量官职务"),
    ("cqo_phone", "首席质量官电话"),
    ("cqo_appointed_on", "首席质量官任命日期"),
    ("cso_name", "首席标准官"),
    ("cso_position", "首席标准官职务"),
    ("cso_phone", "首席标准官电话"),
    ("cso_appointed_on", "首席标准官任命日期"),
    ("specialists", "质量专员"),
    ("specialists_appointed_on", "质量专员任命日期"),
    ("cert_scheme", "认证类型"),
    ("cert_number", "认证证书编号"),
    ("cert_body", "认证机构"),
    ("cert_issued_on", "发证日期"),
    ("cert_expires_on", "证书有效期至"),
    ("signed_on", "公约签署日期"),
    ("convention_version", "公约版本"),
    ("signer_name", "签署人"),
    ("signer_position", "签署人职务"),
]
ALL_COLUMNS = COLUMNS + HISTORY_COLUMNS
HEADINGS = dict(ALL_COLUMNS)
CHOICE_FIELDS = {"kind": Member.Kind, "scale": Member.Scale, "chain_role": Member.ChainRole}
DATE_FIELDS = {
    "joined_on",
    "exited_on",
    "cqo_appointed_on",
    "cso_appointed_on",
    "specialists_appointed_on",
    "cert_issued_on",
    "cert_expires_on",
    "signed_on",
}
MEMBER_FIELDS = [
    field for field, _heading in COLUMNS if field not in ("district", "categories", "chain_link")
]
Status = Member.Status
IMPORTED_STATUSES = [Status.APPLIED, Status.ACTIVE, Status.SUSPENDED, Status.EXITED]
# Besides the codes and their Chinese labels (在册, 暂停, 已退出, 已申请), what a bureau's sheet says.
STATUS_WORDS = {
    Status.APPLIED: ("申请", "申请中"),
    Status.ACTIVE: ("正常", "在册社员"),
    Status.SUSPENDED: ("暂停中", "已暂停"),
    Status.EXITED: ("退出",),
}
LIST_SEPARATORS = re.compile(r"[、,，;；/\n]+")
DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
)
WHOLE_NUMBER = re.compile(r"^(\d{1,6})(?:\.0+)?$")


# Reading the file


def read_table(name, content):
    """The file's rows as lists of strings, the first being the headings."""
    if len(content) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    if name.lower().endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            rows = sheet_rows(book)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ValidationError(_("This is not a readable XLSX file.")) from error
    elif name.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(_("The CSV file is neither UTF-8 nor GB18030 text."))
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise ValidationError(_("Upload an .xlsx or .csv file."))
    # The export quotes text a spreadsheet would run as a formula (coop.xlsx); read it back as typed.
    rows = [[xlsx.restore(cell) for cell in row] for row in rows if any(row)]
    if len(rows) < 2:
        raise ValidationError(_("The file has no member rows under its headings."))
    if len(rows) > MAX_ROWS + 1:
        raise ValidationError(_("Import at most %(count)d rows at a time.") % {"count": MAX_ROWS})
    return rows


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()  # a date cell
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a version or a phone number typed as a number
    return str(value).strip()


def sheet_rows(book):
    """The rows of the sheet with the members: the first whose headings name the unit (the
    template's second sheet explains the columns, whichever sheet was left open)."""
    chosen = book.active
    for sheet in book.worksheets:
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
        if {cell_text(cell) for cell in first} & {HEADINGS["name"], "name"}:
            chosen = sheet
            break
    return [[cell_text(cell) for cell in row] for row in chosen.iter_rows(values_only=True)]


def column_fields(headings):
    by_heading = {heading: field for field, heading in ALL_COLUMNS} | {
        f: f for f, _h in ALL_COLUMNS
    }
    missing = [
        HEADINGS[f] for f in ("name", "district") if f not in {by_heading.get(h) for h in headings}
    ]
    if missing:
        raise ValidationError(
            _("The file lacks the columns %(columns)s.") % {"columns": "、".join(missing)}
        )
    return [by_heading.get(heading) for heading in headings]


def parse_date(text):
    match = DATE_TEXT.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups())).isoformat(), None
        except ValueError:
            pass
    return None, _("“%(text)s” is not a date: write it as 2019-05-01.") % {"text": text}


def status_value(text):
    for value in IMPORTED_STATUSES:
        if text.lower() == value or text in (str(Status(value).label), *STATUS_WORDS[value]):
            return value
    return None


def allowed_statuses():
    return "、".join(str(Status(value).label) for value in IMPORTED_STATUSES)


def parse_value(field, text, districts, categories=None, links=None):
    """A cell as the row keeps it (text, a code, an ISO date, a number or a list of names), or
    an error message that names the rule."""
    if field == "chain_link":
        if not text:
            return None, None  # left unset
        links = links or {}
        if text in links:
            return links[text], None
        return None, _(
            "“%(text)s” is not a link of the cooperative's chain; the links are %(allowed)s."
        ) % {
            "text": text,
            "allowed": "、".join(link_names(links)),
        }
    if field in CHOICE_FIELDS:
        if not text:
            return Member._meta.get_field(field).default, None
        choices = CHOICE_FIELDS[field]
        for value, label in choices.choices:
            if text in (value, str(label)):
                return value, None
        allowed = "、".join(str(label) for label in choices.labels)
        return None, _("“%(text)s” is not one of: %(allowed)s.") % {
            "text": text,
            "allowed": allowed,
        }
    if field == "district":
        if text not in districts:
            allowed = "、".join(districts)
            return None, _(
                "“%(text)s” is not a district the cooperative serves; it serves %(allowed)s."
            ) % {
                "text": text,
                "allowed": allowed,
            }
        return districts[text], None
    if not text:
        return (
            "" if field not in DATE_FIELDS | {"convention_version", "specialists"} else None
        ), None
    if field == "categories":
        return category_codes(text, categories or {})
    if field == "exit_reason" and len(text) > 500:
        return None, _("Text, at most %(count)d characters.") % {"count": 500}
    if field == "exit_kind":
        for value, label in lifecycle.ExitKind.choices:
            if text in (value, str(label)):
                return value, None
        return None, _("“%(text)s” is not one of: %(allowed)s.") % {
            "text": text,
            "allowed": "、".join(str(label) for label in lifecycle.ExitKind.labels),
        }
    if field == "status":
        value = status_value(text)
        if value is None:
            return None, _("“%(text)s” is not one of: %(allowed)s.") % {
                "text": text,
                "allowed": allowed_statuses(),
            }
        return value, None
    if field in DATE_FIELDS:
        return parse_date(text)
    if field == "convention_version":
        match = WHOLE_NUMBER.match(text)
        if not match:
            return None, _("“%(text)s” is not a version number such as 1.") % {"text": text}
        return int(match.group(1)), None
    if field == "cert_scheme":
        for value, label in Certification.Scheme.choices:
            if text.replace(" ", "").lower() in (value, str(label).replace(" ", "").lower()):
                return value, None
        allowed = "、".join(str(label) for label in Certification.Scheme.labels)
        return None, _("“%(text)s” is not one of: %(allowed)s.") % {
            "text": text,
            "allowed": allowed,
        }
    if field == "specialists":
        return list(
            dict.fromkeys(n.strip() for n in LIST_SEPARATORS.split(text) if n.strip())
        ), None
    return text, None


CATEGORY_SEPARATORS = re.compile(r"[、,，;；\n]+")


def category_codes(text, categories):
    """The codes of the product categories a cell names (by Chinese label or code), or an
    error listing the categories there are."""
    codes, unknown = [], []
    for name in (n.strip() for n in CATEGORY_SEPARATORS.split(text)):
        if not name:
            continue
        if name in categories:
            codes.append(categories[name])
        else:
            unknown.append(name)
    if unknown:
        return None, _("“%(text)s” is not a product category; the categories are %(allowed)s.") % {
            "text": "、".join(unknown),
            "allowed": "、".join(category_labels(categories)),
        }
    return list(dict.fromkeys(codes)), None


def category_labels(categories):
    """The Chinese labels among ``categories`` (label or code -> code), each once."""
    return [name for name, code in categories.items() if name != code]


def link_names(links):
    """The Chinese names among ``links`` (name or code -> id), each once, in the chain's order."""
    return [name for name, _pk in links.items() if not name.isascii()]


def chain_links_of(cooperative):
    """The links the cooperative's members are placed by (``industries_read``: the industries
    its members' links belong to, the textile chain while none is), by Chinese name and by
    code, as the chain map shows them. One query: each candidate link says whether a member
    of the cooperative is placed in its industry."""
    # Filtered to the cooperative by hand: the template is also made outside a request's scope.
    with unscoped():
        placed = Member.objects.filter(cooperative=cooperative, chain_link__isnull=False)
        in_use = placed.filter(chain_link__industry=OuterRef("industry"))
        rows = list(
            ChainLink.objects.filter(
                Q(industry__in=placed.values("chain_link__industry")) | Q(industry=TEXTILE_INDUSTRY)
            ).annotate(in_use=Exists(in_use))
        )
    industries = industries_read({link.industry for link in rows if link.in_use})
    found = {}
    for link in rows:
        if link.industry in industries:
            found[link.name_zh] = link.pk
            found[link.code] = link.pk
    return found


def categories_by_name():
    """Every product category by its Chinese label and by its code (shared reference data)."""
    found = {}
    for code, name_zh in ProductCategory.objects.values_list("code", "name_zh"):
        found[name_zh] = code
        found[code] = code
    return found


def check_rows(cooperative, rows):
    """(parsed rows, errors per row): each error names its column and the rule it breaks."""
    with translation.override("zh-hans"):  # choice cells hold the Chinese labels of the export
        return _check_rows(cooperative, rows)


def _check_rows(cooperative, rows):
    fields = column_fields(rows[0])
    districts = {d.name_zh: d.pk for d in cooperative.member_districts()}
    # Read only when a row names categories, so a file without them costs no query.
    wanted = "categories" in fields and any(
        text for row in rows[1:] for field, text in zip(fields, row) if field == "categories"
    )
    categories = categories_by_name() if wanted else {}
    links = (
        chain_links_of(cooperative)
        if any(text for row in rows[1:] for f, text in zip(fields, row) if f == "chain_link")
        else {}
    )
    parsed, errors = [], []
    for row in rows[1:]:
        values, row_errors = {}, []
        for field, text in zip(fields, row):
            if field is None:
                continue
            value, error = parse_value(field, text, districts, categories, links)
            if error:
                row_errors.append(f"{HEADINGS[field]}：{error}")
                values[field] = None  # a bad cell: the rules that read it are not checked
            elif value is not None:
                values[field] = value
        parsed.append(values)
        errors.append(row_errors)
    plans = check_values(cooperative, parsed, errors)
    return parsed, [plan.errors for plan in plans]


# Checking the rows: each becomes a plan of what it saves


class Plan:
    """What one row saves: the unit, its people, its certificate and its signature (unsaved),
    or ``existing``: the unit an earlier import brought in, left as it is."""

    def __init__(self, errors):
        self.errors = errors
        self.member = None
        self.people = []
        self.certification = None
        self.signature = None
        self.existing = None
        self.categories = []  # the codes of the unit's product categories
        self.exit = {}  # the exit's kind and reason, for the import event

    def add(self, field, message):
        self.errors.append(f"{HEADINGS[field]}：{message}" if field in HEADINGS else str(message))

    def add_model_errors(self, error, columns):
        """A ValidationError of a model, each message under the column its field came from."""
        for name, messages in error.message_dict.items():
            for message in messages:
                self.add(columns.get(name, name), message)


def bad(values, field):
    """Whether the row's cell for ``field`` was refused (and so reported already)."""
    return field in values and values[field] is None


def as_date(value):
    return datetime.date.fromisoformat(value) if value else None


class Context:
    """What the whole file is checked against, read once: the codes already in the
    cooperative, which of their units an import brought in, and the convention's versions."""

    def __init__(self, cooperative, parsed):
        self.cooperative = cooperative
        self.today = timezone.localdate()
        usccs = {normalise(v["uscc"]) for v in parsed if v.get("uscc")}
        numbers = {v["registration_number"].strip() for v in parsed if v.get("registration_number")}
        found = Member.objects.filter(cooperative=cooperative).filter(
            Q(uscc__in=usccs) | Q(registration_number__in=numbers)
        )
        self.by_code = {}
        for pk, uscc, number in found.values_list("pk", "uscc", "registration_number"):
            if uscc:
                self.by_code["uscc", uscc] = pk
            if number:
                self.by_code["registration_number", number] = pk
        self.imported = set(
            StepEvent.objects.filter(
                cooperative=cooperative,
                workflow=lifecycle.MEMBER.name,
                step="import",
                object_id__in=set(self.by_code.values()),
            ).values_list("object_id", flat=True)
        )
        self.versions = dict(
            Convention.objects.filter(cooperative=cooperative).values_list("version", "pk")
        )


def check_values(cooperative, parsed, errors=None):
    """Each row's plan, its errors added to ``errors`` (the cells' own): the models' rules, the
    rules between columns, codes repeated within the file or already in the cooperative.
    Sets each row's ``existing`` (the unit an earlier import brought in, or absent)."""
    errors = errors or [[] for _row in parsed]
    context = Context(cooperative, parsed)
    plans, seen = [], {}
    with translation.override("zh-hans"):  # the sheet is Chinese, as are its defaults
        for index, values in enumerate(parsed):
            plan = Plan(errors[index])
            check_row(context, values, plan)
            values.pop("existing", None)
            if plan.existing:
                values["existing"] = plan.existing
            for field in ("uscc", "registration_number"):
                code = normalise(values.get(field, ""))
                if code and (field, code) in seen:
                    plan.add(
                        None,
                        _("%(column)s: the same code as row %(row)d of this file.")
                        % {"column": HEADINGS[field], "row": seen[(field, code)]},
                    )
                seen.setdefault((field, code), index + 2)
            plans.append(plan)
    return plans


def check_row(context, values, plan):
    cooperative = context.cooperative
    for field in ("uscc", "registration_number"):
        code = normalise(values.get(field, ""))
        pk = context.by_code.get((field, code)) if code else None
        if pk is None:
            continue
        if pk in context.imported:
            plan.existing = pk  # brought in before: left as it is, the row checks nothing more
            return
        plan.add(field, Member.clash_message(field))
    status = values.get("status", Status.APPLIED) or Status.APPLIED
    known = values.get("status", "") is not None  # a bad status cell is reported already
    joined, exited = as_date(values.get("joined_on")), as_date(values.get("exited_on"))
    member = Member(
        cooperative=cooperative,
        district_id=values.get("district"),
        chain_link_id=values.get("chain_link"),
        status=status,
        joined_on=joined,
        exited_on=exited,
        **{field: values[field] for field in MEMBER_FIELDS if values.get(field) is not None},
    )
    try:
        # The district and the chain link were found among those read once for the sheet;
        # cleaning them again would ask the database for each row.
        member.clean_fields(exclude=["cooperative", "district", "chain_link"])
    except ValidationError as error:
        plan.add_model_errors(error, {})
    for field, message in member.code_errors().items():
        plan.add(field, message)
    if known:
        check_dates_of(values, plan, status, joined, exited)
    for field in DATE_FIELDS - {"cert_expires_on"}:
        day = as_date(values.get(field))
        if day and day > context.today:
            plan.add(field, _("The date cannot be in the future."))
    plan.member = member
    plan.categories = values.get("categories") or []
    if status == Status.EXITED:
        plan.exit = {
            key: values[field]
            for key, field in (("exit_kind", "exit_kind"), ("reason", "exit_reason"))
            if values.get(field)
        }
    check_people(values, plan, joined)
    check_certification(values, plan)
    check_signature(context, values, plan, status if known else None)


def check_dates_of(values, plan, status, joined, exited):
    """The dates a status calls for: joined unless applied, left when (and only when) exited."""
    if status != Status.APPLIED and joined is None and not bad(values, "joined_on"):
        plan.add(
            "joined_on",
            _("Give the date the unit joined: a unit that is a member or has been one has it."),
        )
    if status == Status.APPLIED and joined is not None:
        plan.add(
            "joined_on",
            _("An applicant has not joined yet: leave the date empty, or give the unit's status."),
        )
    if status == Status.EXITED and exited is None and not bad(values, "exited_on"):
        plan.add("exited_on", _("Give the date the unit left."))
    if status != Status.EXITED and exited is not None:
        plan.add("exited_on", _("Only a unit that has exited has a date of exit."))
    if joined and exited and exited < joined:
        plan.add("exited_on", _("A unit leaves after it joined."))
    for field in ("exit_kind", "exit_reason"):
        if status != Status.EXITED and values.get(field):
            plan.add(field, _("Only a unit that has exited has a kind and reason of exit."))


# The officers a row may name, each in four columns: name, position, phone, appointed.
OFFICERS = [
    (
        QualityPerson.Role.CHIEF_QUALITY_OFFICER,
        "cqo",
        gettext_lazy("Give the chief quality officer's name, or leave the officer's cells empty."),
    ),
    (
        QualityPerson.Role.CHIEF_STANDARDS_OFFICER,
        "cso",
        gettext_lazy(
            "Give the chief standards officer's name, or leave the officer's cells empty."
        ),
    ),
]


def check_people(values, plan, joined):
    wanted = []
    for role, prefix, nameless in OFFICERS:
        columns = {
            "name": f"{prefix}_name",
            "position": f"{prefix}_position",
            "phone": f"{prefix}_phone",
            "appointed_on": f"{prefix}_appointed_on",
        }
        if any(values.get(column) for column in columns.values()) and not values.get(
            columns["name"]
        ):
            plan.add(columns["name"], nameless)
        if values.get(columns["name"]):
            wanted.append(
                (
                    role,
                    values[columns["name"]],
                    values.get(columns["position"], ""),
                    values.get(columns["phone"], ""),
                    as_date(values.get(columns["appointed_on"])) or joined,
                    columns,
                )
            )
    for name in values.get("specialists") or []:
        wanted.append(
            (
                QualityPerson.Role.QUALITY_SPECIALIST,
                name,
                "",
                "",
                as_date(values.get("specialists_appointed_on")) or joined,
                {"name": "specialists", "appointed_on": "specialists_appointed_on"},
            )
        )
    for role, name, position, phone, appointed, columns in wanted:
        if appointed is None:
            if bad(values, columns["appointed_on"]) or bad(values, "joined_on"):
                continue
            plan.add(
                columns["appointed_on"],
                _("Give the date of appointment, or the date the unit joined."),
            )
            continue
        person = QualityPerson(
            cooperative=plan.member.cooperative,
            role=role,
            name=name,
            position=position,
            phone=phone,
            appointed_on=appointed,
        )
        try:
            person.clean_fields(exclude=["cooperative", "member"])
        except ValidationError as error:
            plan.add_model_errors(error, columns)
        plan.people.append(person)


CERT_COLUMNS = {
    "scheme": "cert_scheme",
    "number": "cert_number",
    "body": "cert_body",
    "issued_on": "cert_issued_on",
    "expires_on": "cert_expires_on",
}


def check_certification(values, plan):
    given = [values.get(column) for name, column in CERT_COLUMNS.items() if name != "scheme"]
    if not any(given):
        if values.get("cert_scheme"):
            plan.add(
                "cert_number",
                _(
                    "Give the certificate's number, body, issue and expiry dates, or leave its type empty."
                ),
            )
        return
    for name, column in CERT_COLUMNS.items():
        if name != "scheme" and not values.get(column):
            plan.add(
                column,
                _(
                    "A certificate has a number, a certification body, an issue date and an expiry date: give this one."
                ),
            )
    certification = Certification(
        cooperative=plan.member.cooperative,
        scheme=values.get("cert_scheme") or Certification.Scheme.ISO_9001,
        number=values.get("cert_number", ""),
        body=values.get("cert_body", ""),
        issued_on=as_date(values.get("cert_issued_on")),
        expires_on=as_date(values.get("cert_expires_on")),
    )
    if not all(given):
        return
    try:
        certification.clean_fields(exclude=["cooperative", "member"])
        certification.clean()
    except ValidationError as error:
        plan.add_model_errors(error, CERT_COLUMNS)
    plan.certification = certification


def check_signature(context, values, plan, status):
    columns = ("signed_on", "convention_version", "signer_name", "signer_position")
    if not any(values.get(column) for column in columns):
        return
    signed_on = as_date(values.get("signed_on"))
    if signed_on is None:
        if bad(values, "signed_on"):
            return
        plan.add(
            "signed_on",
            _(
                "Give the date the convention was signed on paper, or leave the signature's cells empty."
            ),
        )
        return
    if status not in (None, Status.ACTIVE, Status.SUSPENDED, Status.EXITED):
        plan.add(
            "signed_on",
            _("Only a unit that is a member, or has been one, has signed the convention."),
        )
    if not periods.in_range(signed_on):
        plan.add("signed_on", periods.date_message())
    versions = context.versions
    version = values.get("convention_version") or (max(versions) if versions else None)
    if not versions:
        plan.add(
            "convention_version",
            _(
                "The cooperative has adopted no convention yet: adopt it before importing signatures."
            ),
        )
        return
    if version not in versions:
        plan.add(
            "convention_version",
            _("The cooperative has no version %(version)s of the convention; it has %(versions)s.")
            % {"version": version, "versions": "、".join(str(v) for v in sorted(versions))},
        )
        return
    signature = ConventionSignature(
        cooperative=plan.member.cooperative,
        convention_id=versions[version],
        signer_name=values.get("signer_name") or plan.member.legal_representative,
        signer_position=values.get("signer_position") or _("legal representative"),
        signed_at=paper_time(signed_on),
        on_paper=True,
    )
    if not signature.signer_name:
        plan.add("signer_name", _("Give the signer's name, or the legal representative's."))
        return
    try:
        signature.clean_fields(
            exclude=["cooperative", "member", "convention", "signed_by", "recorded_by", "scan"]
        )
    except ValidationError as error:
        plan.add_model_errors(
            error, {"signer_name": "signer_name", "signer_position": "signer_position"}
        )
    plan.signature = signature


# The dry run and the confirmation


@transaction.atomic
def import_check(*, cooperative, actor, file_name, content):
    """The dry run: parse and check every row, keep the result for confirmation."""
    rows, errors = check_rows(cooperative, read_table(file_name, content))
    member_import = MemberImport(
        cooperative=cooperative,
        file_name=file_name[:200],
        rows=rows,
        errors=errors,
        uploaded_by=actor,
    )
    member_import.save()
    return member_import


def import_confirm(*, member_import, actor):
    """Save every row or none; rows are checked again, as others may have changed meanwhile.
    A refusal keeps the new errors, so the report shows what went bad."""
    with transaction.atomic():
        # One import at a time in a cooperative: two confirmations of one file would each find
        # its codes new.
        Cooperative.objects.select_for_update().filter(pk=member_import.cooperative_id).first()
        locked = MemberImport.objects.select_for_update().get(pk=member_import.pk)
        if locked.status == MemberImport.Status.IMPORTED:
            raise Refused(_("This file has already been imported."))
        if not locked.is_valid:  # its cells' errors are in the report; the rows lack those cells
            raise Refused(
                _("Nothing was imported: fix the rows with errors and upload the file again.")
            )
        plans = check_values(locked.cooperative, locked.rows)
        locked.errors = [plan.errors for plan in plans]
        if locked.is_valid:
            save_plans(locked, plans, actor)
            locked.status = MemberImport.Status.IMPORTED
            locked.imported_at = timezone.now()
        locked.save(update_fields=["rows", "errors", "status", "imported_at"])
    if not locked.is_valid:
        raise Refused(
            _("Nothing was imported: fix the rows with errors and upload the file again.")
        )
    return locked


def save_plans(member_import, plans, actor):
    """Every new unit with its people, certificate, signature and ``import`` event: one
    ``bulk_create`` of each, whatever the number of rows."""
    new = [(number, plan) for number, plan in enumerate(plans, start=2) if not plan.existing]
    members = Member.objects.bulk_create([plan.member for _number, plan in new])
    people, certifications, signatures, events, links = [], [], [], [], []
    named = {code for _number, plan in new for code in plan.categories}
    # One read of the categories the rows name, however many rows.
    category_ids = (
        dict(ProductCategory.objects.filter(code__in=named).values_list("code", "pk"))
        if named
        else {}
    )
    for (number, plan), member in zip(new, members):
        links.extend(
            MemberProductCategory(
                cooperative_id=member.cooperative_id,
                member=member,
                category_id=category_ids[code],
            )
            for code in plan.categories
            if code in category_ids
        )
        for person in plan.people:
            person.member = member
            people.append(person)
        if plan.certification:
            plan.certification.member = member
            certifications.append(plan.certification)
        if plan.signature:
            plan.signature.member = member
            plan.signature.recorded_by = actor
            signatures.append(plan.signature)
        events.append(
            lifecycle.MEMBER.event(
                member,
                "import",
                actor=actor,
                details={
                    "import": member_import.pk,
                    "file": member_import.file_name,
                    "row": number,
                    "joined_on": member.joined_on.isoformat() if member.joined_on else None,
                    # As the lifecycle's exit step records them (members.services.lifecycle).
                    **plan.exit,
                },
            )
        )
    QualityPerson.objects.bulk_create(people)
    Certification.objects.bulk_create(certifications)
    # The certificates of these signatures are issued by the sweep (supervision.tasks), in
    # the background, rather than by one task per row here.
    ConventionSignature.objects.bulk_create(signatures)
    MemberProductCategory.objects.bulk_create(links)
    StepEvent.objects.bulk_create(events)
    audit.record(
        instance=member_import,
        actor=actor,
        action="member_import",
        changes={"imported": len(members), "already_imported": len(plans) - len(members)},
    )
    return members


# The template


def column_help(cooperative=None):
    """(heading, meaning, required, allowed values, example) of each column, for the template's
    second sheet and the upload page. Called under the Chinese locale. With ``cooperative``,
    the district column lists the districts it serves (the only ones the import takes)."""
    if cooperative is not None:
        served = list(cooperative.member_districts())
        districts = _("A district the cooperative serves, by its name: %(districts)s.") % {
            "districts": "、".join(district.name_zh for district in served)
        }
        district_example = cooperative.district.name_zh
    else:
        districts = _("A district the cooperative serves, by its name.")
        district_example = "海门区"
    choices = {
        field: "、".join(str(label) for label in choices.labels)
        for field, choices in CHOICE_FIELDS.items()
    }
    a_date = _("A date: 2019-05-01 (also 2019/5/1 or 2019年5月1日, or a date cell).")
    text = _("Text, at most %(count)d characters.")
    required, optional = _("required"), _("optional")
    described = {
        "name": (
            _("The unit's registered name."),
            required,
            text % {"count": 200},
            "海门市某某家纺有限公司",
        ),
        "kind": (
            _("Enterprise or individual household."),
            _("optional (enterprise)"),
            choices["kind"],
            "企业",
        ),
        "uscc": (
            _("Unified social credit code: 18 characters, its check character is verified."),
            _("required for an enterprise"),
            _("18 characters: digits and capital letters."),
            "91320684MA1Y8Q5K2W",
        ),
        "registration_number": (
            _("For an individual household without a unified social credit code."),
            _("required for a household without a code"),
            text % {"count": 30},
            "320684600123456",
        ),
        "legal_representative": (
            _("Legal representative; signs the convention when no signer is given."),
            optional,
            text % {"count": 100},
            "张明",
        ),
        "contact_person": (_("Contact person."), optional, text % {"count": 100}, "李华"),
        "contact_phone": (_("Contact phone."), optional, text % {"count": 30}, "13912345678"),
        "address": (_("Address."), optional, text % {"count": 300}, "海门区三厂街道工业园区8号"),
        "district": (
            _("District the unit lies in: one the cooperative serves."),
            required,
            districts,
            district_example,
        ),
        "town": (_("Town or street."), optional, text % {"count": 100}, "三厂街道"),
        "scale": (_("Size of the enterprise."), _("optional (micro)"), choices["scale"], "小型"),
        "chain_role": (
            _("Link in the industry chain."),
            _("optional (finished product)"),
            choices["chain_role"],
            "成品",
        ),
        "chain_link": (
            _("The unit's link on the industry-chain map, by its name."),
            _("optional (not placed)"),
            "、".join(link_names(chain_links_of(cooperative)))
            if cooperative is not None
            else "、".join(name for _code, name, _en in TEXTILE),
            "成品",
        ),
        "main_products": (_("Main products."), optional, text % {"count": 300}, "床上用品四件套"),
        "categories": (
            _(
                "The unit's product categories: the sampling rounds find the standards for its "
                "products by them."
            ),
            optional,
            _("Categories separated by 、 or commas, by name: %(categories)s.")
            % {"categories": "、".join(category_labels(categories_by_name()))},
            "床上用品、毛巾",
        ),
        "status": (
            _("The unit's status in the cooperative today; it lands in it directly."),
            _("optional (applied)"),
            _("%(labels)s (also 正常, 退出, or the codes active, suspended, exited, applied).")
            % {"labels": allowed_statuses()},
            "在册",
        ),
        "joined_on": (
            _("The date the unit joined the cooperative."),
            _("required unless applied"),
            a_date,
            "2016-03-01",
        ),
        "exited_on": (
            _("The date the unit left."),
            _("required when exited, otherwise empty"),
            a_date,
            "2023-12-31",
        ),
        "exit_kind": (
            _("How the unit left: voluntary withdrawal or expulsion."),
            _("optional; only when exited"),
            "、".join(str(label) for label in lifecycle.ExitKind.labels),
            str(lifecycle.ExitKind.WITHDRAWAL.label),
        ),
        "exit_reason": (
            _("Why the unit left, as recorded in its history."),
            _("optional; only when exited"),
            text % {"count": 500},
            "停产转业",
        ),
        "cqo_name": (
            _("The unit's chief quality officer (首席质量官)."),
            optional,
            text % {"count": 100},
            "王强",
        ),
        "cqo_position": (
            _("The officer's position in the unit."),
            optional,
            text % {"count": 100},
            "副总经理",
        ),
        "cqo_phone": (_("The officer's phone."), optional, text % {"count": 30}, "13812345678"),
        "cqo_appointed_on": (
            _("The date the officer was appointed."),
            _("optional (the date joined)"),
            a_date,
            "2018-06-01",
        ),
        "cso_name": (
            _("The unit's chief standards officer (首席标准官)."),
            optional,
            text % {"count": 100},
            "李静",
        ),
        "cso_position": (
            _("The officer's position in the unit."),
            optional,
            text % {"count": 100},
            "标准化办公室主任",
        ),
        "cso_phone": (_("The officer's phone."), optional, text % {"count": 30}, "13912345678"),
        "cso_appointed_on": (
            _("The date the officer was appointed."),
            _("optional (the date joined)"),
            a_date,
            "2020-03-01",
        ),
        "specialists": (
            _("The unit's quality specialists (质量专员), by name."),
            optional,
            _("Names separated by 、 or commas."),
            "赵敏、孙丽",
        ),
        "specialists_appointed_on": (
            _("The date the specialists were appointed."),
            _("optional (the date joined)"),
            a_date,
            "2019-01-10",
        ),
        "cert_scheme": (
            _("The kind of certificate."),
            _("optional (ISO 9001)"),
            "、".join(str(label) for label in Certification.Scheme.labels),
            "ISO 9001",
        ),
        "cert_number": (
            _("The certificate's number."),
            _("required with a certificate"),
            text % {"count": 60},
            "00119Q31234R1M",
        ),
        "cert_body": (
            _("The certification body that issued it."),
            _("required with a certificate"),
            text % {"count": 200},
            "中国质量认证中心",
        ),
        "cert_issued_on": (
            _("The date the certificate was issued."),
            _("required with a certificate"),
            a_date,
            "2022-05-20",
        ),
        "cert_expires_on": (
            _("The date the certificate expires."),
            _("required with a certificate"),
            a_date,
            "2025-05-19",
        ),
        "signed_on": (
            _("The date the unit signed the convention on paper; empty if it has not."),
            _("optional; only for a unit that is or was a member"),
            a_date,
            "2016-03-01",
        ),
        "convention_version": (
            _("The version of the convention it signed."),
            _("optional (the current version)"),
            _("A version the cooperative has adopted, as a number."),
            "1",
        ),
        "signer_name": (
            _("Who signed for the unit."),
            _("optional (the legal representative)"),
            text % {"count": 100},
            "张明",
        ),
        "signer_position": (
            _("The signer's position."),
            _("optional (legal representative)"),
            text % {"count": 100},
            "法定代表人",
        ),
    }
    return [(heading, *described[field]) for field, heading in ALL_COLUMNS]


def template_xlsx(cooperative=None):
    """The file to fill in: the members' sheet with the headings the import reads, and a
    sheet explaining each column (meaning, whether required, allowed values, an example), the
    districts ``cooperative`` serves among them."""
    with translation.override("zh-hans"):
        explained = column_help(cooperative)
        return xlsx.workbook(
            [
                (_("Member units"), [heading for _field, heading in ALL_COLUMNS], []),
                (
                    _("Columns"),
                    [_("Column"), _("Meaning"), _("Required"), _("Allowed values"), _("Example")],
                    explained,
                ),
            ]
        )
