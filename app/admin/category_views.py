"""Staff page for the catalogue's categories: their English names for the English pages."""

from flask import render_template, url_for
from flask_babel import gettext as _

from app.accounts.access import current_actor, role_required
from app.admin import bp
from app.admin.forms import EnglishNameForm
from app.catalog import management
from app.catalog import queries as catalogue
from app.catalog.models import Category
from app.domain import roles
from app.extensions import db
from app.forms import apply_form


def _page(status: int = 200, form: EnglishNameForm | None = None, failed: int | None = None):
    listing = catalogue.categories()
    return render_template(
        "admin/categories.html", categories=listing, form=form or EnglishNameForm(), failed=failed
    ), status


@bp.get("/categories")
@role_required(roles.STAFF)
def categories():
    return _page()


@bp.post("/categories/<int:category_id>/english")
@role_required(roles.STAFF)
def category_english(category_id: int):
    category, form = db.get_or_404(Category, category_id), EnglishNameForm()
    return apply_form(
        form,
        lambda: management.name_in_english(category, {"name_en": form.name_en.data or ""}, current_actor()),
        management.CatalogueError,
        _("英文名称已保存。"),
        url_for("admin.categories"),
    ) or _page(400, form, category_id)
