"""County staff keep each producer's delivery rules. Each change is one transaction with its
audit row."""

from dataclasses import asdict

from sqlalchemy import select

from app.audit.services import Actor, record
from app.delivery.models import DeliveryRule
from app.delivery.refusals import DeliveryError
from app.domain.delivery_fees import EVERYWHERE, Rule
from app.extensions import db
from app.refusals import Missing
from app.regions import provinces
from app.registry.models import Producer


def set_rule(producer_id: int, region: str, rule: Rule, actor: Actor) -> DeliveryRule:
    """The producer's rule for a province (or everywhere else), replacing the one there was. Commits."""
    if db.session.get(Producer, producer_id) is None:
        raise Missing(producer_id)
    if region != EVERYWHERE and region not in dict(provinces()):
        raise DeliveryError("unknown_region")
    if min(rule.first_fee_fen, rule.extra_fee_fen) < 0 or min(rule.first_units, rule.extra_units) < 1:
        raise DeliveryError("fees")
    if rule.free_over_fen is not None and rule.free_over_fen <= 0:
        raise DeliveryError("free_over")
    row = db.session.scalar(
        select(DeliveryRule).where(DeliveryRule.producer_id == producer_id, DeliveryRule.region == region)
    )
    before = asdict(row.as_rule()) if row else None
    if row is None:
        row = DeliveryRule(producer_id=producer_id, region=region)
        db.session.add(row)
    for key, value in asdict(rule).items():
        setattr(row, key, value)
    db.session.flush()
    record(actor, "set_delivery_rule", "producer", producer_id, before=before, after={"region": region, **asdict(rule)})
    db.session.commit()
    return row


def remove_rule(producer_id: int, rule_id: int, actor: Actor) -> None:
    """Commits."""
    row = db.session.get(DeliveryRule, rule_id)
    if row is None or row.producer_id != producer_id:
        raise Missing(rule_id)
    record(
        actor, "remove_delivery_rule", "producer", producer_id, before={"region": row.region, **asdict(row.as_rule())}
    )
    db.session.delete(row)
    db.session.commit()
