"""Uncached product search at two catalogue sizes: the demo's 16 products, and the same shop
grown to 5,000 products (copies of the demo's under other producers' names). Each everyday
search is answered 30 times at each size with the page cache off; prints p50 and p90 of the
whole page and the ratio of the sizes' medians (#24 asks the large one to stay within 1.5x).

The two sizes are two databases, the demo's kept as it was beside the grown one, and each round
asks both, in turns: the machine's speed drifts by a third within minutes, and one size measured
after the other measured the drift as much as the size (ratios of 1.3 and 1.8 on the same code).

    python bench/search.py            # on DATABASE_URL, after db upgrade and seed-demo
"""

import os
import sqlite3
import statistics
import time
from contextlib import closing

import psycopg
from sqlalchemy import func, insert, make_url, select

from app import create_app
from app.catalog.models import Product, Sku, index_products
from app.extensions import db

SEARCHES = ["蜜橘", "橘子", "miju", "mandarin", "洞口 橘", "茶油"]
ROUNDS = 30
TARGET = 5_000


def _timings(clients: list) -> list[dict[str, list[float]]]:
    """Each search's answer times at each client's catalogue, asked in turns (the order swapped
    every round, so neither size always runs on caches the other warmed)."""
    found: list[dict[str, list[float]]] = [{words: [] for words in SEARCHES} for _ in clients]
    for words in SEARCHES:
        for client in clients:
            client.get("/products", query_string={"q": words})  # the first answer warms Python, not the cache
    for round_ in range(ROUNDS):
        turns = list(enumerate(clients))
        for words in SEARCHES:
            for n, client in turns if round_ % 2 == 0 else reversed(turns):
                start = time.perf_counter()
                assert client.get("/products", query_string={"q": words}).status_code == 200
                found[n][words].append(time.perf_counter() - start)
    return found


def _copy_database(url: str) -> str:
    """A copy of the database at ``url`` as it is now, beside it; returns the copy's URL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        copy = f"{parsed.database}.small"
        with closing(sqlite3.connect(parsed.database)) as source, closing(sqlite3.connect(copy)) as target:
            source.backup(target)
        return f"sqlite:///{copy}"
    copy = f"{parsed.database}_small"
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        # A template may have no other session open: the app's pool is disposed before this.
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{parsed.database}"')
    return parsed.set(database=copy).render_as_string(hide_password=False)


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
    with app.app_context():
        small = db.session.scalar(select(func.count(Product.id)))
        db.session.remove()
        db.engine.dispose()
    small_url = _copy_database(app.config["SQLALCHEMY_DATABASE_URI"])
    small_app = create_app({"CACHE_TYPE": "NullCache", "SQLALCHEMY_DATABASE_URI": small_url})
    large = _grow(app)
    results = dict(zip((small, large), _timings([small_app.test_client(), app.test_client()]), strict=True))
    with small_app.app_context():
        db.session.remove()
        db.engine.dispose()
    _drop_copy(small_url)
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


def _drop_copy(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        os.remove(parsed.database)
        return
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
