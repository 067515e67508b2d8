from django.utils import translation

from coop import xlsx
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
    rows = (
        [cell(member, field) for field, _h in COLUMNS] + [member.get_status_display()]
        for member in members.iterator(chunk_size=500)
    )
    return xlsx.workbook([("社员单位", [heading for _field, heading in COLUMNS] + ["状态"], rows)])
