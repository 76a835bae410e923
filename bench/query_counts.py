"""Print the SQL statements each shop page costs on the benchmark's database, for a signed-in
buyer with one box in the cart: first with the page cache cold, then warm (as nearly every
visitor finds it: the catalogue pages' shared copies built by visitors without a session, whose
header is then rendered for the buyer); then what adding to the cart, placing the order (pay on delivery) and its
page cost. tests/catalog/test_query_counts.py holds the same to fixed limits.

    python bench/query_counts.py BUYER_EMAIL BUYER_PASSWORD
"""

import re
import sys

from load import ADDRESS  # bench/load.py: the benchmark buyers' address
from sqlalchemy import event

from app import create_app
from app.extensions import cache, db


def main() -> None:
    email, password = sys.argv[1:3]
    app = create_app(
        {"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "CACHE_TYPE": "SimpleCache", "SHARED_PAGE_SECONDS": 60}
    )
    client = app.test_client()
    assert client.post("/account/login", data={"email": email, "password": password}).status_code == 302
    product = re.search(r'href="/products/([a-z0-9-]+)"', client.get("/products").text).group(1)
    sku_id = re.search(r'name="sku_id" value="(\d+)"', client.get(f"/products/{product}").text).group(1)
    client.post("/cart/add", data={"sku_id": sku_id, "quantity": 1})
    pages = {
        "home": "/",
        "product list": "/products?category=fruit",
        "product page": f"/products/{product}",
        "cart": "/cart",
        "checkout": "/checkout",
    }
    statements: list[str] = []
    with app.app_context():
        cache.clear()
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    counts = {}
    browsing = app.test_client(use_cookies=False)
    for state in ("cold", "warm"):
        for name, path in pages.items():
            statements.clear()
            assert client.get(path).status_code == 200, path
            counts.setdefault(name, {})[state] = len(statements)
            browsing.get(path)
    print(f"{'SQL statements per page':<28}{'cache cold':>12}{'cache warm':>12}")
    for name, by_state in counts.items():
        print(f"{name:<28}{by_state['cold']:>12}{by_state['warm']:>12}")
    statements.clear()
    client.post("/cart/add", data={"sku_id": sku_id, "quantity": 1})
    added = len(statements)
    statements.clear()
    placed = client.post("/checkout", data=ADDRESS)
    assert placed.status_code == 303, placed.status_code
    ordered = len(statements)
    statements.clear()
    assert client.get(placed.headers["Location"]).status_code == 200
    print(f"add to cart {added}, place the order {ordered}, the order's page {len(statements)}")


if __name__ == "__main__":
    main()
