"""Import member units from XLSX or CSV: a dry run reports every row's errors, and nothing is
saved until the whole file is valid and staff confirm it. The columns are the export's."""

import csv
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from coop import xlsx
from coop.errors import Refused
from coop.models import District
from members.models import Member, MemberImport
from members.services import members as member_services

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
    ("main_products", "主要产品"),
]
HEADINGS = dict(COLUMNS)
CHOICE_FIELDS = {"kind": Member.Kind, "scale": Member.Scale, "chain_role": Member.ChainRole}


def read_table(name, content):
    """The file's rows as lists of strings, the first being the headings."""
    if len(content) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    if name.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ValidationError(_("This is not a readable XLSX file.")) from error
        rows = [
            ["" if cell is None else str(cell).strip() for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
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


def column_fields(headings):
    by_heading = {heading: field for field, heading in COLUMNS} | {f: f for f, _h in COLUMNS}
    missing = [
        HEADINGS[f] for f in ("name", "district") if f not in {by_heading.get(h) for h in headings}
    ]
    if missing:
        raise ValidationError(
            _("The file lacks the columns %(columns)s.") % {"columns": "、".join(missing)}
        )
    return [by_heading.get(heading) for heading in headings]


def parse_value(field, text, districts):
    """A cell as the model wants it, or an error message that names the rule."""
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
            return None, _("Unknown district “%(text)s”; the region has %(allowed)s.") % {
                "text": text,
                "allowed": allowed,
            }
        return districts[text], None
    return text, None


def check_rows(cooperative, rows):
    """(parsed rows, errors per row): each error names its column and the rule it breaks."""
    with translation.override("zh-hans"):  # choice cells hold the Chinese labels of the export
        return _check_rows(cooperative, rows)


def _check_rows(cooperative, rows):
    fields = column_fields(rows[0])
    districts = {d.name_zh: d.pk for d in District.objects.filter(region=cooperative.region_id)}
    parsed, errors = [], []
    for row in rows[1:]:
        values, row_errors = {}, []
        for field, text in zip(fields, row):
            if field is None:
                continue
            value, error = parse_value(field, text, districts)
            if error:
                row_errors.append(f"{HEADINGS[field]}：{error}")
            else:
                values[field] = value
        parsed.append(values)
        errors.append(row_errors)
    return parsed, check_values(cooperative, parsed, errors)


def check_values(cooperative, parsed, errors=None):
    """Add each row's model errors and codes repeated within the file to ``errors``."""
    errors = errors or [[] for _row in parsed]
    seen = {}
    for index, values in enumerate(parsed):
        errors[index] += model_errors(cooperative, values)
        for field in ("uscc", "registration_number"):
            code = values.get(field, "").upper()
            if code and (field, code) in seen:
                errors[index].append(
                    _("%(column)s: the same code as row %(row)d of this file.")
                    % {"column": HEADINGS[field], "row": seen[(field, code)]}
                )
            seen.setdefault((field, code), index + 2)
    return errors


def model_errors(cooperative, values):
    if "district" not in values:
        return []  # already reported, and the checks below need a district
    fields = {k: v for k, v in values.items() if k != "district"}
    member = Member(cooperative=cooperative, district_id=values["district"], **fields)
    try:
        # The links were resolved while parsing; clean() checks the codes against the members.
        member.full_clean(exclude=["cooperative", "district"], validate_constraints=False)
    except ValidationError as error:
        return [
            f"{HEADINGS.get(field, '')}：{message}".lstrip("：")
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return []


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
        locked = MemberImport.objects.select_for_update().get(pk=member_import.pk)
        if locked.status == MemberImport.Status.IMPORTED:
            raise Refused(_("This file has already been imported."))
        locked.errors = check_values(locked.cooperative, locked.rows)
        if locked.is_valid:
            for row in locked.rows:
                fields = {k: v for k, v in row.items() if k != "district"}
                member_services.member_create(
                    cooperative=locked.cooperative,
                    actor=actor,
                    district_id=row["district"],
                    **fields,
                )
            locked.status = MemberImport.Status.IMPORTED
            locked.imported_at = timezone.now()
        locked.save(update_fields=["errors", "status", "imported_at"])
    if not locked.is_valid:
        raise Refused(
            _("Nothing was imported: fix the rows with errors and upload the file again.")
        )
    return locked
