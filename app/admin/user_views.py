"""Staff pages for user accounts: invitations, roles, disabling."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts import administration
from app.accounts.access import current_actor, role_required
from app.accounts.models import User
from app.accounts.services import AccountError
from app.admin import bp
from app.admin.forms import (
    ROLE_LABELS,
    InviteForm,
    RoleForm,
)
from app.domain import roles
from app.extensions import db
from app.forms import form_errors


@bp.route("/users", methods=["GET", "POST"])
@role_required(roles.STAFF)
def users():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = administration.invite(
                form.email.data,
                form.name.data,
                form.role.data,
                current_app.config["SECRET_KEY"],
                lambda token: url_for("accounts.reset_password", token=token, _external=True),
                current_actor(),
            )
        except AccountError as exc:
            db.session.rollback()
            form.email.errors.append(exc.message)
        else:
            flash(_("已邀请 %(email)s：设置密码的链接已发到这个邮箱。", email=user.email), "success")
            return redirect(url_for("admin.users")), 303
    page = administration.users_page(
        request.args.get("q", "")[:60] or None, max(request.args.get("page", 1, type=int), 1)
    )
    return render_template(
        "admin/users.html", page=page, form=form, role_form=RoleForm(), roles=ROLE_LABELS
    ), 400 if form.errors else 200


@bp.post("/users/<int:user_id>/<any(role, disable, enable):action>")
@role_required(roles.STAFF)
def user_action(user_id: int, action: str):
    user, form = db.get_or_404(User, user_id), RoleForm()
    if not form.validate_on_submit() and action == "role":
        flash(form_errors(form), "danger")
        return redirect(url_for("admin.users")), 303
    try:
        if action == "role":
            administration.set_role(user, form.role.data, current_actor())
        else:
            administration.set_active(user, action == "enable", current_actor())
    except AccountError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        flash(_("账号已更新。"), "success")
    return redirect(url_for("admin.users")), 303
