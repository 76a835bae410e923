"""Money rules: parsing at the edge, formatting, and the exact largest-remainder split."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.money import InvalidAmount, allocate, capital_amount, format_fen, parse_yuan

amounts = st.integers(min_value=-(10**12), max_value=10**12)
weights = st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=60)


@given(amounts, weights)
def test_allocate_parts_are_whole_and_sum_exactly(total, ws):
    parts = allocate(total, ws)
    assert len(parts) == len(ws)
    assert all(isinstance(p, int) for p in parts)
    assert sum(parts) == total


@given(st.integers(min_value=0, max_value=10**12), weights)
def test_allocate_parts_of_a_positive_amount_are_non_negative(total, ws):
    assert all(p >= 0 for p in allocate(total, ws))


@given(amounts, weights)
def test_allocate_is_deterministic_and_close_to_the_exact_share(total, ws):
    parts = allocate(total, ws)
    assert parts == allocate(total, list(ws))
    for part, w in zip(parts, ws, strict=False):
        # Largest remainder never strays a whole fen from the exact proportional share.
        assert abs(part - total * w / sum(ws)) < 1 + 1e-6 * abs(total)


@given(amounts, weights)
def test_a_refund_allocates_as_the_exact_negative_of_the_sale(total, ws):
    assert allocate(-total, ws) == [-p for p in allocate(total, ws)]


def test_allocate_gives_leftover_fen_to_the_largest_remainders_then_the_earliest():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(1000, [1, 2, 3]) == [167, 333, 500]
    assert allocate(1, [5, 5]) == [1, 0]


@pytest.mark.parametrize("bad", [[], [0], [1, -2]])
def test_allocate_refuses_empty_or_non_positive_weights(bad):
    with pytest.raises(ValueError):
        allocate(100, bad)


@pytest.mark.parametrize("text,fen", [("12.30", 1230), ("0", 0), ("¥1,234.5", 123450), (" 7 ", 700), ("0.01", 1)])
def test_parse_yuan_reads_what_people_type(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["", "abc", "1.234", "-5", "NaN", "Infinity"])
def test_parse_yuan_refuses_fractions_of_a_fen_and_nonsense(text):
    with pytest.raises(InvalidAmount):
        parse_yuan(text)


def test_format_fen():
    assert format_fen(123456) == "¥1,234.56"
    assert format_fen(5) == "¥0.05"
    assert format_fen(-1230) == "-¥12.30"


@pytest.mark.parametrize(
    "fen, words",
    [
        (7960, "柒拾玖元陆角"),
        (2443020, "贰万肆仟肆佰叁拾元贰角"),
        (1, "壹分"),
        (100000000, "壹佰万元整"),
        (10001, "壹佰元零壹分"),
        (-550, "负伍元伍角"),
    ],
)
def test_amounts_in_chinese_capitals_as_contracts_write_them(fen, words):
    assert capital_amount(fen) == words
