"""后台任务: the schedule and its runs, the queue, unsent mail, and the staff member's exports."""

import json

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.accounts.access import current_actor, role_required
from app.domain import roles
from app.forms import Form
from app.jobs import exports, queue, runs, schedule
from app.outbox import services as outbox

bp = Blueprint("jobs", __name__, url_prefix="/staff/jobs")

JOB_NAMES = {
    "sweep": _l("补发邮件、重启中断的导出、补排合同和交付单 PDF"),
    "expire_unpaid_orders": _l("取消超时未付款订单"),
    "purge_expired_exports": _l("清理过期的导出文件"),
    "expire_contracts": _l("合同交付期满未交付则过期"),
    "nightly_ledger_check": _l("夜间账目核对"),
    "remind_overdue_payouts": _l("到户发放逾期提醒"),
    "warn_expiring_certifications": _l("扶贫产品认定到期提醒"),
    "purge_printed": _l("清理上月以前打印的 PDF（需要时会重新生成）"),
}
OUTCOMES = {"running": _l("运行中"), "ok": _l("正常"), "problem": _l("发现问题"), "failed": _l("失败")}
EXPORT_NAMES = {
    "ledger_csv": _l("销售归属台账 CSV"),
    "ledger_xlsx": _l("销售归属台账 Excel"),
    "households_xlsx": _l("建档立卡户名单 Excel"),
    "labels_pdf": _l("溯源标签 PDF"),
}
# What a job's progress counts: ledger and registry rows, or labels.
EXPORT_UNITS = {"labels_pdf": _l("张")}
EXPORT_STATUS = {
    "queued": _l("排队中"),
    "running": _l("生成中"),
    "done": _l("已完成"),
    "failed": _l("失败"),
    "purged": _l("已过期删除"),
}


def _page() -> int:
    page = request.args.get("page", 1, type=int)
    return page if 0 < page < 10**6 else 1


@bp.get("")
@role_required(roles.STAFF)
def index():
    return render_template(
        "jobs/index.html",
        schedule=schedule.describe(),
        last=runs.last_runs(),
        history=runs.recent(_page()),
        mail=outbox.counts(),
        unsent=outbox.unsent(1),
        depth=queue.queue_depth(),
        failed=queue.failed_jobs(),
        queued=queue.queue() is not None,
        my_exports=exports.recent_for(current_user.id),
        form=Form(),
        job_names=JOB_NAMES,
        outcomes=OUTCOMES,
        export_names=EXPORT_NAMES,
        export_status=EXPORT_STATUS,
        loads=json.loads,
    )


@bp.post("/mail/<int:message_id>/resend")
@role_required(roles.STAFF)
def resend_mail(message_id: int):
    if not Form().validate_on_submit():
        abort(400)
    if outbox.resend(message_id) is None:
        abort(404)
    flash(_("邮件已重新排队发送。"), "success")
    return redirect(url_for("jobs.index"))


def progress(export) -> dict:
    return {
        "id": export.id,
        "status": export.status,
        "status_label": str(EXPORT_STATUS[export.status]),
        "rows_done": export.rows_done,
        "rows_total": export.rows_total,
        "error": export.error,
        "download": url_for("jobs.download", export_id=export.id) if export.status == "done" else None,
    }


@bp.get("/exports/<int:export_id>")
@role_required(roles.STAFF)
def export_page(export_id: int):
    export = exports.export_for(export_id, current_user.id)
    return render_template(
        "jobs/export.html",
        export=export,
        name=EXPORT_NAMES[export.kind],
        unit=EXPORT_UNITS.get(export.kind, _l("行")),
        progress=progress(export),
    )


@bp.get("/exports/<int:export_id>.json")
@role_required(roles.STAFF)
def export_progress(export_id: int):
    return jsonify(progress(exports.export_for(export_id, current_user.id)))


@bp.get("/exports/<int:export_id>/download")
@role_required(roles.STAFF)
def download(export_id: int):
    export = exports.export_for(export_id, current_user.id)
    try:
        stream = exports.open_download(export, current_actor())
    except exports.ExportNotFound:
        flash(_("这个导出文件还没有生成好，或已超过保存期限被删除，请重新导出。"), "warning")
        return redirect(url_for("jobs.export_page", export_id=export.id))
    return send_file(
        stream, download_name=export.filename, as_attachment=True, mimetype=exports.kind(export.kind).mimetype
    )
