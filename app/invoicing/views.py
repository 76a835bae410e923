"""Invoice pages: a buyer's request on their order, a unit's on its contract, the download, and
the county office's list where invoices are issued or declined."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.access import current_actor, role_required
from app.bulk.access import my_intent
from app.domain import roles
from app.extensions import db
from app.forms import apply_form, form_errors
from app.invoicing import bp, queries, services
from app.invoicing.forms import DeclineForm, InvoiceForm, IssueForm
from app.invoicing.refusals import InvoiceError
from app.invoicing.words import KIND, STATUS
from app.orders import services as orders
from app.storage import send_stored


def _draft(form: InvoiceForm) -> services.InvoiceDraft:
    return services.InvoiceDraft(
        form.kind.data,
        form.title.data,
        form.taxpayer_id.data or "",
        form.address_phone.data or "",
        form.bank_account.data or "",
        form.email.data or "",
        for_a_company=form.holder.data == "company" or form.kind.data == "special",
    )


def _request_page(form: InvoiceForm, ask, here: str, back_url: str, subject: str, amount_fen: int, requests):
    """The invoice page of an order or a contract: on a POST, ``ask()`` the service and come back here."""
    if request.method == "POST":
        done = apply_form(form, ask, InvoiceError, _("发票申请已提交，开好后可在这里下载。"), here, field=form.title)
        if done:
            return done
    return render_template(
        "invoicing/request.html",
        back_url=back_url,
        subject=subject,
        amount_fen=amount_fen,
        requests=requests(),
        form=form,
        kinds=KIND,
        statuses=STATUS,
    ), 400 if form.errors else 200


@bp.route("/orders/<number>/invoice", methods=["GET", "POST"])
@login_required
def order_invoice(number: str):
    order = orders.get_order(number, current_user.id)
    form = InvoiceForm()
    if request.method == "GET":
        form.title.data = current_user.name
    return _request_page(
        form,
        lambda: services.request_for_order(order, current_user.id, _draft(form), current_actor()),
        url_for("invoicing.order_invoice", number=number),
        url_for("shop.order_page", number=number),
        _("订单 %(number)s", number=number),
        order.paid_fen - order.refunded_fen,
        lambda: queries.of_order(order.id),
    )


@bp.route("/units/<int:unit_id>/intents/<number>/invoice", methods=["GET", "POST"])
@login_required
def contract_invoice(unit_id: int, number: str):
    unit, intent = my_intent(unit_id, number)
    form = InvoiceForm()
    if request.method == "GET":
        form.title.data, form.taxpayer_id.data = unit.name, unit.credit_code
    return _request_page(
        form,
        lambda: services.request_for_contract(intent, current_user.id, _draft(form), current_actor()),
        url_for("invoicing.contract_invoice", unit_id=unit_id, number=number),
        url_for("bulk.intent", unit_id=unit_id, number=number),
        _("合同 %(number)s", number=number),
        queries.paid_on_contract(intent.id),
        lambda: queries.of_contract(intent.id),
    )


@bp.get("/invoices/<int:request_id>.pdf")
@login_required
def download(request_id: int):
    found = queries.issued_pdf(request_id, current_user)
    return send_stored("documents", found.pdf_key, "application/pdf", f"invoice-{found.invoice_number}.pdf")


@bp.get("/staff/invoices")
@role_required(roles.STAFF)
def staff_list():
    page = queries.for_staff(request.args.get("page", 1, type=int))
    return render_template(
        "invoicing/staff.html",
        page=page,
        references=queries.references(list(page.items)),
        kinds=KIND,
        statuses=STATUS,
        issue_form=IssueForm(),
        decline_form=DeclineForm(),
    )


@bp.post("/staff/invoices/<int:request_id>/<any(issue, decline):action>")
@role_required(roles.STAFF)
def staff_decide(request_id: int, action: str):
    form = IssueForm() if action == "issue" else DeclineForm()
    if not form.validate_on_submit():
        flash(form_errors(form), "danger")
        return redirect(url_for("invoicing.staff_list"), 303)
    try:
        if isinstance(form, IssueForm):
            services.issue(request_id, form.number.data, form.pdf.data.read(), current_actor())
            flash(_("已登记开票，买家可以下载了。"), "success")
        else:
            services.decline(request_id, form.reason.data, current_actor())
            flash(_("已告知买家不能开票的原因。"), "success")
    except InvoiceError as refusal:
        db.session.rollback()
        flash(refusal.message, "danger")
    return redirect(url_for("invoicing.staff_list"), 303)
