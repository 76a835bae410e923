"""The buyer's address book, and the national division lists its picker reads."""

from flask import flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import regions
from app.forms import apply_form
from app.shop import addresses, bp
from app.shop.forms import AddressForm, ConfirmForm
from app.shop.refusals import CartError


def _page(form: AddressForm, status: int = 200):
    form.fill_region_choices()
    return render_template(
        "shop/addresses.html", form=form, saved=addresses.addresses_of(current_user.id), action_form=ConfirmForm()
    ), status


@bp.get("/account/addresses")
@login_required
def address_book():
    form = AddressForm()
    form.recipient.data = current_user.name
    return _page(form)


@bp.post("/account/addresses")
@login_required
def add_address():
    form = AddressForm()
    form.fill_region_choices()
    return apply_form(
        form,
        lambda: addresses.add_address(
            current_user.id,
            addresses.AddressDraft(
                form.recipient.data,
                form.mobile.data,
                form.province.data,
                form.city.data,
                form.county.data,
                form.street.data,
            ),
            make_default=form.make_default.data,
        ),
        CartError,
        _("地址已保存。"),
        url_for("shop.address_book"),
        field=form.county,
    ) or _page(form, 400)


@bp.post("/account/addresses/<int:address_id>/<any(default, delete):action>")
@login_required
def change_address(address_id: int, action: str):
    if action == "default":
        addresses.set_default(current_user.id, address_id)
        flash(_("已设为默认地址。"), "success")
    else:
        addresses.remove(current_user.id, address_id)
        flash(_("地址已删除。"), "success")
    return redirect(url_for("shop.address_book"), 303)


@bp.get("/regions/<code>.json")
def region_children(code: str):
    """A province's cities or a city's counties ("0": the provinces). The list changes only with
    a new release of the codes, so browsers and proxies keep it for a day."""
    found = regions.provinces() if code == "0" else regions.children(code)
    answer = jsonify([{"code": c, "name": n} for c, n in found])
    answer.cache_control.public = True
    answer.cache_control.max_age = 86400
    return answer
