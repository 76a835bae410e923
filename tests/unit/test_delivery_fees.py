"""The delivery fee rules on their own."""

from app.domain.delivery_fees import EVERYWHERE, Parcel, Rule, fee, rule_for

HUNAN = Rule(first_units=1, first_fee_fen=600, extra_units=1, extra_fee_fen=300, free_over_fen=9900)
ELSEWHERE = Rule(first_fee_fen=1200, extra_fee_fen=600)
BY_WEIGHT = Rule(basis="weight", first_units=2, first_fee_fen=800, extra_units=1, extra_fee_fen=200)


def test_first_unit_then_each_further_step():
    assert fee(HUNAN, Parcel(1, 2500, 3980)) == 600
    assert fee(HUNAN, Parcel(2, 5000, 7960)) == 900
    assert fee(Rule(first_fee_fen=500, extra_units=2, extra_fee_fen=100), Parcel(4, 0, 1)) == 500 + 2 * 100


def test_free_from_an_amount_up_and_free_without_rules():
    assert fee(HUNAN, Parcel(3, 7500, 9900)) == 0
    assert fee(None, Parcel(9, 99_000, 100)) == 0


def test_by_weight_in_whole_kilograms_and_at_least_one():
    assert fee(BY_WEIGHT, Parcel(1, 300, 1000)) == 800
    assert fee(BY_WEIGHT, Parcel(3, 7500, 1000)) == 800 + 6 * 200  # 7.5 kg counts as 8


def test_a_province_rule_wins_over_everywhere_else_and_not_served_is_none():
    rules = {"430000": HUNAN, EVERYWHERE: Rule(served=False)}
    assert rule_for(rules, "430000") is HUNAN
    assert fee(rule_for(rules, "110000"), Parcel(1, 0, 100)) is None
    assert rule_for({}, "110000") is None
