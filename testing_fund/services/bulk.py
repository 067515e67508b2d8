"""Bulk steps on batches (``coop.bulk``): staff approve several requests, record the sampling
of a round's batches from one sheet or one form, and a lab receives several samples. Each row
is the declared step of ``batches.BATCH``, taken on its own: a refused row is left as it was,
with the single step's refusal, and the others are done.

The sampling sheet is an XLSX the round's page gives pre-filled (one row per batch of the
round that awaits sampling) and reads back: each cell that cannot be read is named by its row
and column, and refuses that row alone."""

import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from coop import xlsx
from coop.bulk import MAX_IDS, Outcome, take_many
from testing_fund.models import Batch
from testing_fund.services.batches import BATCH, BatchStepInput

MAX_BYTES = 5 * 1024 * 1024

# The sampling's fields, as the step ``sample`` asks for them, in the sheet's and the form's
# order; ``SHEET_COLUMNS`` puts the batch's number, member and booked product before them.
SAMPLING_FIELDS = [
    "sampled_product",
    "lot_number",
    "quantity",
    "seal_number",
    "sampling_place",
    "samplers",
    "backup_kept",
]
# (field, heading): the headings are the file's format, written and read in Chinese like the
# members' import; a sheet may also head a column with the field's name.
SHEET_COLUMNS = [
    ("id", "批次编号"),
    ("member", "社员单位"),
    ("product", "申请或预定产品"),
    ("sampled_product", "实际抽取产品"),
    ("lot_number", "批号"),
    ("quantity", "数量"),
    ("seal_number", "封样编号"),
    ("sampling_place", "抽样地点"),
    ("samplers", "抽样人员"),
    ("backup_kept", "留存备样"),
]
HEADING = dict(SHEET_COLUMNS)
YES = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "无", "n", "no", "false", "0", ""}
EXPLANATION = [
    ("批次编号", "门户中的批次编号，请勿修改。"),
    ("社员单位", "仅供核对，导入时不读取。"),
    ("申请或预定产品", "仅供核对，导入时不读取。"),
    ("实际抽取产品", "实际抽取的产品；与申请或预定产品相同时可不改。"),
    ("批号", "所抽产品的生产批号；留空则保留申请时的批号。"),
    ("数量", "抽样数量，如“2 kg”；留空则保留申请时的数量。"),
    ("封样编号", "必填：封条上的编号。"),
    ("抽样地点", "抽样的地点，如仓库或门店。"),
    ("抽样人员", "必填：至少两人，用顿号或逗号分隔。"),
    ("留存备样", "是否留存备样：填“是”或“否”。"),
    ("说明", "封样编号和抽样人员都为空的行视为尚未抽样，不予处理。"),
]


def approve_many(*, ids, actor, rows=None):
    """Approve several test requests: each reserves its cost from the fund, one after the
    other, so the money runs out at a row and the rest are refused, naming the balance."""
    return take_many(BATCH, "approve", ids, actor=actor, rows=rows)


def receive_many(*, ids, actor, rows=None):
    """A lab receives several sealed samples (its own batches only: ``rows``)."""
    return take_many(BATCH, "receive", ids, actor=actor, rows=rows)


def sample_many(*, per_row, actor, rows=None):
    """Record the sampling of several batches, each with its own fields ({id: fields})."""
    return take_many(BATCH, "sample", list(per_row), actor=actor, rows=rows, per_row=per_row)


def awaiting_sampling(sampling_round):
    """The round's batches that wait for their sampling, in the order of the sheet."""
    return (
        Batch.objects.filter(sampling_round=sampling_round, status=Batch.Status.APPROVED)
        .select_related("member")
        .order_by("member__name", "pk")
    )


def sampling_template(sampling_round):
    """The sheets of the round's template: its batches awaiting sampling, pre-filled with the
    booked product, lot and quantity, and a sheet saying what each column holds. The rows are
    read 500 at a time as the file is written (a round may book tens of thousands)."""
    rows = (
        [
            batch.pk,
            batch.member.name,
            batch.product,
            batch.sampled_product or batch.product,
            batch.lot_number,
            batch.quantity,
            batch.seal_number,
            batch.sampling_place,
            batch.samplers,
            "是" if batch.backup_kept else "否",
        ]
        for batch in awaiting_sampling(sampling_round).iterator(chunk_size=500)
    )
    return [
        ("抽样记录", [heading for _field, heading in SHEET_COLUMNS], rows),
        ("填写说明", ["列", "说明"], EXPLANATION),
    ]


