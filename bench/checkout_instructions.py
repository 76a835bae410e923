"""Place orders in-process, as a web worker would serve them, so that callgrind can count the
instructions one order costs: the figure this noisy machine cannot blur (issue 24, item 3).

    python bench/checkout_instructions.py BUYER_EMAIL BUYER_PASSWORD ORDERS [order|noop|floor|write-floor]

Three references put the figure in scale, counted the same way: "noop" sends an order's two
requests to a form of the shop that does nothing (signed in, CSRF, a WTForms form, a flash
message, a redirect: what every form post of the shop carries before any work of its own),
"floor" asks the bare-Flask floor (bench/floor_app.py) for its page twice, as bench/run
measures it, and "write-floor" makes the write floor's two posts (bench/write_floor.py: the
stack with no work but a row written, once lazily and once waiting for the disk).

Each order is what a buyer's browser sends: the add-to-cart form, then the checkout form
(pay on delivery), with the real settings (CSRF on). The buyer signs in and places one order
before the counted ones, so imports and first-use caches fall outside them. Under callgrind
started with --instr-atstart=no (bench/run-checkout), it switches the counting on for the
counted orders alone; the database server's own work (PostgreSQL) is another process and is
not counted, SQLite's is.

It also prints the CPU time (user and system) the counted orders took, per order: instructions
repeat, but the shop's code runs at fewer instructions a second than the floor's small loop, so
bench/run-checkout times the three modes as well (outside callgrind).
"""

import re
import sys

import floor_app  # bench/floor_app.py
import write_floor  # bench/write_floor.py
from counting import count, cpu_ms_since_first  # bench/counting.py
from flask import flash, redirect
from flask_login import login_required
from load import ADDRESS  # bench/load.py: the benchmark buyers' address

from app import create_app
from app.shop.forms import CartLineForm


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


@login_required
def _nothing():
    """The reference form: the machinery of a signed-in form post, and no work at all."""
    if not CartLineForm().validate():
        return "the reference form was refused", 400
    flash("-", "success")
    return redirect("/cart"), 303


def main() -> None:
    email, password, orders = sys.argv[1], sys.argv[2], int(sys.argv[3])
    mode = sys.argv[4] if len(sys.argv) > 4 else "order"
    # The rate limiter as the web workers run it (on): its hooks are part of every request.
    app = create_app()
    app.add_url_rule("/bench/nothing", view_func=_nothing, methods=["POST"])
    client = app.test_client()
    signed_in = client.post(
        "/account/login",
        data={"email": email, "password": password, "csrf_token": _token(client.get("/account/login").text)},
    )
    assert signed_in.status_code == 302, signed_in.status_code
    product = re.search(r'href="/products/([a-z0-9-]+)"', client.get("/products").text)
    assert product
    page = client.get(f"/products/{product.group(1)}").text
    sku_match = re.search(r'name="sku_id" value="(\d+)"', page)
    assert sku_match
    sku_id, token = sku_match.group(1), _token(page)
    cookie = client.get_cookie("session")
    assert cookie
    floor = floor_app.app.test_client()
    if mode == "write-floor":
        write_floor.prepare()
        writer = write_floor.app.test_client()
        floor_token = writer.get("/sign-in/1").text
    for n in range(orders + 1):  # the first one warms the caches
        if n == 1:
            count(True)
        if mode == "floor":
            for _ in range(2):
                assert floor.get("/").status_code == 200
            continue
        if mode == "write-floor":
            for path in ("/write/lazy", "/write"):
                written = writer.post(path, data={"sku_id": sku_id, "quantity": 1, "csrf_token": floor_token})
                assert written.status_code == 303, written.status_code
            continue
        # Each answer carries its flash message in the session cookie; with no page read to show
        # it, the signed-in cookie is sent again (as bench/checkout.lua does), or the messages
        # would pile up in it and every request would read and sign a longer cookie.
        client.set_cookie("session", cookie.value)
        if mode == "noop":
            for _ in range(2):
                client.set_cookie("session", cookie.value)
                nothing = client.post("/bench/nothing", data={"sku_id": sku_id, "quantity": 1, "csrf_token": token})
                assert nothing.status_code == 303, nothing.status_code
            continue
        added = client.post("/cart/add", data={"sku_id": sku_id, "quantity": 1, "csrf_token": token})
        assert added.status_code == 303, added.status_code
        client.set_cookie("session", cookie.value)
        placed = client.post("/checkout", data={**ADDRESS, "csrf_token": token})
        assert placed.status_code == 303 and "/orders/" in placed.headers["Location"], placed.status_code
    count(False)
    if orders:
        print(f"cpu_ms_per_order {cpu_ms_since_first() / orders:.3f}")


if __name__ == "__main__":
    main()
