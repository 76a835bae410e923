"""Health, language and media routes, and the error pages every area shares."""
from flask import (
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import text

from app.extensions import db
from app.site import bp


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means "not ready" to the load balancer
        db.session.rollback()
        current_app.logger.exception("health check: database unreachable")
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.post("/language")
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("catalog.home")
    return redirect(target)


@bp.get("/media/<path:filename>")
def media(filename: str):
    response = send_from_directory(current_app.config["MEDIA_ROOT"], filename, max_age=86400)
    return response


ERRORS = {
    400: (_l("请求有误"), _l("提交的内容无法处理，请检查后重试。")),
    403: (_l("没有权限"), _l("您的账号无权访问这个页面。如需帮助，请联系县扶贫办。")),
    404: (_l("页面不存在"), _l("您要找的页面不存在或已下架。")),
    405: (_l("请求方式不对"), _l("这个地址不接受这种请求，请从页面上的按钮操作。")),
    413: (_l("文件太大"), _l("上传的文件超过了大小限制，请压缩后重试。")),
    500: (_l("出错了"), _l("服务器暂时出了问题，我们已经记录下来。请稍后再试。")),
}


def _error_page(status: int):
    title, message = ERRORS[status]

    def handler(_error):
        if status >= 500:
            db.session.rollback()
        if request.path.startswith("/api/"):
            return jsonify(error=str(title), message=str(message)), status
        return render_template("errors/error.html", code=status, title=title, message=message), status

    return handler


def _csrf_failed(_error):
    # An expired or missing token is usually a page left open too long: say so plainly.
    return render_template("errors/error.html", code=400, title=_l("页面已过期"),
                           message=_l("页面停留太久或已在别处提交，请刷新页面后重试。")), 400


def refuse_nul_bytes():
    """No person types a NUL byte, and PostgreSQL refuses them in text: answer 400 up front
    instead of failing deep inside a query."""
    for values in (request.args, request.form):
        for value in values.values():
            if "\x00" in value:
                abort(400)


def register_error_pages(app) -> None:
    for status in ERRORS:
        app.register_error_handler(status, _error_page(status))
    app.register_error_handler(CSRFError, _csrf_failed)
