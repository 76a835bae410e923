"""Health, language and media routes, and the error pages every area shares."""

import mimetypes
import re

from flask import (
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from flask_wtf.form import SUBMIT_METHODS
from werkzeug.exceptions import NotFound

from app.accounts.services import set_language as set_user_language
from app.extensions import db
from app.refusals import Missing
from app.site import bp
from app.storage import StorageError, storage


@bp.post("/language")
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            set_user_language(current_user, lang)
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("catalog.home")
    return redirect(target)


@bp.get("/csrf-token")
def csrf_token():
    """A token for a form on a shared page (app.shared_pages), asked for when it is submitted."""
    response = jsonify(token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response


# A picture's name ends in a hash of its content (catalog.management.store_picture): a changed
# picture is a new name, so browsers and proxies may keep one for a year.
_HASHED = re.compile(r"-[0-9a-f]{16}\.jpg$")


@bp.get("/media/<path:filename>")
def media(filename: str):
    # Product photos are small: read them whole, so a client that hangs up mid-download
    # (a tablet losing Wi-Fi) never leaves an open file or bucket stream behind in the worker.
    try:
        with storage("media").open(filename) as picture:
            response = make_response(picture.read())
    except StorageError:
        abort(404)
    response.mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response.cache_control.public = True
    response.cache_control.max_age = 31536000 if _HASHED.search(filename) else 86400
    if _HASHED.search(filename):
        response.cache_control.immutable = True
    response.add_etag()
    return response.make_conditional(request)


ERRORS = {
    400: (_l("请求有误"), _l("提交的内容无法处理，请检查后重试。")),
    403: (_l("没有权限"), _l("您的账号无权访问这个页面。如需帮助，请联系县扶贫办。")),
    404: (_l("页面不存在"), _l("您要找的页面不存在或已下架。")),
    405: (_l("请求方式不对"), _l("这个地址不接受这种请求，请从页面上的按钮操作。")),
    413: (_l("文件太大"), _l("上传的文件超过了大小限制，请压缩后重试。")),
    429: (_l("尝试太频繁"), _l("短时间内失败的尝试太多。为保护您的账号，请一分钟后再试。")),
    500: (_l("出错了"), _l("服务器暂时出了问题，我们已经记录下来。请稍后再试。")),
}


def _error_page(status: int):
    title, message = ERRORS[status]

    def handler(error):
        if status >= 500:
            db.session.rollback()
        # A 405 says which methods the address takes (HTTP requires it; werkzeug knows them).
        headers = {"Allow": ", ".join(sorted(error.valid_methods))} if getattr(error, "valid_methods", None) else {}
        if request.path.startswith("/api/"):
            return jsonify(error=str(title), message=str(message)), status, headers
        return render_template("errors/error.html", code=status, title=title, message=message), status, headers

    return handler


def _csrf_failed(_error):
    # An expired or missing token is usually a page left open too long: say so plainly.
    return render_template(
        "errors/error.html",
        code=400,
        title=_l("页面已过期"),
        message=_l("页面停留太久或已在别处提交，请刷新页面后重试。"),
    ), 400


def refuse_nul_bytes():
    """No person types a NUL byte, and PostgreSQL refuses them in text: answer 400 up front
    instead of failing deep inside a query (or a file name)."""
    if "\x00" in request.path:
        abort(400)
    # Only a submit's body is read as a form (Flask-WTF reads none on a GET): parsing an empty
    # one for every page cost a twentieth of a signed-in page.
    sent = (request.args, request.form) if request.method in SUBMIT_METHODS else (request.args,)
    for values in sent:
        for value in values.values():
            if "\x00" in value:
                abort(400)


_INTEGER = re.compile(r"^\s*[-+]?\d+\s*$")


def refuse_numbers_out_of_range():
    """A page number, year or id in the address bigger than the database's integer is no
    request a person makes: 400 at once, before any query overflows on it."""
    for value in request.args.values():
        if len(value) > 9 and _INTEGER.match(value) and abs(int(value)) > 2**31 - 1:
            abort(400)


def register_error_pages(app) -> None:
    for status in ERRORS:
        app.register_error_handler(status, _error_page(status))
    app.register_error_handler(CSRFError, _csrf_failed)
    not_found = _error_page(404)
    app.register_error_handler(Missing, lambda _missing: not_found(NotFound()))
