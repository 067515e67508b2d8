"""The few catalogue entries that tests of quality commitments declare: a commitment's
standards must be the catalogue's (``credit.services.commitments.check_standards``)."""

from datetime import date

from coop.tenancy import unscoped
from standards.codes import parse_code
from standards.models import Standard

# code, title, in force from, superseded by
ENTRIES = [
    ("GB 18401-2010", "国家纺织产品基本安全技术规范", date(2011, 8, 1), None),
    ("GB/T 22796-2021", "床上用品", date(2022, 2, 1), None),
    ("GB 18401-2003", "国家纺织产品基本安全技术规范", date(2005, 1, 1), "GB 18401-2010"),
]


def declarable_standards():
    """Shared entries, made once (a test that loads the whole catalogue keeps its own)."""
    made = {}
    with unscoped():
        for code, title, in_force, successor in ENTRIES:
            made[code], _created = Standard.objects.get_or_create(
                cooperative=None,
                code=code,
                defaults={
                    "level": parse_code(code).level,
                    "title_zh": title,
                    "implemented_on": in_force,
                    "superseded_by": made.get(successor),
                },
            )
    return made
