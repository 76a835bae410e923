"""Drive a running shop and the bare-Flask floor with wrk (pages, and signed-in buyers adding to
the cart and checking out paying on delivery through bench/checkout.lua), and print requests/s,
p50, p99 and the ratio to the floor measured just before and just after each figure (checkout
rows: orders/s, with the latency of their requests). Every load run is bounded and hits
127.0.0.1 only.

    python bench/load.py SHOP_URL FLOOR_URL WRITE_FLOOR_URL STAFF_EMAIL STAFF_PASSWORD BUYER_PASSWORD [UNSHARED_URL]

The write floor (bench/write_floor.py) is the least a signed-in form post costs on the same
stack: its two rows, read against the floor like every other, give the most an order of two
posts could reach whatever it did beyond writing a row, and the checkout rows are read
against that ceiling too.
"""

import re
import statistics
import subprocess  # nosec B404 - runs wrk against 127.0.0.1
import sys
import time
from urllib.parse import urlencode, urljoin

import requests

SECONDS, CONNECTIONS = 10, 16
ADDRESS = {
    "recipient": "基准测试",
    "mobile": "13800000000",
    "province": "430000",
    "city": "430500",
    "county": "430525",
    "street": "文昌街道 1 号",
    "payment_method": "cod",
    "note": "",
}
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
# Signed-in runs send the browser's name the session was signed in with, as a browser does:
# Flask-Login binds a session to it, and a session seen from another one is marked not fresh
# and its cookie written anew on every answer (what earlier rounds measured, wrk sending none).
USER_AGENT = "dongkou-bench"
CHECKOUT = "add to cart + place order (pay on delivery), orders/s"
WRITE_LAZILY = "write floor: a signed-in post writing a row, lazily"
WRITE_DURABLY = "  the same, its commit waiting for the disk"


def wrk(url: str, cookie: str | None = None) -> dict:
    headers = ["-H", f"Cookie: {cookie}", "-H", f"User-Agent: {USER_AGENT}"] if cookie else []
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", *headers, url],  # nosec B603 B607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    _drain(url)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {
        p: float(v) * UNITS[u] for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def _drain(url: str) -> None:
    """Wait until the server has answered what wrk left in its listen queue. wrk stops at its
    deadline, but the connections it had open still wait there, and the workers answer them
    after it: a page that takes a second (the impact page with shared pages off) kept both
    workers busy into the next measurement (the shared impact page just after it: 41.6 ms at
    p99, against 7.1 ms once the queue had drained). One more request joins the end of that
    queue, so its answer means the queue has been taken up."""
    requests.get(url, headers={"User-Agent": USER_AGENT}, timeout=120)


