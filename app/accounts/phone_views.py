"""Signing in with a mobile number and a texted code. Asking for codes is limited per number
(one a minute, five an hour) and per address (twenty an hour), so the page can be neither used
to flood a number with texts nor to run up the county's SMS bill; guessing is limited per code."""

from flask import flash, redirect, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import bp, phone
from app.accounts.forms import PhoneCodeForm, PhoneSignInForm
from app.accounts.refusals import AccountError
from app.accounts.views import _safe_next, sign_in
from app.extensions import limiter


def _number_key() -> str:
    return "sms-code-number:" + (request.form.get("mobile") or "").strip()[:20]


def _address_key() -> str:
    return "sms-code-address:" + (request.remote_addr or "")


def _page(code_form: PhoneCodeForm, sign_in_form: PhoneSignInForm, status: int = 200):
    return render_template("accounts/phone_login.html", code_form=code_form, form=sign_in_form), status


@bp.get("/login/phone")
def phone_login():
    if current_user.is_authenticated:
        return redirect(_safe_next(None))
    return _page(PhoneCodeForm(), PhoneSignInForm())


@bp.post("/login/phone/code")
@limiter.limit("1 per minute;5 per hour", key_func=_number_key)
@limiter.limit("20 per hour", key_func=_address_key)
def phone_code():
    code_form = PhoneCodeForm()
    form = PhoneSignInForm(mobile=code_form.mobile.data)
    if not code_form.validate_on_submit():
        return _page(code_form, form, 400)
    try:
        phone.send_code(code_form.mobile.data, session.get("lang"))
    except AccountError as refusal:
        code_form.mobile.errors.append(refusal.message)
        return _page(code_form, form, 400)
    flash(_("验证码已发送到 %(mobile)s，5 分钟内有效。", mobile=code_form.mobile.data), "info")
    return _page(code_form, form)


@bp.post("/login/phone")
@limiter.limit("10 per 10 minutes", key_func=_number_key)
def phone_sign_in():
    form = PhoneSignInForm()
    code_form = PhoneCodeForm(mobile=form.mobile.data)
    if not form.validate_on_submit():
        return _page(code_form, form, 400)
    try:
        user = phone.sign_in_with_code(form.mobile.data, form.code.data)
    except AccountError as refusal:
        form.code.errors.append(refusal.message)
        return _page(code_form, form, 400)
    sign_in(user)
    flash(_("欢迎回来，%(name)s。", name=user.name), "success")
    return redirect(_safe_next(request.args.get("next")))
