"""Every XLSX file the portal writes goes through ``workbook``: the one place where text that
people typed is made safe to open in a spreadsheet, and where figures become cells a
spreadsheet can count with.

A spreadsheet runs a cell as a formula when its text begins with ``=``, ``+``, ``-`` or ``@``
(and, after a copy and paste or a save as CSV, with a tab or a carriage return before them), so
an applicant's name ``=HYPERLINK("http://…","点击")`` would become a live link, or worse, on a
staff member's screen. Such text is written as a string cell (never a formula) and prefixed with
a single quote, the spreadsheet convention for "this is text": the quote travels with the value
through copies and CSV conversions, where a cell style would be lost. ``restore`` undoes it, so
the members' export still imports back unchanged. Only text is touched.

Figures are numeric cells with a number format, so that a sum over a column works and a reader
sees ``450,000.00``: money (a ``Decimal`` with two places, or ``Money``) as ``#,##0.00``,
counts (``int``) as ``0``, a share (``Ratio``, e.g. ``percent(87.5)``) as ``0.0%``; dates are
date cells shown ``yyyy-mm-dd``. Every sheet has a bold heading row that stays in view
(frozen panes) with a filter on it, and columns as wide as their longest value (capped).
"""

import datetime
import itertools
import tempfile
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What makes a spreadsheet read text as a formula, and the quote itself, so that text which
# already began with a quote keeps it through ``restore``.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
TYPED = (int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)

MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "0"
RATIO_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TIME_FORMAT = "hh:mm"
# Columns are as wide as their longest value among the first rows (a width must be written
# before the rows, and an export streams), within these bounds, in characters.
WIDTH_SAMPLE = 1000
NARROWEST, WIDEST = 6, 60
BOLD = Font(bold=True)


@dataclass(frozen=True)
class Money:
    """An amount in yuan written as money (``#,##0.00``) whatever its type."""

    value: object


@dataclass(frozen=True)
class Ratio:
    """A share written as a percentage (``0.0%``): ``Ratio(0.875)`` shows 87.5%."""

    value: float


def percent(value):
    """A figure in percent (the portal's pass rates: 87.5) as the share a spreadsheet
    formats, or ``None`` where there is none."""
    return None if value is None else Ratio(float(value) / 100)


def neutralised(text):
    """``text`` as it is safe to write in a cell: control characters that XLSX cannot hold are
    dropped (openpyxl refuses them), and text a spreadsheet would run gets a leading quote."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(text))
    if text.startswith((*FORMULA_STARTS, QUOTE)):
        return QUOTE + text
    return text


def restore(text):
    """The text that ``neutralised`` was given: an import reads an export back unchanged."""
    if text.startswith(QUOTE) and text[1:].startswith((*FORMULA_STARTS, QUOTE)):
        return text[1:]
    return text


def number_format(value):
    """The format a typed value is shown with, or ``None`` for openpyxl's own."""
    if isinstance(value, Money):
        return MONEY_FORMAT
    if isinstance(value, Ratio):
        return RATIO_FORMAT
    if isinstance(value, datetime.datetime):
        return DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    if isinstance(value, datetime.time):
        return TIME_FORMAT
    if isinstance(value, Decimal):
        # Money is a Decimal with two places (DESIGN.md); a score has one.
        places = -value.as_tuple().exponent if value.is_finite() else 0
        return MONEY_FORMAT if places == 2 else "#,##0" + ("." + "0" * places if places > 0 else "")
    if isinstance(value, int):
        return COUNT_FORMAT
    if isinstance(value, float):
        return "#,##0.0##"
    return None


def written(value):
    """The value as the cell holds it: aware times in local time, booleans in words, and
    anything that is neither a figure, a date nor text as its text (and so checked)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)  # Excel has no time zones: local time, as shown
    if isinstance(value, bool):
        return _("Yes") if value else _("No")  # a reader's word, never TRUE/FALSE
    if isinstance(value, Money | Ratio):
        return value
    if value is None or isinstance(value, (str, Promise, *TYPED)):
        return value
    return str(value)


def cell(sheet, value):
    value = written(value)
    if isinstance(value, str | Promise):
        made = WriteOnlyCell(sheet, neutralised(value))
        made.data_type = TYPE_STRING  # never inferred: a string cell is never a formula
        return made
    made = WriteOnlyCell(sheet, value.value if isinstance(value, Money | Ratio) else value)
    shown = number_format(value)
    if shown and value is not None and made.value is not None:
        made.number_format = shown  # numbers stay numbers, dates stay dates
    return made


def heading_cell(sheet, heading):
    made = cell(sheet, str(heading))
    made.font = BOLD
    return made


def display_width(value):
    """How many characters wide ``value`` shows; a Chinese character counts two."""
    value = written(value)
    if value is None:
        return 0
    if isinstance(value, Money | Ratio):
        value = value.value
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return len(f"{value:,}") + 1
    text = str(value)
    longest = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def column_widths(headings, rows):
    widths = [display_width(str(heading)) + 2 for heading in headings]  # room for the filter
    for row in rows:
        for index, value in enumerate(row):
            if index < len(widths):
                widths[index] = max(widths[index], display_width(value))
            else:
                widths.append(display_width(value))
    return [min(max(width + 1, NARROWEST), WIDEST) for width in widths]


def add_sheet(book, title, headings, rows):
    sheet = book.create_sheet(str(title)[:31])  # Excel's limit on a sheet's name
    rows = iter(rows)
    first = [list(row) for row in itertools.islice(rows, WIDTH_SAMPLE)]
    # Widths and the frozen heading go before the first row of a streamed sheet.
    for index, width in enumerate(column_widths(headings, first), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([heading_cell(sheet, heading) for heading in headings])
    last_row, last_column = 1, len(headings)
    for row in itertools.chain(first, rows):
        row = list(row)
        sheet.append([cell(sheet, value) for value in row])
        last_row, last_column = last_row + 1, max(last_column, len(row))
    if last_column:
        sheet.auto_filter.ref = f"A1:{get_column_letter(last_column)}{last_row}"


def save(sheets, target):
    """Write ``sheets``, ``(title, headings, rows)`` each, every cell through ``cell``, as an
    XLSX file to ``target`` (a path or a binary file). A write-only workbook writes each
    sheet's rows to a temporary file as they come and zips them from there, so ``rows`` is
    read once, as it is produced (a queryset's ``.iterator(chunk_size=…)``), and never held
    whole; only the first ``WIDTH_SAMPLE`` rows wait, to size the columns."""
    book = Workbook(write_only=True)
    for title, headings, rows in sheets:
        add_sheet(book, title, headings, rows)
    book.save(target)


def workbook(sheets):
    """An XLSX file of ``sheets`` as bytes, for a file that is stored or small."""
    buffer = BytesIO()
    save(sheets, buffer)
    return buffer.getvalue()


def download(sheets, filename):
    """The file as an attachment built in memory: for summaries whose size does not grow with
    members or batches (a row per cooperative, town or quarter). A list that grows with the
    data goes through ``streamed``."""
    response = HttpResponse(workbook(sheets), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def streamed(sheets, filename):
    """The file as an attachment written to an anonymous temporary file and streamed from
    there (gunicorn sends it with sendfile): the worker's memory stays the same for 20,000
    members as for 20, where a file built in memory is held up to three times over (the
    buffer, its bytes, the response). The file is gone once the response is closed, or at
    once if the build fails."""
    spool = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        save(sheets, spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)
