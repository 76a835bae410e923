"""What other areas' staff pages need to start an export job (kept apart from the jobs page,
whose imports reach every area)."""

from flask import abort, redirect, url_for

from app.accounts.access import current_actor
from app.forms import Form
from app.jobs import exports


def start(kind: str, params: dict):
    """Start an export from a staff page's POST and show its progress (used by other areas' views)."""
    if not Form().validate_on_submit():
        abort(400)
    export = exports.start_export(kind, params, current_actor())
    return redirect(url_for("jobs.export_page", export_id=export.id), 303)
