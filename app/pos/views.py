"""Booth pages: the tablet app and its service worker, pairing, the public receipt, the close-out."""

from datetime import date

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import current_actor, role_required
from app.clock import today
from app.domain import roles
from app.domain.money import parse_yuan
from app.extensions import db
from app.forms import form_errors
from app.impact.queries import order_impact
from app.pos import bp
from app.pos.closeout import AlreadyClosed, close_booth_day
from app.pos.devices import booth_by_code, issue_device_token
from app.pos.forms import CloseDayForm, PairForm
from app.pos.models import Booth
from app.pos.queries import booths_for_clerk, day_summary, is_clerk_of, sale_with_order

BOOTH_ROLES = (roles.CLERK, roles.STAFF)


def _booth_for_current_user(code: str) -> Booth:
    """The booth, if the signed-in clerk works there (staff see every booth); 404 otherwise,
    so a clerk cannot even learn which other booth codes exist."""
    booth = booth_by_code(code)
    if not current_user.has_role(roles.STAFF) and not is_clerk_of(booth, current_user.id):
        abort(404)
    return booth


@bp.get("/pos/")
@role_required(*BOOTH_ROLES)
def app_shell():
    booths = booths_for_clerk(current_user.id, include_all=current_user.has_role(roles.STAFF))
    return render_template("pos/app.html", booths=booths, pair_form=PairForm())


@bp.get("/pos/sw.js")
def service_worker():
    # Served from /pos/ so its scope is the booth app and nothing else of the shop.
    response = send_from_directory(str(current_app.static_folder), "pos/sw.js", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/pos/manifest.webmanifest")
def manifest():
    return (
        jsonify(
            {
                "name": "洞口消费扶贫 · 展位收银",
                "short_name": "展位收银",
                "lang": "zh-CN",
                "start_url": url_for("pos.app_shell"),
                "scope": url_for("pos.app_shell"),
                "display": "standalone",
                "orientation": "landscape",
                "background_color": "#fff8f0",
                "theme_color": "#c2410c",
                "icons": [
                    {"src": url_for("static", filename="pos/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                    {"src": url_for("static", filename="pos/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                ],
            }
        ),
        200,
        {"Content-Type": "application/manifest+json"},
    )


@bp.post("/pos/pair")
@role_required(*BOOTH_ROLES)
def pair():
    """Pair this tablet with one of the clerk's booths; the token goes back once, to the app."""
    form = PairForm()
    if not form.validate_on_submit():
        return jsonify(error="bad_form", message=form_errors(form)), 400
    booth = _booth_for_current_user(form.booth.data)
    _device, token = issue_device_token(booth.code, form.label.data or f"{current_user.name} 的平板", current_actor())
    return jsonify(token=token, booth=booth.code)


@bp.get("/receipt/<uuid>")
def receipt_page(uuid: str):
    sale = sale_with_order(uuid.lower())
    if sale is None:
        abort(404)
    return render_template("pos/receipt.html", sale=sale, order=sale.order, impact=order_impact(sale.order))


@bp.route("/pos/booths/<code>/close", methods=["GET", "POST"])
@role_required(*BOOTH_ROLES)
def close_day(code: str):
    booth = _booth_for_current_user(code)
    try:
        day = date.fromisoformat(request.args.get("day", "")) if request.args.get("day") else today()
    except ValueError:
        abort(400)
    form = CloseDayForm()
    if form.validate_on_submit():
        try:
            closing = close_booth_day(booth, day, parse_yuan(form.counted.data), form.note.data or "", current_actor())
        except AlreadyClosed:
            db.session.rollback()
            flash(_("这一天已经日结过了，不能重复日结。"), "warning")
        else:
            flash(
                _(
                    "日结已保存：长短款 %(amount)s。",
                    amount=current_app.jinja_env.filters["fen"](closing.over_short_fen),
                ),
                "success",
            )
        return redirect(url_for("pos.close_day", code=booth.code, day=day.isoformat()))
    return render_template("pos/close.html", booth=booth, day=day, summary=day_summary(booth, day), form=form)
