"""What a cart's delivery costs to an address: each producer's parcel priced by its own rules."""

import functools
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import ColumnElement, Label, Select, bindparam, func, select

from app.delivery.models import DeliveryRule
from app.domain.delivery_fees import Parcel, Rule, fee, rule_for
from app.extensions import db
from app.registry.models import Producer


@dataclass(frozen=True)
class Quote:
    fee_fen: int
    unserved: list[str] = field(default_factory=list)  # producers that do not deliver there


def quote(lines: Iterable[tuple[int, int, int, int]], province_code: str) -> Quote:
    """The delivery fee of (producer id, quantity, net weight in grams, unit price) lines to a
    province: the cart's lines carry all four, so this reads only the producers' rules."""
    return price(parcels(lines), province_code)


def _rule_terms() -> list:
    """A rule's columns in the order of the Rule's fields, so that Rule(*those values) is the rule."""
    return [getattr(DeliveryRule, f.name) for f in fields(Rule)]


@functools.cache
def _rules_of() -> Select:
    """The producers' rules as rows of (producer, region, the Rule's fields in order): built once,
    for every checkout and every fee shown, and without loading a model object per rule."""
    return select(DeliveryRule.producer_id, DeliveryRule.region, *_rule_terms()).where(
        DeliveryRule.producer_id.in_(bindparam("producers", expanding=True))
    )


def rules_column(producer_id: ColumnElement[int], dialect: str) -> Label[Any]:
    """A producer's rules as one JSON column (``delivery_rules``) of another statement, for a
    caller that reads them with what it reads anyway (checkout, with the stock it takes: one
    round trip fewer); read back with rules_from_column."""
    terms = [DeliveryRule.region, *_rule_terms()]
    # PostgreSQL and SQLite spell JSON aggregation differently; both hand back a JSON array.
    aggregate, array = (
        ("json_agg", "json_build_array") if dialect == "postgresql" else ("json_group_array", "json_array")
    )
    rows = getattr(func, aggregate)(getattr(func, array)(*terms))
    return select(rows).where(DeliveryRule.producer_id == producer_id).scalar_subquery().label("delivery_rules")


def rules_from_column(value: list | str | None) -> dict[str, Rule]:
    """A rules_column's value (psycopg parses JSON, sqlite3 hands over its text; a producer
    without rules reads as NULL on PostgreSQL): the rule of each region."""
    rows = json.loads(value) if isinstance(value, str) else value or []
    return {region: Rule(bool(served), basis, *amounts) for region, served, basis, *amounts in rows}


def parcels(lines: Iterable[tuple[int, int, int, int]]) -> dict[int, Parcel]:
    """Each producer's parcel from (producer id, quantity, net weight in grams, unit price) lines."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for producer_id, quantity, weight_g, price_fen in lines:
        total = totals[producer_id]
        total[0] += quantity
        total[1] += quantity * weight_g
        total[2] += quantity * price_fen
    return {producer_id: Parcel(*total) for producer_id, total in totals.items()}


def price(by_producer: dict[int, Parcel], province_code: str, rules: dict[int, dict[str, Rule]] | None = None) -> Quote:
    """The fee of producers' parcels to a province: one query for their rules, unless the
    caller read them already (``rules``, see rules_column), and one more for the names of any
    producers that do not deliver there."""
    if rules is None:
        rules = defaultdict(dict)
        for producer_id, region, *terms in db.session.execute(_rules_of(), {"producers": sorted(by_producer)}):
            rules[producer_id][region] = Rule(*terms)
    total, unserved = 0, []
    for producer_id, parcel in sorted(by_producer.items()):
        owed = fee(rule_for(rules.get(producer_id, {}), province_code), parcel)
        if owed is None:
            unserved.append(producer_id)
        else:
            total += owed
    names = (
        list(db.session.scalars(select(Producer.name).where(Producer.id.in_(unserved)).order_by(Producer.id)))
        if unserved
        else []
    )
    return Quote(total, names)
