from datetime import date

import pytest
from django.core.exceptions import ValidationError

from coop.tenancy import unscoped
from standards import catalogue
from standards.codes import parse_code
from standards.models import Standard
from tests.standards.conftest import standard


@pytest.mark.parametrize(
    "text, code, level",
    [
        ("GB 18401-2010", "GB 18401-2010", "mandatory_national"),
        ("gb/t 22796–2021", "GB/T 22796-2021", "recommended_national"),
        ("GB/T 2912.1-2009", "GB/T 2912.1-2009", "recommended_national"),
        ("FZ/T 62017-2009", "FZ/T 62017-2009", "industry"),
        ("DB32/T 1234-2020", "DB32/T 1234-2020", "local"),
        ("T/NTJF 001-2023", "T/NTJF 001-2023", "group"),
        ("Q/320684 YS 001-2024", "Q/320684 YS 001-2024", "enterprise"),
    ],
)
def test_codes_are_parsed_with_their_level(text, code, level):
    parsed = parse_code(text)
    assert (parsed.code, parsed.level) == (code, level)


@pytest.mark.parametrize(
    "text, rule",
    [
        ("GB18401-2010", "standard_code_shape"),
        ("GB 18401", "standard_code_shape"),
        ("GB 18401-10", "standard_code_shape"),
        ("XYZ/T/Q 1-2020", "standard_code_prefix"),
        ("GB 18401-1850", "standard_code_year"),
    ],
)
def test_a_malformed_code_names_the_part_that_is_wrong(text, rule):
    with pytest.raises(ValidationError) as refused:
        parse_code(text)
    assert refused.value.code == rule


def test_the_catalogue_loads_once_with_levels_and_supersessions(loaded):
    catalogue.load()  # a rerun changes nothing
    with unscoped():
        assert Standard.objects.filter(code="GB/T 22796-2021").count() == 1
        replaced = Standard.objects.filter(superseded_by__code="GB/T 22796-2021")
        assert replaced.count() == 5
    assert standard("FZ/T 62017-2009").level == "industry"
    assert standard("FZ/T 01053-2007").superseded_by.code == "GB/T 29862-2013"


def test_status_follows_from_dates_and_supersession(loaded):
    assert standard("GB/T 22796-2021").status_on(date(2022, 2, 1)) == "current"
    assert standard("GB/T 22796-2021").status_on(date(2022, 1, 31)) == "upcoming"
    old = standard("GB/T 22797-2009")
    assert old.status_on(date(2022, 1, 31)) == "current"  # its successor not yet in force
    assert old.status_on(date(2022, 2, 1)) == "superseded"
    with unscoped():
        Standard.objects.filter(code="GB/T 22864-2009").update(withdrawn_on=date(2025, 1, 1))
    assert standard("GB/T 22864-2009").status_on(date(2025, 1, 1)) == "withdrawn"
    with unscoped():
        in_force = set(
            Standard.objects.in_force_on(date(2023, 1, 1)).values_list("code", flat=True)
        )
    assert "GB/T 22796-2021" in in_force and "GB/T 22797-2009" not in in_force


def test_a_group_standard_belongs_to_a_cooperative_and_a_national_one_does_not(coop_a):
    group = Standard(code="T/NTJF 001-2023", title_zh="x", implemented_on=date(2023, 1, 1))
    with pytest.raises(ValidationError) as refused:
        group.clean()
    assert "cooperative" in refused.value.message_dict
    national = Standard(
        code="GB 1-2020",
        title_zh="x",
        implemented_on=date(2020, 1, 1),
        cooperative=coop_a.cooperative,
    )
    with pytest.raises(ValidationError) as refused:
        national.clean()
    assert "cooperative" in refused.value.message_dict
