"""Account pages: thin views over accounts.services."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import bp, services
from app.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from app.extensions import limiter
from app.security import rotate_session


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after login is a phishing tool.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("catalog.home")


def _login_failed(response) -> bool:
    return response.status_code == 400


def _account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()[:255]


def _address_key() -> str:
    return "login-address:" + (request.remote_addr or "")


def sign_in(user) -> None:
    """Sign in on a fresh session (see rotate_session)."""
    rotate_session()
    login_user(user)


# Five failed sign-ins per account and per address in a minute; the sixth gets 429. Only
# failures count, so a shared office address is not locked out by its colleagues' successes.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("5 per minute", key_func=_account_key, methods=["POST"], deduct_when=_login_failed)
@limiter.limit("5 per minute", key_func=_address_key, methods=["POST"], deduct_when=_login_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("catalog.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.AccountError as exc:
            form.password.errors.append(exc.message)
        else:
            sign_in(user)
            flash(_("欢迎回来，%(name)s。", name=user.name), "success")
            return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data,
                form.name.data,
                form.password.data,
                language=session.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"],
            )
        except services.AccountError as exc:
            form.email.errors.append(exc.message)
        else:
            sign_in(user)
            flash(_("注册成功，欢迎来到洞口消费扶贫商城。"), "success")
            # Back where signing in was asked for (checkout, a unit's page), as after a sign-in.
            return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.errors else 200
    return render_template("accounts/register.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    # The session lives in a signed cookie: a copy made before sign-out would still be valid, so
    # the account's session version moves on and every cookie carrying the old one stops working.
    services.end_sessions(current_user._get_current_object())
    logout_user()
    flash(_("您已退出登录，这个账号在所有设备上的登录都已结束。"), "info")
    return redirect(url_for("catalog.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except services.AccountError as exc:
            form.current.errors.append(exc.message)
        else:
            # The version bump ended every session, this one included; sign in again here.
            sign_in(current_user._get_current_object())
            flash(_("密码已修改，其他设备上的登录已失效。"), "success")
            return redirect(url_for("accounts.change_password"))
    status = 400 if form.errors else 200
    return render_template("accounts/change_password.html", form=form), status


@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(
            form.email.data,
            current_app.config["SECRET_KEY"],
            lambda token: url_for("accounts.reset_password", token=token, _external=True),
        )
        flash(_("如果该邮箱已注册，重设密码的链接已经发出，请查收。"), "info")
        return redirect(url_for("accounts.login"))
    status = 400 if form.errors else 200
    return render_template("accounts/forgot_password.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(
                token,
                form.password.data,
                current_app.config["SECRET_KEY"],
                current_app.config["PASSWORD_RESET_MAX_AGE"],
            )
        except services.AccountError as exc:
            flash(exc.message, "danger")
            return redirect(url_for("accounts.forgot_password"))
        flash(_("密码已重设，请用新密码登录。"), "success")
        return redirect(url_for("accounts.login"))
    status = 400 if form.errors else 200
    return render_template("accounts/reset_password.html", form=form), status


@bp.get("/")
@login_required
def profile():
    return render_template("accounts/profile.html")
