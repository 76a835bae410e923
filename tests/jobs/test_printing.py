"""Printed documents are laid out by the job worker, once per content, never in a web request."""

import io
from datetime import date

from rq import SimpleWorker

from app.extensions import db
from app.jobs.queue import queue
from app.printing import purge_printed
from app.registry.models import Village
from app.storage import storage
from tests.settlement.conftest import THIS_MONTH, month_over  # noqa: F401
from tests.settlement.test_notice import _pdf_text
from tests.settlement.test_scope import two_villages  # noqa: F401


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
