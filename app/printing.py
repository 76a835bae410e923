"""Printed documents (the settlement statement, the village notice, a small sheet of lot labels):
laid out as PDF by the job worker, never in a web request, and kept in storage under the digest
of their HTML.

Laying out a PDF takes WeasyPrint a quarter of a second of CPU or more, and some 40 MB that a
process keeps; the village notice is public, so one visitor reloading its PDF could keep every
web worker busy. Now a page asks for the PDF of the HTML it rendered: the same figures print once,
whoever asks and however often, and a request that finds no PDF yet starts its job (one job
however many ask: its id is the digest) and gets a page that reloads until the PDF is there.
Without a queue (the SQLite demo) the job runs in the asking request, as every job does.

Files are kept under the county month they were printed in; the monthly purge deletes those
of months before the last, and a document asked for again is printed again."""

import hashlib
import io
from datetime import date, timedelta

from flask import Response, render_template

from app import clock
from app.clock import month_start
from app.jobs.queue import enqueue
from app.jobs.runs import recorded
from app.pdf import pdf_from_html
from app.storage import send_stored, storage

AREA = "documents"
PREFIX = "printed/"
# How long the waiting page waits before asking again.
RETRY_SECONDS = 2


def _key(html: str, today: date) -> str:
    digest = hashlib.sha256(html.encode()).hexdigest()
    return f"{PREFIX}{today:%Y-%m}/{digest}.pdf"


def printed(html: str, filename: str) -> Response:
    """The PDF of ``html`` as the answer to a request, once it is laid out; until then (202) a
    page that says so and reloads. The caller has checked who may see the document."""
    key = _key(html, clock.today())
    if not storage(AREA).exists(key):
        enqueue(print_pdf, html, key, job_id=f"print-{key.rsplit('/', 1)[-1][:-4]}", timeout=120, once=True)
    if not storage(AREA).exists(key):
        return waiting()
    response = send_stored(AREA, key, "application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def waiting() -> Response:
    """The answer to a PDF the worker has not laid out yet: a page that says so and reloads."""
    return Response(render_template("printing/wait.html", seconds=RETRY_SECONDS), status=202)


def print_pdf(html: str, key: str) -> None:
    """Job: lay out the PDF of ``html`` and keep it under ``key``. Run twice (two queues of the
    same document, or a retry), the second finds the file and does nothing."""
    if not storage(AREA).exists(key):
        storage(AREA).put(key, io.BytesIO(pdf_from_html(html)))


@recorded
def purge_printed(today: date | None = None) -> dict:
    """Scheduled: delete printed PDFs of months before the last; asked for again, they are
    printed again. Safe to run twice."""
    on = today or clock.today()
    last_month = month_start(month_start(on) - timedelta(days=1))
    keep_from = f"{PREFIX}{last_month:%Y-%m}/"
    area = storage(AREA)
    stale = [k for k in area.keys() if k.startswith(PREFIX) and k < keep_from]
    for key in stale:
        area.delete(key)
    return {"purged": len(stale)}
