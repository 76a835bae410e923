"""Staff pages for fairs: events and their live board (a booth's own pages are in booth_views)."""

from flask import abort, jsonify, render_template, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from app.accounts.access import current_actor, role_required
from app.admin import bp
from app.admin.forms import (
    EVENT_KIND_LABELS,
    BoothForm,
    EventForm,
)
from app.domain import roles
from app.domain.money import parse_yuan
from app.events.queries import event_by_code, events_newest_first
from app.forms import apply_form
from app.pos import management
from app.pos.queries import event_board, event_booths
from app.registry.queries import all_townships


@bp.route("/events", methods=["GET", "POST"])
@role_required(roles.STAFF)
def events():
    form = EventForm()
    done = apply_form(
        form,
        lambda: management.create_event(
            management.EventDraft(
                form.code.data,
                form.name.data,
                form.kind.data,
                form.starts_on.data,
                form.ends_on.data,
                form.venue.data or "",
            ),
            current_actor(),
        ),
        management.SetupError,
        _("活动已创建，现在可以为它开设展位。"),
        lambda event: url_for("admin.event_detail", code=event.code),
    )
    if done:
        return done
    listing = events_newest_first()
    return render_template(
        "admin/events.html", events=listing, form=form, kinds=EVENT_KIND_LABELS
    ), 400 if form.errors else 200


@bp.route("/events/<code>", methods=["GET", "POST"])
@role_required(roles.STAFF)
def event_detail(code: str):
    event = event_by_code(code) or abort(404)
    form = BoothForm()
    form.township.choices = [SelectChoice(t.id, t.name) for t in all_townships()]
    done = apply_form(
        form,
        lambda: management.create_booth(
            event,
            form.township.data,
            parse_yuan(form.opening_float.data),
            form.merchant_name.data or "",
            current_actor(),
        ),
        management.SetupError,
        _("展位已开设：请分配商品、添加店员并为平板签发令牌。"),
        lambda booth: url_for("admin.booth_detail", code=booth.code),
        field=form.township,
    )
    if done:
        return done
    return render_template(
        "admin/event.html", event=event, booths=event_booths(event.id), form=form, kinds=EVENT_KIND_LABELS
    ), 400 if form.errors else 200


@bp.get("/events/<code>/board")
@role_required(roles.STAFF)
def event_live_board(code: str):
    event = event_by_code(code) or abort(404)
    return render_template("admin/event_board.html", event=event, board=event_board(event.id))


@bp.get("/events/<code>/board.json")
@role_required(roles.STAFF)
def event_live_board_data(code: str):
    event = event_by_code(code) or abort(404)
    return jsonify(event_board(event.id))
