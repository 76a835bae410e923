"""Report pages for county staff, exports, and the public impact page and venue board."""

from flask import abort, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from app.accounts.access import role_required
from app.domain import roles
from app.events.models import Event
from app.events.queries import event_by_code, events_newest_first
from app.impact import bp, reports
from app.impact.forms import ReportFilterForm
from app.jobs.web import start as start_export
from app.registry.queries import all_townships
from app.replica import reading_from_replica, replica_as_of
from app.settlement.queries import paid_out_total
from app.shared_pages import shared_page

DIMENSION_LABELS = {
    "township": _l("乡镇"),
    "village": _l("村"),
    "household": _l("贫困户"),
    "producer": _l("生产者"),
    "product": _l("商品"),
    "channel": _l("渠道"),
    "event": _l("活动"),
    "month": _l("月份"),
    "booth": _l("展位"),
    "unit": _l("帮扶单位"),
    "lot": _l("生产批次"),
}


def _events() -> list[Event]:
    return events_newest_first()


def _filter_form() -> ReportFilterForm:
    form = ReportFilterForm(request.args)
    form.dimension.choices = [SelectChoice(k, v) for k, v in DIMENSION_LABELS.items()]
    form.township.choices = [SelectChoice("", _("全部乡镇"))] + [
        SelectChoice(str(t.id), t.name) for t in all_townships()
    ]
    form.event.choices = [SelectChoice("", _("全部活动"))] + [SelectChoice(str(e.id), e.name) for e in _events()]
    return form


def _filters(form: ReportFilterForm) -> reports.ReportFilters:
    return reports.ReportFilters(
        start=form.start.data,
        end=form.end.data,
        township_id=int(form.township.data) if form.township.data else None,
        channel=form.channel.data or None,
        event_id=int(form.event.data) if form.event.data else None,
    )


@bp.get("/staff/reports")
@role_required(roles.STAFF)
def staff_reports():
    form = _filter_form()
    if request.args and not form.validate():
        return render_template("impact/reports.html", form=form, report=None, events=_events()), 400
    with reading_from_replica():
        report = reports.build_report(form.dimension.data or "township", _filters(form), staff=True)
        monthly = reports.sales_by("month", _filters(form))
        warnings = reports.uncertified_event_warnings(report.filters)
        fees = reports.delivery_fees(report.filters)
    return render_template(
        "impact/reports.html",
        form=form,
        report=report,
        monthly=monthly,
        events=_events(),
        dimension_label=DIMENSION_LABELS[report.dimension],
        warnings=warnings,
        fees=fees,
        replica_as_of=replica_as_of(),
    )


@bp.post("/staff/reports/export.<any(csv, xlsx):fmt>")
@role_required(roles.STAFF)
def export(fmt: str):
    """Start the ledger export with the page's filters (in the query string) as a job."""
    form = _filter_form()
    if not form.validate():
        abort(400)
    return start_export(f"ledger_{fmt}", _filters(form).as_query())


@bp.get("/staff/reports/events/<code>")
@role_required(roles.STAFF)
def event_report(code: str):
    event = event_by_code(code)
    if event is None:
        abort(404)
    filters = reports.ReportFilters(event_id=event.id)
    with reading_from_replica():
        by_township, by_village = reports.build_reports(("township", "village"), filters, staff=True)
        warnings = reports.uncertified_event_warnings(filters)
    return render_template(
        "impact/event.html",
        event=event,
        report=by_township,
        by_village=by_village,
        filters=filters,
        warnings=warnings,
        replica_as_of=replica_as_of(),
    )


def _public_figures(event: Event | None) -> dict:
    filters = reports.ReportFilters(event_id=event.id if event else None)
    by_township = reports.build_report("township", filters)
    total = by_township.total
    return {
        "event": event.name if event else None,
        "sales_fen": total.sales_fen,
        "attributed_fen": total.attributed_fen,
        # Payouts are not made per event: what reached households is a county-wide figure.
        "paid_out_fen": None if event else paid_out_total(),
        "households": total.households,
        "people": total.people,
        "villages": total.villages,
        "household_times": total.household_times,
        "townships": [
            {"label": r.label, "sales_fen": r.sales_fen, "households": r.households} for r in by_township.rows
        ],
        "months": [{"label": p.label, "sales_fen": p.sales_fen} for p in reports.sales_by("month", filters)],
        "channels": [{"label": p.label, "sales_fen": p.sales_fen} for p in reports.sales_by("channel", filters)],
    }


def _event_from_args() -> Event | None:
    code = request.args.get("event")
    if not code:
        return None
    event = event_by_code(code)
    if event is None:
        abort(404)
    return event


@bp.get("/impact")
@shared_page
def public_impact():
    event = _event_from_args()
    return render_template("impact/public.html", figures=_public_figures(event), events=_events(), event=event)


@bp.get("/impact/board")
@shared_page
def board():
    event = _event_from_args()
    return render_template("impact/board.html", figures=_public_figures(event), event=event)


@bp.get("/impact/data.json")
# Every venue board asks for it every 30 s, anyone may, and it costs the roll-ups' whole history
# (0.12 s of a worker on the county's data): kept like the pages, as fresh as they are.
@shared_page
def public_data():
    return jsonify(_public_figures(_event_from_args()))
