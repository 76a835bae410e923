"""The process's own Prometheus metrics, apart from the views that serve them, so that the
shared-page layer (in front of Flask) counts the requests it answers alone."""

from prometheus_client import Counter, Histogram

REQUEST_SECONDS = Histogram(
    "dongkou_request_seconds",
    "Time to answer a request, by endpoint",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SHARED_PAGES = Counter(
    "dongkou_shared_pages",
    "Shared catalogue pages, by how they were answered: to visitors without a session, "
    "fresh (its copy), stale (its copy while it is being built again, by this request once answered or by another), "
    "waited (for the copy another request was building), built (by the app, then kept) "
    "and not_modified (304 to a matching ETag); personal (the copy with the header of a "
    "visitor with a session)",
    ["outcome"],
)
# The layer answers before Flask has matched an endpoint; its requests are timed under this one.
SHARED_PAGE_ENDPOINT = "shared_page"


def observe(endpoint: str, method: str, status: int | str, seconds: float) -> None:
    REQUEST_SECONDS.labels(endpoint, method, f"{str(status)[0]}xx").observe(seconds)


def collect():
    """Both, for a registry of one process (without PROMETHEUS_MULTIPROC_DIR)."""
    yield from REQUEST_SECONDS.collect()
    yield from SHARED_PAGES.collect()
