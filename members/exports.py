from django.utils import translation

from coop import xlsx
from members.models import Member
from members.services.imports import COLUMNS, HEADINGS

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


# The unit's status and dates come back in with it (members.services.imports reads them).
HISTORY = ["status", "joined_on", "exited_on"]


def _workbook(members):
    rows = (
        [cell(member, field) for field, _h in COLUMNS]
        + [member.get_status_display(), member.joined_on, member.exited_on]
        for member in members.iterator(chunk_size=500)
    )
    headings = [heading for _field, heading in COLUMNS] + [HEADINGS[field] for field in HISTORY]
    return xlsx.workbook([("社员单位", headings, rows)])
