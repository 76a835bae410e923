"""County staff: build, confirm and pay producers' statements; reconcile attributed against paid
out; give accounts their part (producer accounts, village administrators)."""

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import current_actor, role_required
from app.clock import today
from app.domain import roles
from app.domain.transitions import ForbiddenTransition
from app.extensions import db
from app.forms import apply_form, choices
from app.settlement import assignments, bp, queries, statements
from app.settlement.forms import BuildStatementForm, PayStatementForm, ProducerAccountForm, VillageAdminForm
from app.settlement.refusals import SettlementError
from app.settlement.scope import scope_of


def _build_form() -> BuildStatementForm:
    form = BuildStatementForm()
    form.producer.choices = choices(queries.producer_options())
    return form


def _list_page(form: BuildStatementForm, status: int = 200):
    page = queries.statements(scope_of(current_user), request.args.get("page", 1, type=int))
    return render_template("settlement/staff_statements.html", page=page, form=form), status


@bp.get("/staff/settlement")
@role_required(roles.STAFF)
def staff_statements():
    return _list_page(_build_form())


@bp.post("/staff/settlement")
@role_required(roles.STAFF)
def staff_build_statement():
    form = _build_form()
    return apply_form(
        form,
        lambda: statements.build(form.producer.data, date.fromisoformat(f"{form.month.data}-01"), current_actor()),
        SettlementError,
        lambda s: _("对账单 %(number)s 已生成草稿，请核对后确认。", number=s.number),
        lambda s: url_for("settlement.staff_statement", statement_id=s.id),
        field=form.month,
    ) or _list_page(form, 400)


def _statement_page(statement_id: int, pay_form=None, status: int = 200):
    statement, lines = queries.statement_with_lines(
        statement_id, scope_of(current_user), current_app.config["PAYOUT_DUE_DAYS"]
    )
    return render_template(
        "settlement/statement.html",
        statement=statement,
        lines=lines,
        pay_form=pay_form or PayStatementForm(paid_on=today()),
        staff=True,
    ), status


@bp.get("/staff/settlement/statements/<int:statement_id>")
@role_required(roles.STAFF)
def staff_statement(statement_id: int):
    return _statement_page(statement_id)


@bp.post("/staff/settlement/statements/<int:statement_id>/<any(confirm, delete):action>")
@role_required(roles.STAFF)
def staff_statement_step(statement_id: int, action: str):
    statement = queries.statement_for(statement_id, scope_of(current_user))
    try:
        if action == "confirm":
            statements.confirm(statement, current_actor())
        else:
            statements.delete_draft(statement, current_actor())
    except (SettlementError, ForbiddenTransition) as exc:
        db.session.rollback()
        flash(str(exc) if isinstance(exc, SettlementError) else _("对账单已确认，不能重复确认。"), "danger")
        return redirect(url_for("settlement.staff_statement", statement_id=statement_id), 303)
    if action == "confirm":
        flash(_("对账单已确认：主体和村信息管理员现在可以登记到户发放。"), "success")
        return redirect(url_for("settlement.staff_statement", statement_id=statement_id), 303)
    flash(_("草稿已删除。"), "success")
    return redirect(url_for("settlement.staff_statements"), 303)


@bp.post("/staff/settlement/statements/<int:statement_id>/paid")
@role_required(roles.STAFF)
def staff_statement_paid(statement_id: int):
    statement = queries.statement_for(statement_id, scope_of(current_user))
    form = PayStatementForm()
    return apply_form(
        form,
        lambda: statements.mark_paid(statement, form.bank_reference.data, form.paid_on.data, current_actor()),
        SettlementError,
        _("已登记向主体转账。"),
        url_for("settlement.staff_statement", statement_id=statement_id),
    ) or _statement_page(statement_id, form, 400)


@bp.get("/staff/settlement/reconciliation")
@role_required(roles.STAFF)
def staff_reconciliation():
    level = request.args.get("level", "village")
    if level not in queries.LEVELS:
        level = "village"
    township_id = request.args.get("township", type=int)
    rows = queries.reconciliation(
        level, scope_of(current_user), current_app.config["PAYOUT_DUE_DAYS"], township_id=township_id
    )
    return render_template(
        "settlement/reconciliation.html",
        rows=rows,
        level=level,
        township_id=township_id,
        townships=queries.township_options(),
        due_days=current_app.config["PAYOUT_DUE_DAYS"],
    )


def _accounts_page(producer_form=None, village_form=None, status: int = 200):
    producer_form = producer_form or ProducerAccountForm(prefix="p")
    village_form = village_form or VillageAdminForm(prefix="v")
    producer_form.producer.choices = choices(queries.producer_options())
    village_form.village.choices = choices(queries.village_options())
    return render_template(
        "settlement/accounts.html",
        producer_form=producer_form,
        village_form=village_form,
        administrators=queries.administrators(),
        producer_accounts=queries.producer_accounts(),
    ), status


@bp.get("/staff/settlement/accounts")
@role_required(roles.STAFF)
def staff_accounts():
    return _accounts_page()


@bp.post("/staff/settlement/accounts/producer")
@role_required(roles.STAFF)
def staff_producer_account():
    form = ProducerAccountForm(prefix="p")
    form.producer.choices = choices(queries.producer_options())
    return apply_form(
        form,
        lambda: assignments.make_producer_account(form.email.data, form.producer.data, current_actor()),
        SettlementError,
        _("已设为主体账户。"),
        url_for("settlement.staff_accounts"),
        field=form.email,
    ) or _accounts_page(producer_form=form, status=400)


@bp.post("/staff/settlement/accounts/village")
@role_required(roles.STAFF)
def staff_village_admin():
    form = VillageAdminForm(prefix="v")
    form.village.choices = choices(queries.village_options())
    return apply_form(
        form,
        lambda: assignments.assign_village(form.email.data, form.village.data, current_actor()),
        SettlementError,
        _("已设为村信息管理员。"),
        url_for("settlement.staff_accounts"),
        field=form.email,
    ) or _accounts_page(village_form=form, status=400)


@bp.post("/staff/settlement/accounts/<int:user_id>/villages/<int:village_id>/remove")
@role_required(roles.STAFF)
def staff_unassign_village(user_id: int, village_id: int):
    assignments.unassign_village(user_id, village_id, current_actor())
    return redirect(url_for("settlement.staff_accounts"), 303)
