"""Every XLSX file the portal writes goes through ``workbook``: the one place where text that
people typed is made safe to open in a spreadsheet.

A spreadsheet runs a cell as a formula when its text begins with ``=``, ``+``, ``-`` or ``@``
(and, after a copy and paste or a save as CSV, with a tab or a carriage return before them), so
an applicant's name ``=HYPERLINK("http://…","点击")`` would become a live link, or worse, on a
staff member's screen. Such text is written as a string cell (never a formula) and prefixed with
a single quote, the spreadsheet convention for "this is text": the quote travels with the value
through copies and CSV conversions, where a cell style would be lost. ``restore`` undoes it, so
the members' export still imports back unchanged. Numbers, dates and booleans stay what they
are: only text is touched.
"""

import datetime
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING, WriteOnlyCell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What makes a spreadsheet read text as a formula, and the quote itself, so that text which
# already began with a quote keeps it through ``restore``.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
TYPED = (int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)


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


def cell(sheet, value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.make_naive(value)  # Excel has no time zones: local time, as shown
    if isinstance(value, str | Promise):
        written = WriteOnlyCell(sheet, neutralised(value))
        written.data_type = TYPE_STRING  # never inferred: a string cell is never a formula
        return written
    if value is None or isinstance(value, TYPED):
        return WriteOnlyCell(sheet, value)  # numbers stay numbers, dates stay dates
    return cell(sheet, str(value))  # anything else is written as its text, and so checked


def workbook(sheets):
    """An XLSX file of ``sheets``: ``(title, headings, rows)`` each, every cell through
    ``cell``."""
    book = Workbook(write_only=True)
    for title, headings, rows in sheets:
        sheet = book.create_sheet(str(title)[:31])  # Excel's limit on a sheet's name
        sheet.append([cell(sheet, str(heading)) for heading in headings])
        for row in rows:
            sheet.append([cell(sheet, value) for value in row])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(sheets, filename):
    response = HttpResponse(workbook(sheets), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
