"""Staff pages for producers and the benefit rules that tie them to registered households, and
the household registry export."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.access import current_actor, role_required
from app.admin import bp
from app.admin.forms import (
    EndLinkForm,
    LinkForm,
    WeightForm,
)
from app.clock import today
from app.domain import roles
from app.forms import apply_form
from app.impact.queries import producer_overview
from app.jobs.web import start as start_export
from app.registry import management as links
from app.registry import queries as registry
from app.registry.models import BenefitLink
from app.registry.queries import producers_page


@bp.get("/producers")
@role_required(roles.STAFF)
def producers():
    page = producers_page(request.args.get("q", "")[:40] or None, max(request.args.get("page", 1, type=int), 1))
    return render_template("admin/producers.html", page=page)


def _producer_page(producer_id: int, status: int = 200, **forms):
    overview = producer_overview(producer_id)
    if overview is None:
        abort(404)
    forms = {
        "link_form": LinkForm(valid_from=today()),
        "weight_form": WeightForm(from_date=today()),
        "end_form": EndLinkForm(last_day=today()),
        **forms,
    }
    return render_template("admin/producer.html", today=today(), **overview, **forms), status


@bp.get("/producers/<int:producer_id>")
@role_required(roles.STAFF)
def producer(producer_id: int):
    return _producer_page(producer_id)


def _link_change(producer_id: int, form, form_name: str, change, done: str):
    return apply_form(
        form, change, links.LinkError, done, url_for("admin.producer", producer_id=producer_id)
    ) or _producer_page(producer_id, 400, **{form_name: form})


@bp.post("/producers/<int:producer_id>/links")
@role_required(roles.STAFF)
def producer_link(producer_id: int):
    overview = producer_overview(producer_id) or abort(404)
    form = LinkForm()
    return _link_change(
        producer_id,
        form,
        "link_form",
        lambda: links.add_link(
            overview["producer"],
            form.registration_no.data,
            form.weight.data,
            form.valid_from.data,
            today(),
            current_actor(),
        ),
        _("带贫关系已添加。"),
    )


def _link_or_404(producer_id: int, link_id: int) -> BenefitLink:
    return registry.producer_link(producer_id, link_id) or abort(404)


@bp.post("/producers/<int:producer_id>/links/<int:link_id>/weight")
@role_required(roles.STAFF)
def producer_link_weight(producer_id: int, link_id: int):
    link, form = _link_or_404(producer_id, link_id), WeightForm()
    return _link_change(
        producer_id,
        form,
        "weight_form",
        lambda: links.change_weight(link, form.weight.data, form.from_date.data, today(), current_actor()),
        _("新权重已生效，过去的销售按原规则不变。"),
    )


@bp.post("/producers/<int:producer_id>/links/<int:link_id>/end")
@role_required(roles.STAFF)
def producer_link_end(producer_id: int, link_id: int):
    link, form = _link_or_404(producer_id, link_id), EndLinkForm()
    return _link_change(
        producer_id,
        form,
        "end_form",
        lambda: links.end_link(link, form.last_day.data, today(), current_actor()),
        _("带贫关系已结束。"),
    )


@bp.post("/households/export.xlsx")
@role_required(roles.STAFF)
def households_export():
    # Personal data leaving the system: each download of the file is audited.
    return start_export("households_xlsx", {})
