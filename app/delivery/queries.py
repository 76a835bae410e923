"""Read-only questions about delivery rules."""

from sqlalchemy import select

from app.delivery.models import DeliveryRule
from app.extensions import db


def rules_of(producer_id: int) -> list[DeliveryRule]:
    return list(
        db.session.scalars(
            select(DeliveryRule).where(DeliveryRule.producer_id == producer_id).order_by(DeliveryRule.region.desc())
        )
    )
