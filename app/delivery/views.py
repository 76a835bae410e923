"""Staff pages: a producer's delivery rules."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.access import current_actor, role_required
from app.delivery import bp, management, queries
from app.delivery.forms import RuleForm
from app.delivery.refusals import DeliveryError
from app.domain import roles
from app.domain.delivery_fees import EVERYWHERE, Rule
from app.domain.money import parse_yuan
from app.forms import apply_form, choices
from app.regions import provinces
from app.registry.queries import producer_by_id

ELSEWHERE = _l("其他地区（未单列的省份）")


def _form() -> RuleForm:
    form = RuleForm()
    form.region.choices = choices([(EVERYWHERE, str(ELSEWHERE)), *provinces()])
    return form


def _page(producer_id: int, form: RuleForm, status: int = 200):
    producer = producer_by_id(producer_id)
    names = {EVERYWHERE: str(ELSEWHERE), **dict(provinces())}
    return render_template(
        "delivery/rules.html", producer=producer, rules=queries.rules_of(producer_id), names=names, form=form
    ), status


@bp.get("/staff/producers/<int:producer_id>/delivery")
@role_required(roles.STAFF)
def rules(producer_id: int):
    return _page(producer_id, _form())


@bp.post("/staff/producers/<int:producer_id>/delivery")
@role_required(roles.STAFF)
def set_rule(producer_id: int):
    form = _form()
    return apply_form(
        form,
        lambda: management.set_rule(
            producer_id,
            form.region.data,
            Rule(
                served=form.served.data,
                basis=form.basis.data,
                first_units=form.first_units.data,
                first_fee_fen=parse_yuan(form.first_fee.data),
                extra_units=form.extra_units.data,
                extra_fee_fen=parse_yuan(form.extra_fee.data),
                free_over_fen=parse_yuan(form.free_over.data) if form.free_over.data else None,
            ),
            current_actor(),
        ),
        DeliveryError,
        _("运费规则已保存。"),
        url_for("delivery.rules", producer_id=producer_id),
    ) or _page(producer_id, form, 400)


@bp.post("/staff/producers/<int:producer_id>/delivery/<int:rule_id>/delete")
@role_required(roles.STAFF)
def remove_rule(producer_id: int, rule_id: int):
    management.remove_rule(producer_id, rule_id, current_actor())
    return redirect(url_for("delivery.rules", producer_id=producer_id), 303)
