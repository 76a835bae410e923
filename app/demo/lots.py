"""A harvest lot for every demo SKU, so every box in the demo has a label to scan."""

from datetime import date, timedelta

from app.audit.services import Actor
from app.catalog.models import Sku
from app.extensions import db
from app.trace.models import Lot
from app.trace.services import LotDraft, create_lot


def seed_lots(today: date) -> int:
    with_lots = db.select(Lot.sku_id)
    skus = db.session.execute(db.select(Sku.code).where(Sku.id.not_in(with_lots)).order_by(Sku.id)).scalars().all()
    for n, code in enumerate(skus):
        harvested = today - timedelta(days=7 + n % 5)
        create_lot(
            LotDraft(
                code,
                harvested,
                200 + 50 * (n % 4),
                harvested + timedelta(days=1),
                "县农产品质量安全检测站抽检合格（农药残留快检）",
            ),
            Actor(None, "seed-demo"),
        )
    return len(skus)
