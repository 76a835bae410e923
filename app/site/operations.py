"""For the operator: readiness (/readyz) and Prometheus metrics (/metrics).

/healthz (in views) stays liveness: the process answers and reaches its database. /readyz
says whether this node should get traffic: database and Redis reachable and the schema at
the migrations' head. /metrics is for the scraper only (a bearer token or listed addresses).
With gunicorn, set PROMETHEUS_MULTIPROC_DIR so the latency histograms of every worker process
are summed; the business figures are read from the database, so every node tells the same.
"""

import hmac
import os
import time

from flask import Flask, Response, abort, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select, text

from app import metrics as process_metrics
from app.extensions import db
from app.jobs.queue import failed_jobs, queue_depth, redis_connection
from app.migrations_cli import migration_heads
from app.orders.models import Order
from app.outbox.services import counts as mail_counts
from app.site import bp


class BusinessCollector:
    """Figures read at scrape time from the shared database and queue."""

    def collect(self):
        placed = CounterMetricFamily("dongkou_orders_placed", "Orders placed, every channel", labels=["channel"])
        paid = CounterMetricFamily(
            "dongkou_orders_paid", "Orders that received money, every channel", labels=["channel"]
        )
        rows = db.session.execute(
            select(Order.channel, func.count(), func.count(Order.paid_at)).group_by(Order.channel)
        ).all()
        for channel, n_placed, n_paid in rows:
            placed.add_metric([channel], n_placed)
            paid.add_metric([channel], n_paid)
        mails = GaugeMetricFamily("dongkou_mail_messages", "Outbox messages by status", labels=["status"])
        for status, n in mail_counts().items():
            mails.add_metric([status], n)
        db.session.rollback()
        yield from (placed, paid, mails)
        depth, failed = queue_depth(), failed_jobs()
        if depth is not None:
            yield GaugeMetricFamily("dongkou_jobs_queued", "Jobs waiting in the queue", value=depth)
        if failed is not None:
            yield GaugeMetricFamily("dongkou_jobs_failed", "Jobs in the failed registry", value=failed)


def _scraper_allowed() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and offered and hmac.compare_digest(offered, token):
        return True
    return request.remote_addr in current_app.config["METRICS_ALLOW"]


@bp.get("/metrics")
def metrics():
    if not _scraper_allowed():
        abort(403)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_ProcessHistograms())
    registry.register(BusinessCollector())
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


class _ProcessHistograms:
    def collect(self):
        yield from process_metrics.collect()


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means "not ready" to the load balancer
        db.session.rollback()
        current_app.logger.exception("health check: database unreachable")
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/readyz")
def readyz():
    checks, ready = {}, True
    try:
        current = set(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())
        checks["database"] = "ok"
        at_head = current == migration_heads(current_app.config["MIGRATIONS_DIRECTORY"])
        checks["migrations"] = "at head" if at_head else "behind: run flask db upgrade"
        ready = at_head
    except Exception:  # any driver error means "send no traffic here"
        db.session.rollback()
        checks["database"], ready = "unreachable", False
    finally:
        db.session.rollback()
    connection = redis_connection()
    if connection is not None:
        from redis.exceptions import RedisError

        try:
            connection.ping()
            checks["redis"] = "ok"
        except RedisError:
            checks["redis"], ready = "unreachable", False
    return jsonify(status="ready" if ready else "not ready", **checks), 200 if ready else 503


def time_requests(app: Flask) -> None:
    @app.before_request
    def _start_clock():
        g.request_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.get("request_started")
        if started is not None:
            process_metrics.observe(
                request.endpoint or "unmatched", request.method, response.status_code, time.perf_counter() - started
            )
        return response
