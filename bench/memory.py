"""What a page-serving process holds in memory (#24, item 7): its resident size after start-up
and after serving the everyday pages, and, by tracemalloc, which packages the Python objects
behind it belong to. Run against a database with the demo:

    TRACE=0 python bench/memory.py     # the resident size (on DATABASE_URL, after seed-demo)
    python bench/memory.py             # what the Python objects in it belong to

tracemalloc sees Python's own allocations only; the rest of the resident size is the
interpreter, shared libraries (libpq, Pango for PDFs when loaded, OpenSSL) and their heaps."""

import os
import tracemalloc

# Tracing costs memory of its own: the resident size is measured in a run without it.
TRACING = os.environ.get("TRACE", "1") == "1"
if TRACING:
    tracemalloc.start(1)

import re  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

PAGES = ["/", "/products", "/products/xuefeng-mandarin", "/impact", "/notice", "/supply", "/account/login"]


def rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def package_of(filename: str) -> str:
    for marker in ("site-packages/", "/lib/python3.11/"):
        if marker in filename:
            rest = filename.split(marker, 1)[1]
            return rest.split("/", 1)[0].removesuffix(".py") if marker == "site-packages/" else "stdlib"
    if "/app/" in filename:
        return "app"
    if filename.startswith("<frozen"):
        return "imports (code objects)"
    return filename


def main() -> None:
    from app import create_app

    app = create_app()
    started = rss_mb()
    client = app.test_client()
    for _ in range(20):
        for page in PAGES:
            assert client.get(page).status_code in (200, 302), page
    served = rss_mb()
    print(f"  resident size: {started:.0f} MB after create_app, {served:.0f} MB after {20 * len(PAGES)} page views")
    if not TRACING:
        return
    by_package: dict[str, int] = defaultdict(int)
    for stat in tracemalloc.take_snapshot().statistics("filename"):
        by_package[package_of(stat.traceback[0].filename)] += stat.size
    traced = sum(by_package.values())
    print(f"  Python objects traced: {traced / 2**20:.0f} MB; the rest is the interpreter, libraries and their heaps")
    for package, size in sorted(by_package.items(), key=lambda item: -item[1])[:15]:
        print(f"    {package:<24} {size / 2**20:6.1f} MB")


if __name__ == "__main__":
    main()
