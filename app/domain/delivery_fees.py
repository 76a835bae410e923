"""Delivery fees (运费模板): pure rules, no database.

A producer's template is a set of rules, each for a province or for everywhere else ("*"): not
served at all, or a fee for the first so many units (pieces, or kilograms of net weight) and a
fee for each further step of units, and free from a goods amount up. A producer without rules
delivers free everywhere. The fee is never the households' money: it is charged beside the
goods and never reaches the ledger."""

import math
from dataclasses import dataclass

EVERYWHERE = "*"
BASES = ("piece", "weight")


@dataclass(frozen=True)
class Rule:
    served: bool = True
    basis: str = "piece"
    first_units: int = 1
    first_fee_fen: int = 0
    extra_units: int = 1
    extra_fee_fen: int = 0
    free_over_fen: int | None = None


@dataclass(frozen=True)
class Parcel:
    """What one producer sends to one address."""

    pieces: int
    weight_g: int
    goods_fen: int


def rule_for(rules: dict[str, Rule], province_code: str) -> Rule | None:
    """The rule of the province, else the producer's rule for everywhere else, else none (free)."""
    return rules.get(province_code) or rules.get(EVERYWHERE)


def fee(rule: Rule | None, parcel: Parcel) -> int | None:
    """The fee in fen, or None where the producer does not deliver."""
    if rule is None:
        return 0
    if not rule.served:
        return None
    if rule.free_over_fen is not None and parcel.goods_fen >= rule.free_over_fen:
        return 0
    units = parcel.pieces if rule.basis == "piece" else max(1, math.ceil(parcel.weight_g / 1000))
    if units <= rule.first_units:
        return rule.first_fee_fen
    steps = math.ceil((units - rule.first_units) / rule.extra_units)
    return rule.first_fee_fen + steps * rule.extra_fee_fen
