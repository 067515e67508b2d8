import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from members.uscc import check_character, validate_uscc


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_it_accepts_the_known_valid_example():
    validate_uscc("91350100M000100Y43")


def test_it_accepts_lower_case_by_upper_casing_first():
    validate_uscc("91350100m000100y43")


def test_the_check_character_follows_the_weights():
    assert check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    "code, rule, words",
    [
        ("91350100M000100Y4", "uscc_length", "18 characters; this one has 17"),
        ("91350100M000100Y433", "uscc_length", "this one has 19"),
        ("91350100M0001O0Y43", "uscc_alphabet", "Character 14 (“O”)"),
        ("91350100M000100Y44", "uscc_check", "should be “3”, not “4”"),
    ],
)
def test_it_names_the_rule_an_invalid_code_breaks(code, rule, words):
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert error.value.code == rule
    assert words in error.value.messages[0]


def test_its_messages_are_in_chinese_by_default():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_uscc("91350100M000100Y44")
    assert error.value.messages == ["校验码（第 18 位）应为“3”，而不是“4”。"]
