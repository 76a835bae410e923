"""Staff pages for the household registry: list, audited detail, spreadsheet import; and the audit log."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.access import current_actor, role_required
from app.admin import bp
from app.admin.forms import ConfirmImportForm, HouseholdImportForm
from app.audit import labels as audit_labels
from app.audit.services import search
from app.domain import roles
from app.registry import services
from app.registry.queries import households_page
from app.spreadsheets import ImportFileError


@bp.get("/households")
@role_required(roles.STAFF)
def households():
    page = households_page(request.args.get("q", "")[:40] or None, max(request.args.get("page", 1, type=int), 1))
    return render_template("admin/households.html", page=page)


@bp.get("/households/<int:household_id>")
@role_required(roles.STAFF)
def household(household_id: int):
    found = services.household_with_personal_data(household_id, current_actor())
    if found is None:
        abort(404)
    return render_template("admin/household.html", household=found)


@bp.route("/households/import", methods=["GET", "POST"])
@role_required(roles.STAFF)
def import_households():
    form = HouseholdImportForm()
    if not form.validate_on_submit():
        return render_template("admin/import.html", form=form, preview=None), 400 if form.errors else 200
    upload = form.file.data
    try:
        token, preview = services.stage_import(upload.filename, upload.read())
    except ImportFileError as exc:
        form.file.errors.append(str(exc))
        return render_template("admin/import.html", form=form, preview=None), 400
    status = 200 if preview.valid else 400
    return render_template(
        "admin/import.html", form=form, preview=preview, confirm=ConfirmImportForm(token=token)
    ), status


@bp.post("/households/import/confirm")
@role_required(roles.STAFF)
def confirm_import():
    form = ConfirmImportForm()
    if not form.validate():
        abort(400)
    try:
        result = services.confirm_import(form.token.data, current_actor())
    except ImportFileError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("admin.import_households")), 303
    flash(
        _(
            "导入完成：新增 %(c)s 户，更新 %(u)s 户，未变 %(n)s 户。",
            c=result.creates,
            u=result.updates,
            n=result.unchanged,
        ),
        "success",
    )
    return redirect(url_for("admin.households")), 303


@bp.get("/audit")
@role_required(roles.STAFF)
def audit_log():
    page = search(request.args.get("q", "")[:60] or None, max(request.args.get("page", 1, type=int), 1))
    return render_template(
        "admin/audit.html",
        page=page,
        action_labels=audit_labels.ACTIONS,
        field_labels=audit_labels.FIELDS,
        fields_of=audit_labels.fields_of,
    )