@dataclass
class SheetRow:
    """One row of an uploaded sheet: its line in the file, the batch it names, the fields it
    gives, and the cells that could not be read (heading: message)."""

    line: int
    id: int | None
    fields: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)


def read_sheet(content):
    """The rows of an uploaded sampling sheet. A file that cannot be read at all, or lacks the
    columns, is a ``ValidationError`` (the form's); a cell that cannot be read is the row's."""
    if len(content) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        lines = [
            ["" if value is None else xlsx.restore(str(value).strip()) for value in line]
            for line in sheet.iter_rows(values_only=True)
        ]
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(_("This is not a readable XLSX file.")) from error
    if not lines:
        raise ValidationError(_("The sheet is empty: download the round's template."))
    by_heading = {heading: name for name, heading in SHEET_COLUMNS} | {
        name: name for name, _heading in SHEET_COLUMNS
    }
    columns = {by_heading[h]: i for i, h in enumerate(lines[0]) if h in by_heading}
    missing = [HEADING[name] for name in ("id", "seal_number", "samplers") if name not in columns]
    if missing:
        raise ValidationError(
            _("The sheet has no column %(columns)s: download the round's template.")
            % {"columns": "、".join(missing)}
        )
    found = []
    for line, values in enumerate(lines[1:], start=2):
        cells = {
            name: (values[i] if i < len(values) else "")
            for name, i in columns.items()
            if name in ("id", *SAMPLING_FIELDS)
        }
        if not any(cells.values()):
            continue
        if not cells.get("seal_number") and not cells.get("samplers"):
            continue  # not sampled yet: the sheet is filled in as the samplers go round
        found.append(read_row(line, cells))
    if len(found) > MAX_IDS:
        raise ValidationError(
            _("At most %(max)d rows at a time; %(count)d were sent.")
            % {"max": MAX_IDS, "count": len(found)}
        )
    return found


def read_row(line, cells):
    row = SheetRow(line, None)
    raw_id = cells.pop("id", "")
    try:
        row.id = int(float(raw_id)) if raw_id else None
    except ValueError:
        row.id = None
    if row.id is None or row.id < 1 or row.id > 2**63 - 1:
        row.errors[HEADING["id"]] = _("“%(value)s” is not a batch number.") % {"value": raw_id}
    backup = cells.pop("backup_kept", "").lower()
    if backup in YES:
        row.fields["backup_kept"] = True
    elif backup in NO:
        row.fields["backup_kept"] = False
    else:
        row.errors[HEADING["backup_kept"]] = _("Write 是 or 否, not “%(value)s”.") % {
            "value": backup
        }
    row.fields.update(cells)
    return row


def sample_from_sheet(*, sampling_round, content, actor, rows=None):
    """Record the sampling of the round's batches from an uploaded sheet: per row of the
    sheet, ``(line, Outcome)``; a row with a cell that cannot be read is refused naming the
    cell, and the rows after it are still taken. Only the round's own batches are found."""
    lines = read_sheet(content)
    readable = {}
    for row in lines:
        if not row.errors:
            readable.setdefault(row.id, row.fields)
    taken = {}
    if readable:
        of_round = Batch.objects.all() if rows is None else rows
        outcomes = sample_many(
            per_row=readable, actor=actor, rows=of_round.filter(sampling_round=sampling_round)
        )
        taken = {each.id: each for each in outcomes}
    answered = []
    for row in lines:
        if row.errors:
            reason = " ".join(f"{heading}：{said}" for heading, said in row.errors.items())
            answered.append((row.line, Outcome(row.id or 0, False, reason, None, row.errors)))
        elif readable.get(row.id) is not row.fields:
            answered.append(
                (row.line, Outcome(row.id, False, _("This batch is on an earlier row too.")))
            )
        else:
            answered.append((row.line, cell_named(taken[row.id])))
    return answered


def cell_named(outcome, labels=False):
    """A sampling refused for a field says which column of the sheet it was (``labels``: which
    field of the page's form, in the reader's language)."""
    if outcome.errors:
        declared = BatchStepInput().fields if labels else {}
        named = {
            name: str(declared[name].label) if name in declared else HEADING.get(name, name)
            for name in outcome.errors
        }
        outcome.reason = " ".join(
            f"{named[name]}：{' '.join(said)}" for name, said in outcome.errors.items()
        )
    return outcome
