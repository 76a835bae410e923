"""The schedule's jobs: each leaves a run on 后台任务, mails staff once a day at most, and the
embedded scheduler runs the same table without Redis."""

import json
from datetime import timedelta

from sqlalchemy import text

from app.clock import today
from app.domain import roles
from app.extensions import db
from app.jobs import schedule, scheduled
from app.jobs.exports import purge_expired_exports
from app.jobs.models import ExportFile, JobRun
from app.models_base import utcnow
from app.outbox.models import OutboxMessage
from app.storage import storage
from tests import factories
from tests.impact.test_reports import sold  # noqa: F401


def _runs(app) -> list[tuple[str, str, dict]]:
    with app.app_context():
        return [
            (r.job, r.outcome, json.loads(r.counts))
            for r in db.session.execute(db.select(JobRun).order_by(JobRun.id)).scalars()
        ]


def _mail(app) -> list[tuple[str, str]]:
    """What was mailed to the county office."""
    with app.app_context():
        return db.session.execute(
            db.select(OutboxMessage.recipient, OutboxMessage.subject)
            .where(OutboxMessage.recipient == "office@example.com")
            .order_by(OutboxMessage.id)
        ).all()


def test_certifications_running_out_are_mailed_to_staff_once_a_day(app, runner):
    with app.app_context():
        factories.product("雪峰蜜橘", certified_until=today() + timedelta(days=10))
        factories.product("山茶油", certified_until=today() + timedelta(days=300))
        factories.user(email="office@example.com", role=roles.STAFF)
        factories.user(email="gone@example.com", role=roles.STAFF).active = False
        db.session.commit()
    for _ in range(2):
        assert runner.invoke(args=["jobs", "run", "warn_expiring_certifications"]).exit_code == 0
    [(recipient, subject)] = _mail(app)
    assert recipient == "office@example.com" and subject.startswith("扶贫产品认定到期提醒") and "1 项" in subject
    with app.app_context():
        body = db.session.scalar(db.select(OutboxMessage.body))
        assert "雪峰蜜橘" in body and "山茶油" not in body
    assert [(job, outcome) for job, outcome, _ in _runs(app)] == [("warn_expiring_certifications", "problem")] * 2


def test_the_nightly_ledger_check_mails_staff_what_it_found(app, runner, sold):
    with app.app_context():
        factories.user(email="office@example.com", role=roles.STAFF)
        db.session.commit()
    assert runner.invoke(args=["jobs", "run", "nightly_ledger_check"]).exit_code == 0
    assert _mail(app) == [] and _runs(app)[-1][:2] == ("nightly_ledger_check", "ok")
    with app.app_context():
        db.session.execute(
            text("UPDATE ledger_months SET amount_fen = amount_fen + 5 WHERE id = (SELECT min(id) FROM ledger_months)")
        )
        db.session.commit()
    assert runner.invoke(args=["jobs", "run", "nightly_ledger_check"]).exit_code == 0
    job, outcome, counts = _runs(app)[-1]
    assert (job, outcome, counts) == ("nightly_ledger_check", "problem", {"discrepancies": 1, "problems": 1})
    [(recipient, subject)] = _mail(app)
    assert recipient == "office@example.com" and "1 处不一致" in subject


def test_expired_exports_are_purged_and_then_cannot_be_downloaded(app, staff):
    data = factories.run_export(staff, "/staff/reports/export.csv")
    assert data.startswith("\ufeff记账时间".encode())
    with app.app_context():
        export = db.session.execute(db.select(ExportFile)).scalar_one()
        key, export_id = export.storage_key, export.id
        assert storage("exports").exists(key) and export.expires_at > utcnow().replace(tzinfo=None) + timedelta(
            hours=23
        )
        assert purge_expired_exports() == {"purged": 0}
        assert purge_expired_exports(now=utcnow() + timedelta(hours=25)) == {"purged": 1}
        assert not storage("exports").exists(key)
    page = staff.get(f"/staff/jobs/exports/{export_id}/download", follow_redirects=True).get_data(as_text=True)
    assert "已超过保存期限被删除" in page


def test_only_the_staff_member_who_asked_sees_an_export(app, staff):
    factories.run_export(staff, "/staff/reports/export.csv")
    with app.app_context():
        factories.user(email="colleague@example.com", role=roles.STAFF)
        db.session.commit()
        export_id = db.session.scalar(db.select(ExportFile.id))
    colleague = app.test_client()
    factories.login(colleague, "colleague@example.com")
    for path in (
        f"/staff/jobs/exports/{export_id}",
        f"/staff/jobs/exports/{export_id}.json",
        f"/staff/jobs/exports/{export_id}/download",
    ):
        assert colleague.get(path).status_code == 404, path


def test_the_embedded_scheduler_runs_the_same_table_and_the_page_shows_it(app, staff):
    with app.app_context():
        schedule.run_in_process_forever(stop_after=1.5)
    ran = {job for job, _outcome, _counts in _runs(app)}
    assert {"sweep", "expire_unpaid_orders"} <= ran  # due at once; the daily ones wait for their hour
    page = staff.get("/staff/jobs").get_data(as_text=True)
    assert "取消超时未付款订单" in page and "正常" in page and "未配置 Redis" in page
    # Staff read every scheduled job by what it does, never by its function's name.
    for name, _when in schedule.describe():
        assert f"<td>{name}</td>" not in page, name


def test_a_failing_job_is_recorded_as_failed(app, monkeypatch):
    def broken():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(scheduled, "sweep_outbox", broken)
    with app.app_context():
        try:
            scheduled.sweep()
        except RuntimeError:
            pass
    job, outcome, _counts = _runs(app)[-1]
    assert (job, outcome) == ("sweep", "failed")
    with app.app_context():
        assert "the database went away" in db.session.scalar(db.select(JobRun.detail))
