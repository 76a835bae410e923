"""An order line is a snapshot: what was sold, at what price, from which producer, and whether
the product was a certified poverty-alleviation product on the county day of the sale. Every
channel (online checkout, a unit's contract delivery, a booth sale) builds its lines here, so
the three cannot drift apart; each only decides where the SKU's facts come from."""

from dataclasses import dataclass
from datetime import date

from app.catalog.models import Sku
from app.orders.models import OrderLine


@dataclass(frozen=True)
class SkuFacts:
    """What a line copies from the catalogue at the moment of sale."""

    sku_id: int
    product_id: int
    producer_id: int
    product_name: str
    sku_code: str
    sku_name: str
    unit: str
    certified: bool

    @classmethod
    def of(cls, sku: Sku, on: date) -> "SkuFacts":
        """From a SKU loaded with its product and certifications; ``on`` is the county day of the sale."""
        product = sku.product
        return cls(
            sku.id,
            sku.product_id,
            product.producer_id,
            product.name,
            sku.code,
            sku.name,
            sku.unit,
            product.valid_certification(on) is not None,
        )


def order_line(facts: SkuFacts, unit_price_fen: int, quantity: int, lot_id: int | None = None) -> OrderLine:
    """The line selling ``quantity`` of the SKU at ``unit_price_fen`` (the channel's price: the
    list price online, the contract's agreed price, what the booth charged)."""
    return OrderLine(
        sku_id=facts.sku_id,
        product_id=facts.product_id,
        producer_id=facts.producer_id,
        product_name=facts.product_name,
        sku_code=facts.sku_code,
        sku_name=facts.sku_name,
        unit=facts.unit,
        certified=facts.certified,
        lot_id=lot_id,
        unit_price_fen=unit_price_fen,
        quantity=quantity,
        line_total_fen=unit_price_fen * quantity,
    )
