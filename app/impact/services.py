"""Writing the ledger: a paid line is split over its producer's households, a refund mirrors it."""
from datetime import date

from app.domain.money import allocate
from app.extensions import db
from app.impact.models import Attribution
from app.orders.models import Order, OrderLine
from app.registry.models import BenefitLink, Household, Producer, Village
from app.registry.queries import active_links_clause


def _shares(producer_id: int, on: date):
    """The producer's households on a date, in a stable order, with weight, link and village."""
    return db.session.execute(
        db.select(BenefitLink.id, BenefitLink.household_id, BenefitLink.weight, Household.village_id, Village.township_id)
        .join(Household, Household.id == BenefitLink.household_id)
        .join(Village, Village.id == Household.village_id)
        .where(BenefitLink.producer_id == producer_id, active_links_clause(on))
        .order_by(BenefitLink.household_id, BenefitLink.id)
    ).all()


def attribute(order: Order, line: OrderLine, amount_fen: int, on: date, kind: str) -> list[Attribution]:
    """Add ledger rows spreading ``amount_fen`` (negative for refunds) over the line's households.

    Uses the benefit links valid on ``on`` — the sale's payment date, also for its refunds,
    so a refund exactly mirrors the sale even after the rules changed. Does not commit.
    """
    shares = _shares(line.producer_id, on)
    common = dict(order_line_id=line.id, order_id=order.id, producer_id=line.producer_id,
                  channel=order.channel, event_id=order.event_id, kind=kind)
    if not shares:
        township_id = db.session.get(Producer, line.producer_id).township_id
        rows = [Attribution(**common, household_id=None, township_id=township_id, amount_fen=amount_fen)]
    else:
        parts = allocate(amount_fen, [s.weight for s in shares])
        rows = [
            Attribution(**common, household_id=s.household_id, benefit_link_id=s.id, village_id=s.village_id,
                        township_id=s.township_id, amount_fen=part)
            for s, part in zip(shares, parts)
            if part
        ]
    db.session.add_all(rows)
    return rows
