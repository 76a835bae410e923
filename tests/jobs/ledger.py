"""A big ledger for export tests, fast: one paid order, whose attribution rows are copied with
one INSERT … SELECT and whose roll-ups are scaled to match, so reports still agree with it."""

from sqlalchemy import text

from app.extensions import db
from tests import factories

COLUMNS = (
    "order_line_id, order_id, household_id, benefit_link_id, producer_id, village_id, township_id, channel, "
    "event_id, kind, amount_fen, created_at"
)


def big_ledger(app, buyer, staff, shop, rows: int) -> int:
    """At least ``rows`` ledger rows; returns how many there are."""
    number = factories.buy(buyer, shop["sku_id"], 2).headers["Location"].rsplit("/", 1)[1]
    assert staff.post(f"/staff/orders/{number}/cash", data={"amount": "79.60"}).status_code == 303
    with app.app_context():
        first = db.session.scalar(text("SELECT count(*) FROM attributions"))
        copies = -(-rows // first) - 1
        db.session.execute(
            text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :copies) "
                f"INSERT INTO attributions ({COLUMNS}) SELECT {COLUMNS} FROM attributions CROSS JOIN n"
            ),
            {"copies": copies},
        )
        for table in ("ledger_days", "ledger_months"):
            db.session.execute(
                text(f"UPDATE {table} SET amount_fen = amount_fen * :k, pairs = pairs * :k"), {"k": copies + 1}
            )
        db.session.commit()
        return db.session.scalar(text("SELECT count(*) FROM attributions"))
