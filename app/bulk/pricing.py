"""Volume prices for supporting units: the more boxes a contract takes of a SKU, the lower
the agreed unit price. The tiers are the county's published terms for unit purchases."""

from app.catalog.models import Sku

# (at least this many, percent of list price), largest first.
VOLUME_TIERS = ((500, 90), (100, 95))


def agreed_price(sku: Sku, quantity: int) -> int:
    """The unit price in fen for ``quantity`` of ``sku``; whole fen, rounded in the buyer's favour."""
    for threshold, percent in VOLUME_TIERS:
        if quantity >= threshold:
            return sku.price_fen * percent // 100
    return sku.price_fen
