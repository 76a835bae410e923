"""One page per statement line, shared by everyone who may pay the household: staff, the
producer's account and the village administrator. Recording, confirming and reversing payouts
all answer back to it."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.access import current_actor
from app.clock import today
from app.domain.money import parse_yuan
from app.extensions import db
from app.forms import apply_form, form_errors
from app.printing import printed
from app.settlement import bp, documents, payouts, queries
from app.settlement.forms import ConfirmReceiptForm, PayoutForm, ReverseForm
from app.settlement.refusals import SettlementError
from app.settlement.scope import scope_of
from app.storage import send_stored


def _line_page(line_id: int, form: PayoutForm | None = None, status: int = 200):
    scope = scope_of(current_user)
    view = queries.line_view(line_id, scope, current_app.config["PAYOUT_DUE_DAYS"])
    if form is None:
        form = PayoutForm(paid_on=today())
        form.amount.data = f"{max(view.balance.outstanding_fen, 0) / 100:.2f}"
    return render_template(
        "settlement/line.html",
        view=view,
        form=form,
        confirm_form=ConfirmReceiptForm(confirmed_on=today()),
        reverse_form=ReverseForm(),
    ), status


@bp.get("/settlement/lines/<int:line_id>")
@login_required
def line_page(line_id: int):
    return _line_page(line_id)


@bp.post("/settlement/lines/<int:line_id>/payouts")
@login_required
def record_payout(line_id: int):
    form = PayoutForm()
    return apply_form(
        form,
        lambda: payouts.record_payout(
            line_id,
            payouts.PayoutDraft(
                amount_fen=parse_yuan(form.amount.data),
                paid_on=form.paid_on.data,
                method=form.method.data,
                reference=form.reference.data or "",
                receipt=form.receipt.data.read() if form.receipt.data else None,
            ),
            scope_of(current_user),
            current_actor(),
        ),
        SettlementError,
        lambda p: _("已登记发放 %(amount)s。", amount=f"¥{p.amount_fen / 100:.2f}"),
        url_for("settlement.line_page", line_id=line_id),
        field=form.amount,
    ) or _line_page(line_id, form, 400)


@bp.post("/settlement/payouts/<int:payout_id>/<any(confirm, reverse):action>")
@login_required
def payout_step(payout_id: int, action: str):
    scope = scope_of(current_user)
    form = ConfirmReceiptForm() if action == "confirm" else ReverseForm()
    if not form.validate_on_submit():
        flash(form_errors(form), "danger")
    else:
        try:
            if action == "confirm":
                payouts.confirm_receipt(payout_id, form.confirmed_on.data, scope, current_actor())
                flash(_("已记下农户确认收到。"), "success")
            else:
                payouts.reverse_payout(payout_id, form.reason.data, scope, current_actor())
                flash(_("已冲销这笔发放：金额重新计入未发。"), "success")
        except SettlementError as refusal:
            db.session.rollback()
            flash(refusal.message, "danger")
    return redirect(url_for("settlement.line_page", line_id=queries.payout_line(payout_id, scope)), 303)


@bp.get("/settlement/payouts/<int:payout_id>/receipt")
@login_required
def payout_receipt(payout_id: int):
    key = queries.receipt_key(payout_id, scope_of(current_user))
    return send_stored("documents", key, "image/jpeg")


@bp.get("/settlement/statements/<int:statement_id>.pdf")
@login_required
def statement_pdf(statement_id: int):
    statement, lines = queries.statement_with_lines(
        statement_id, scope_of(current_user), current_app.config["PAYOUT_DUE_DAYS"]
    )
    return printed(documents.statement_html(statement, lines), f"{statement.number}.pdf")
