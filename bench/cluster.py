"""Product list and checkout through nginx, with one web node behind it and with two, on the
same machine (wrk, 127.0.0.1 only). Prints requests/s (orders/s for checkout), p50, p99 and
the ratio of two nodes to one.

    python bench/cluster.py ONE_NODE_URL TWO_NODES_URL STAFF_EMAIL PASSWORD
"""

import re
import sys

from load import CONNECTIONS, checkout_load, signed_in, wrk


def main() -> None:
    one, two, staff_email, password = sys.argv[1:5]
    staff = signed_in(one, staff_email, password)
    product = re.search(r'href="/products/([a-z0-9-]+)"', staff.get(f"{one}/products").text).group(1)
    sku_id = int(re.search(r'name="sku_id" value="(\d+)"', staff.get(f"{one}/products/{product}").text).group(1))
    buyers = [f"bench{n}@example.com" for n in range(CONNECTIONS)]
    rows = []
    for label, measure in [
        ("product list, page 1", lambda base: wrk(base + "/products")),
        (
            "checkout (add + place, pay on delivery), orders/s",
            lambda base: checkout_load(base, buyers, password, sku_id, product, "forms"),
        ),
    ]:
        wrk(one + "/products")  # warm-up
        first, second = measure(one), measure(two)
        rows.append((label, first, second))
    print(f"\n{'through nginx':<52}{'1 node':>9}{'p99 ms':>9}{'2 nodes':>9}{'p99 ms':>9}{'2 ÷ 1':>8}{'errors':>8}")
    for label, first, second in rows:
        print(
            f"{label:<52}{first['rps']:>9.1f}{first['p99']:>9.1f}{second['rps']:>9.1f}{second['p99']:>9.1f}"
            f"{second['rps'] / first['rps']:>8.2f}{first['errors'] + second['errors']:>8}"
        )
    print(
        "each node: gunicorn with 2 workers. Everything here (nginx, both nodes, PostgreSQL, Redis and wrk) "
        "shares this machine's 2 cores, which one node's workers already keep busy: a second node adds "
        "processes competing for the same cores, not CPU, so the ratio stays near or below 1. It shows that "
        "spreading requests over nodes costs little and loses nothing; what a second host adds is not "
        "measured on one machine"
    )


if __name__ == "__main__":
    main()
