"""What all our forms share."""
from flask import flash, redirect

from app.extensions import db


def form_errors(form) -> str:
    """Every message of a form in one line, for a flash or a JSON answer after a failed submit."""
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


def apply_form(form, change, refusals, done: str, success_url: str, field=None):
    """Validate ``form`` and run ``change()``. On success flash ``done`` and answer a 303 to
    ``success_url``; when the service refuses (one of ``refusals``), roll back and show its
    reason on ``field`` (the form's first field by default). Returns None when the page must
    be shown again with the form's errors."""
    if not form.validate_on_submit():
        return None
    try:
        change()
    except refusals as exc:
        db.session.rollback()
        (field or next(iter(form._fields.values()))).errors.append(str(exc))
        return None
    flash(done, "success")
    return redirect(success_url), 303