def _csrf(html: str) -> str:
    # Forms render the token as <input ... name="csrf_token" ... value="...">, attributes in either order.
    return re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def signed_in(base: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    token = _csrf(session.get(f"{base}/account/login").text)
    answer = session.post(
        f"{base}/account/login", data={"email": email, "password": password, "csrf_token": token}, allow_redirects=False
    )
    assert answer.status_code == 302, f"sign-in failed for {email}: {answer.status_code}"
    # As a browser does: the page after signing in shows the welcome message and takes it out of
    # the session, whose cookie the load runs then send (wrk keeps the cookie it is given).
    session.get(urljoin(base + "/", answer.headers["Location"]))
    return session


def shop_buyers(base: str, emails: list[str], password: str) -> list[str]:
    """Each buyer's session cookie and form token, signed in to the shop (before the timed run)."""
    buyers = []
    for email in emails:
        session = signed_in(base, email, password)
        # As static/js/csrf.js asks for it: a shared copy's forms carry no token.
        token = session.get(f"{base}/csrf-token", headers={"Accept": "application/json"}).json()["token"]
        buyers += [session.cookies["session"], token]
    return buyers


def write_floor_buyers(base: str) -> list[str]:
    """The same for the write floor, whose buyers sign in without a password."""
    buyers = []
    for n in range(1, CONNECTIONS + 1):
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        token = session.get(f"{base}/sign-in/{n}").text
        buyers += [session.cookies["session"], token]
    return buyers


def checkout_load(base: str, buyers: list[str], sku_id: int, product: str, mode: str) -> dict:
    """Signed-in buyers (cookie and token pairs, one per connection) posting forms, driven by
    wrk (bench/checkout.lua): orders paid on delivery (``mode`` forms, browser or journey: 2, 4
    or 6 requests per order) or the write floor's post (write or write_lazy: one)."""
    out = subprocess.run(  # nosec B603 B607 - wrk against 127.0.0.1
        [
            "wrk",
            f"-t{len(buyers) // 2}",
            f"-c{len(buyers) // 2}",
            f"-d{SECONDS}s",
            "-s",
            "bench/checkout.lua",
            base,
            "--",
            f"/products/{product}",
            str(sku_id),
            mode,
            urlencode(ADDRESS),
            *buyers,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    _drain(f"{base}/healthz")
    figures = dict(re.findall(r"(\w+) ([\d.]+)", re.search(r"^orders .*$", out, re.MULTILINE).group(0)))
    return {
        "rps": float(figures["orders"]) / float(figures["seconds"]),
        "p50": float(figures["p50_ms"]),
        "p99": float(figures["p99_ms"]),
        "errors": int(figures["unexpected"]),
    }


def report_time(base: str, staff: requests.Session) -> dict:
    times = []
    for _ in range(5):
        began = time.perf_counter()
        assert staff.get(f"{base}/staff/reports?dimension=township").status_code == 200
        times.append(time.perf_counter() - began)
    times.sort()
    return {
        "rps": 1 / statistics.median(times),
        "p50": statistics.median(times) * 1000,
        "p99": times[-1] * 1000,
        "errors": 0,
    }


def _bracketing(before: dict, after: dict) -> dict:
    """The floor a figure is compared with: the mean of the floors measured just before and just
    after it, and how far apart those two were (a share of their mean)."""
    rps = (before["rps"] + after["rps"]) / 2
    return {"rps": rps, "p99": (before["p99"] + after["p99"]) / 2, "drift": abs(before["rps"] - after["rps"]) / rps}


def main() -> None:
    shop, floor, write_floor, staff_email, staff_password, buyer_password = sys.argv[1:7]
    # Optional: the same shop with the shared-page layer off, for a before/after in one round.
    unshared = sys.argv[7] if len(sys.argv) > 7 else None
    staff = signed_in(shop, staff_email, staff_password)
    product = re.search(r'href="/products/([a-z0-9-]+)"', staff.get(f"{shop}/products").text).group(1)
    product_page = staff.get(f"{shop}/products/{product}").text
    sku_id = int(re.search(r'name="sku_id" value="(\d+)"', product_page).group(1))
    township = re.search(r'href="/townships/([a-z0-9-]+)"', staff.get(f"{shop}/").text).group(1)
    lot = re.search(r'href="/t/([A-Za-z0-9-]+)"', product_page)
    buyers = [f"bench{n}@example.com" for n in range(CONNECTIONS)]
    hello = [wrk(floor + "/hello")]
    # The machine's speed drifts from minute to minute, so every figure is compared with the
    # floor measured just before it and just after it (the next figure's, or one more at the
    # end): a floor that dipped or rose for its own ten seconds alone no longer makes a figure
    # look better or worse than it is (a round once printed checkout at 0.97 of a floor of 545
    # req/s, where the floors beside it ran 646 to 846). Rows: (label, figures, index of the
    # floor before it, requests per unit of the figure).
    floors: list[dict] = []
    rows: list[tuple[str, dict, int | None, int | None]] = []

    def floor_now() -> int:
        floors.append(wrk(floor + "/"))
        return len(floors) - 1

    anonymous = [
        ("home", "/"),
        ("product list, filtered, page 1", "/products?category=fruit"),
        ("product list, deep page", "/products?page=3"),
        ("product page", f"/products/{product}"),
        ("search", "/products?q=%E8%9C%9C%E6%A9%98"),
        ("township page", f"/townships/{township}"),
        ("impact page", "/impact"),
        ("impact figures (the venue board's JSON)", "/impact/data.json"),
        ("supporting units' leaderboard", "/impact/units"),
    ] + ([("trace page", f"/t/{lot.group(1)}")] if lot else [])
    for label, path in anonymous:
        before = floor_now()
        rows.append((label, wrk(shop + path), before, 1))
        if unshared:
            rows.append(("  the same, shared pages off", wrk(unshared + path), before, 1))
    # A signed-in buyer's pages: the shared copy with their own header (issue #24 item 2).
    buyer = signed_in(shop, buyers[0], buyer_password)
    cookie = f"session={buyer.cookies['session']}"
    for label, path in [("home, signed in", "/"), ("product page, signed in", f"/products/{product}")]:
        before = floor_now()
        rows.append((label, wrk(shop + path, cookie), before, 1))
    signed = shop_buyers(shop, buyers, buyer_password)
    for label, mode, requests_each in [
        (CHECKOUT, "forms", 2),
        ("  the same, each answer followed to its page", "browser", 4),
        ("  the same, with product and checkout pages", "journey", 6),
    ]:
        before = floor_now()
        rows.append((label, checkout_load(shop, signed, sku_id, product, mode), before, requests_each))
    writers = write_floor_buyers(write_floor)
    for label, mode in [(WRITE_LAZILY, "write_lazy"), (WRITE_DURABLY, "write")]:
        before = floor_now()
        rows.append((label, checkout_load(write_floor, writers, sku_id, product, mode), before, 1))
    floor_now()
    rows.append(("township report (staff), reports/s", report_time(shop, staff), None, None))
    hello.append(wrk(floor + "/hello"))
    ceiling = statistics.mean(h["rps"] for h in hello)
    print(
        f"\n{'page':<52}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'floor':>9}{'drift':>7}{'its p99':>9}{'÷ floor':>9}"
        f"{'÷ hello':>9}{'errors':>8}"
    )
    ratios = {}
    for label, f, before, requests_each in rows:
        p50 = f"{f['p50']:.1f}" if f["p50"] is not None else "-"
        p99 = f"{f['p99']:.1f}" if f["p99"] is not None else "-"
        if before is None:
            print(
                f"{label:<52}{f['rps']:>9.1f}{p50:>9}{p99:>9}{'-':>9}{'-':>7}{'-':>9}{'-':>9}{'-':>9}{f['errors']:>8}"
            )
            continue
        reference = _bracketing(floors[before], floors[before + 1])
        # Checkout rows compare the requests they make (2, 4 or 6 per order) with the floor's.
        ratio = f["rps"] * requests_each / reference["rps"]
        ratios[label] = ratio
        of_hello = f["rps"] * requests_each / ceiling
        print(
            f"{label:<52}{f['rps']:>9.1f}{p50:>9}{p99:>9}{reference['rps']:>9.1f}{reference['drift']:>6.0%} "
            f"{reference['p99']:>8.1f}{ratio:>9.2f}{of_hello:>9.2f}{f['errors']:>8}"
        )
    print(
        "floor: a bare Flask app rendering 24 products from one query with a template compiled once, same "
        "gunicorn settings, measured "
        "just before and just after each row: the mean of the two (requests/s and p99); drift: how far "
        "apart the two were"
    )
    print(
        f"hello: the same Flask app answering 'Hello, World!', measured at the round's start and end: "
        f"{hello[0]['rps']:.0f} and {hello[1]['rps']:.0f} req/s (p99 {hello[0]['p99']:.1f} / {hello[1]['p99']:.1f} ms)"
    )
    print("checkout rows: p50 and p99 are per request; ÷ floor compares their requests/s with the floor's")
    # An order of two posts, one that may commit lazily (the cart line) and one that must wait
    # for the disk (the order), takes at least one of each of the write floor's requests.
    most = 2 / (1 / ratios[WRITE_LAZILY] + 1 / ratios[WRITE_DURABLY])
    checkout = ratios[CHECKOUT]
    print(
        f"ceiling: an order of two signed-in posts that wrote a row each, one lazily and one waiting for the disk, "
        f"and did nothing else, would answer at {most:.2f} of the floor; checkout answers at {checkout:.2f}, "
        f"{checkout / most:.2f} of that ceiling"
    )


if __name__ == "__main__":
    main()
