from io import BytesIO

from django.utils import translation
from openpyxl import Workbook

from members.models import Member
from members.services.imports import COLUMNS

CHOICES = {"kind": Member.Kind, "scale": Member.Scale, "chain_role": Member.ChainRole}


def cell(member, field):
    if field == "district":
        return member.district.name_zh
    value = getattr(member, field)
    return str(CHOICES[field](value).label) if field in CHOICES else value


def members_xlsx(members):
    """The members as an XLSX sheet with the import's columns, so the file can come back in."""
    with translation.override("zh-hans"):  # the labels the import reads back
        return _workbook(members)


def _workbook(members):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("社员单位")
    sheet.append([heading for _field, heading in COLUMNS] + ["状态"])
    for member in members.iterator(chunk_size=500):
        sheet.append([cell(member, field) for field, _h in COLUMNS] + [member.get_status_display()])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
