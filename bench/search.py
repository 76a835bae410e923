"""Uncached product search at two catalogue sizes: the demo's 16 products, then the same shop
grown to 5,000 products (copies of the demo's under other producers' names). For each size,
each everyday search is answered 30 times with the page cache off; prints p50 and p90 of the
whole page and the ratio of the sizes' medians (#24 asks the large one to stay within 1.5x).

    python bench/search.py            # on DATABASE_URL, after db upgrade and seed-demo
"""

import statistics
import time

from sqlalchemy import func, insert, select

from app import create_app
from app.catalog.models import Product, Sku, index_products
from app.extensions import db

SEARCHES = ["蜜橘", "橘子", "miju", "mandarin", "洞口 橘", "茶油"]
ROUNDS = 30
TARGET = 5_000


def _timings(client) -> dict[str, list[float]]:
    found = {}
    for words in SEARCHES:
        client.get("/products", query_string={"q": words})  # the first answer warms Python, not the cache
        times = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            assert client.get("/products", query_string={"q": words}).status_code == 200
            times.append(time.perf_counter() - start)
        found[words] = times
    return found


def _grow(app) -> int:
    """Copy the catalogue's products until it holds TARGET, each with one SKU; returns the count."""
    with app.app_context():
        template = db.session.execute(select(Product).order_by(Product.id)).scalars().all()
        have = db.session.scalar(select(func.count(Product.id))) or 0
        rows, n = [], 0
        while have + len(rows) < TARGET:
            base = template[n % len(template)]
            n += 1
            rows.append(
                {
                    "slug": f"bench-{n}",
                    "name": f"{base.name}{n}",
                    "subtitle": base.subtitle,
                    "description": "",
                    "category_id": base.category_id,
                    "producer_id": base.producer_id,
                    "township_id": base.township_id,
                    "is_active": True,
                    "is_featured": False,
                    "price_from_fen": base.price_from_fen,
                    "search_text": base.search_text,
                }
            )
        db.session.execute(insert(Product), rows)
        ids = db.session.execute(select(Product.id).where(Product.slug.like("bench-%"))).scalars().all()
        # Inserted below the ORM, so their search terms are written here, as the app would.
        index_products(db.session.connection(), list(ids))
        db.session.execute(
            insert(Sku),
            [
                {
                    "product_id": pid,
                    "code": f"BENCH-{pid}",
                    "name": "5 斤装",
                    "unit": "箱",
                    "price_fen": 3980,
                    "stock": 10,
                }
                for pid in ids
            ],
        )
        db.session.commit()
        return db.session.scalar(select(func.count(Product.id))) or 0


def main() -> None:
    app = create_app({"CACHE_TYPE": "NullCache"})
    client = app.test_client()
    with app.app_context():
        small = db.session.scalar(select(func.count(Product.id)))
    results = {small: _timings(client)}
    large = _grow(app)
    results[large] = _timings(client)
    medians = {}
    for size, found in results.items():
        every = [t for times in found.values() for t in times]
        medians[size] = statistics.median(every)
        print(
            f"  {size:>5} products: search page p50 {medians[size] * 1000:.1f} ms, "
            f"p90 {statistics.quantiles(every, n=10)[-1] * 1000:.1f} ms"
        )
        for words, times in found.items():
            print(f"        {words:<10} p50 {statistics.median(times) * 1000:6.1f} ms")
    print(f"  ratio {large}/{small} products: {medians[large] / medians[small]:.2f}x (target at most 1.5x)")


if __name__ == "__main__":
    main()
