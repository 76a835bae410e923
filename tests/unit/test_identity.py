"""Identity numbers (GB 11643 check character), mobile numbers and public name masking."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.identity import id_check_char, is_valid_id_number, is_valid_mobile, mask_name


def test_the_published_example_number_is_valid():
    assert is_valid_id_number("11010519491231002X")
    assert is_valid_id_number("11010519491231002x")


@pytest.mark.parametrize("bad", ["110105194912310021", "11010519491231002", "A1010519491231002X", ""])
def test_wrong_check_character_or_shape_is_refused(bad):
    assert not is_valid_id_number(bad)


@given(st.from_regex(r"\A\d{17}\Z"))
def test_any_17_digits_plus_their_check_character_is_valid(first17):
    assert is_valid_id_number(first17 + id_check_char(first17))


def test_mask_name_keeps_only_the_family_name():
    assert mask_name("李四光") == "李**"
    assert mask_name("王五") == "王**"
    assert mask_name("") == ""


def test_mobile_numbers():
    assert is_valid_mobile("13912345678")
    assert not is_valid_mobile("12912345678")
    assert not is_valid_mobile("1391234567")
