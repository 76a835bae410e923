"""Health, language and media routes, and the error pages every area shares."""
from flask import (
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
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


def _error_page(template: str, status: int):
    def handler(_error):
        if status >= 500:
            db.session.rollback()
        if request.path.startswith("/api/"):
            return jsonify(error=template), status
        return render_template(f"errors/{template}.html"), status

    return handler


def register_error_pages(app) -> None:
    for status, name in ((400, "400"), (403, "403"), (404, "404"), (413, "413"), (500, "500")):
        app.register_error_handler(status, _error_page(name, status))
