"""Printed documents are laid out by the job worker, once per content, never in a web request."""

import hashlib
import io
from datetime import date, timedelta

from rq import SimpleWorker

from app.bulk.documents import relay_unprinted
from app.bulk.models import Document
from app.extensions import db
from app.jobs.queue import queue
from app.models_base import utcnow
from app.printing import purge_printed
from app.registry.models import Village
from app.storage import storage
from tests.bulk.conftest import draft_intent, units  # noqa: F401
from tests.pos.fixtures import fair  # noqa: F401
from tests.settlement.conftest import THIS_MONTH, month_over  # noqa: F401
from tests.settlement.test_notice import _pdf_text
from tests.settlement.test_scope import two_villages  # noqa: F401
from tests.trace.test_trace import staff  # noqa: F401


def test_the_public_notice_pdf_is_laid_out_by_the_worker_once_however_often_it_is_asked(
    app, client, two_villages, redis_queue
):
    url, name = redis_queue
    app.config.update(REDIS_URL=url, JOBS_QUEUE=name)
    with app.app_context():
        east = db.session.scalar(db.select(Village.id).where(Village.name == "东村"))
    path = f"/notice/villages/{east}/{THIS_MONTH:%Y-%m}.pdf"
    waiting = client.get(path)
    page = waiting.get_data(as_text=True)
    assert waiting.status_code == 202 and "正在生成 PDF" in page and 'http-equiv="refresh"' in page
    assert client.get(path).status_code == 202  # a reload while it is laid out starts no second job
    with app.app_context():
        jobs = queue()
        assert jobs.count == 1
        SimpleWorker([jobs], connection=jobs.connection).work(burst=True)
    with client.get(path) as ready, client.get(path) as again:  # stored files stream: close them
        assert ready.status_code == 200 and ready.mimetype == "application/pdf"
        assert "东**" in _pdf_text(ready.data)
        assert again.data == ready.data  # kept: the same file, and no new job
    with app.app_context():
        assert queue().count == 0


def test_the_monthly_purge_keeps_this_and_last_months_printed_pdfs(app):
    put = ("printed/2026-09/a.pdf", "printed/2026-10/b.pdf", "printed/2026-11/c.pdf", "receipts/x/1")
    with app.app_context():
        area = storage("documents")
        for key in put:
            area.put(key, io.BytesIO(b"%PDF-1.7"))
        assert purge_printed(date(2026, 11, 30))["purged"] >= 1
        assert [k for k in put if area.exists(k)] == ["printed/2026-10/b.pdf", "printed/2026-11/c.pdf", "receipts/x/1"]


def _work(app) -> None:
    with app.app_context():
        jobs = queue()
        SimpleWorker([jobs], connection=jobs.connection).work(burst=True)


def test_a_contract_is_issued_in_the_request_and_laid_out_by_the_worker(app, units, redis_queue):
    url, name = redis_queue
    app.config.update(REDIS_URL=url, JOBS_QUEUE=name)
    client, number, intent_url = draft_intent(app, units)
    issued = client.post(f"{intent_url}/contract")
    assert issued.status_code == 303
    waiting = client.get(issued.location)
    assert waiting.status_code == 202 and "正在生成 PDF" in waiting.get_data(as_text=True)
    assert "PDF 生成中" in client.get(intent_url).get_data(as_text=True)
    with app.app_context():
        document = db.session.execute(db.select(Document)).scalar_one()
        assert (document.number, document.version, document.sha256) == (number, 1, None)
        assert number in document.html
        assert queue().count == 1
    _work(app)
    with client.get(issued.location) as ready:
        assert ready.status_code == 200 and ready.mimetype == "application/pdf"
        with app.app_context():
            document = db.session.execute(db.select(Document)).scalar_one()
            assert document.sha256 == hashlib.sha256(ready.data).hexdigest() and document.html is None
    assert "PDF 生成中" not in client.get(intent_url).get_data(as_text=True)
    # Asked again with nothing changed: the same document, and no new job.
    assert client.post(f"{intent_url}/contract").location == issued.location
    with app.app_context():
        assert queue().count == 0


def test_the_sweep_lays_out_a_document_whose_job_was_lost(app, units, redis_queue):
    url, name = redis_queue
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0", JOBS_QUEUE=name)  # Redis down at issue
    client, _number, intent_url = draft_intent(app, units)
    issued = client.post(f"{intent_url}/contract")
    assert issued.status_code == 303 and client.get(issued.location).status_code == 202
    app.config.update(REDIS_URL=url)
    with app.app_context():
        assert relay_unprinted() == 0  # within its grace the lost job may still come
        assert relay_unprinted(utcnow() + timedelta(minutes=3)) == 1
        assert relay_unprinted(utcnow() + timedelta(minutes=3)) == 1 and queue().count == 1  # queued once
    _work(app)
    with client.get(issued.location) as ready:
        assert ready.status_code == 200 and ready.data.startswith(b"%PDF")
    with app.app_context():
        assert relay_unprinted(utcnow() + timedelta(minutes=3)) == 0


def test_a_small_label_sheet_is_laid_out_by_the_worker_too(app, staff, fair, redis_queue):
    url, name = redis_queue
    app.config.update(REDIS_URL=url, JOBS_QUEUE=name)
    path = f"/staff/lots/{fair['lot']}/labels.pdf?layout=thermal-60x40&count=3"
    assert staff.get(path).status_code == 202
    _work(app)
    with staff.get(path) as ready:
        assert ready.status_code == 200 and ready.data.startswith(b"%PDF")
        assert f'filename="labels-{fair["lot"]}.pdf"' in ready.headers["Content-Disposition"]
