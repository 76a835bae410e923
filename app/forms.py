"""What all our forms share."""

from functools import cache

from babel import support
from flask import flash, redirect
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from wtforms import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Email, Regexp

from app.extensions import db

# The validators most forms share, with their words in one place.
REQUIRED = DataRequired(message=_l("请填写此项。"))
EMAIL = Email(message=_l("请输入有效的邮箱地址，例如 name@example.com。"))
YUAN = Regexp(r"^\d{1,9}(\.\d{1,2})?$", message=_l("请输入金额，例如 79.60。"))


class _TokenWhenShown(_FlaskFormCSRF):
    """Flask-WTF's CSRF field, with the form's token signed only when the form is shown.

    A submitted form's token was checked by CSRFProtect before the view ran; signing a fresh
    one for every form built served only the forms shown again, and cost every form post
    about 0.3 M instructions (callgrind): 4 % of an order's two."""

    def generate_csrf_token(self, csrf_token_field):
        return LazyString(super().generate_csrf_token, csrf_token_field)


@cache
def _wtforms_catalogue(locale: str) -> support.NullTranslations:
    # Parsed from disk once per language and process: Flask-WTF alone parses it again for every
    # request that builds a form (about a millisecond).
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _WtformsMessages:
    """WTForms' own messages ("Not a valid integer value." and the like) in the request's
    language, looked up only when a form shows one. A before-request hook used to hand every
    request its catalogue, which cost each 0.1 M instructions (a signed-in form post: 2.8 M)."""

    def gettext(self, string: str) -> str:
        return _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


_WTFORMS_MESSAGES = _WtformsMessages()


class Form(FlaskForm):
    """What every form of the shop is built on."""

    class Meta:
        csrf_class = _TokenWhenShown

        def get_translations(self, form):
            return _WTFORMS_MESSAGES


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as a select's choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def form_errors(form) -> str:
    """Every message of a form in one line, for a flash or a JSON answer after a failed submit."""
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


def apply_form(form, change, refusals, done, success_url, field=None):
    """Validate ``form`` and run ``change()``. On success flash ``done`` and answer a 303 to
    ``success_url`` (either may be a function of what ``change()`` returned); when the service
    refuses (one of ``refusals``), roll back and show its reason on ``field`` (the form's first
    field by default). Returns None when the page must be shown again with the form's errors."""
    if not form.validate_on_submit():
        return None
    try:
        made = change()
    except refusals as exc:
        db.session.rollback()
        (field or next(iter(form._fields.values()))).errors.append(str(exc))
        return None
    flash(done(made) if callable(done) else done, "success")
    return redirect(success_url(made) if callable(success_url) else success_url), 303
