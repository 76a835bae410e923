"""A supporting unit's own pages: registering, its dashboard, pledge and members, and the public
leaderboard (its contracts are in intent_views)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.access import current_actor
from app.bulk import bp, queries, services
from app.bulk.access import my_unit
from app.bulk.forms import (
    MEMBER_ROLE_LABELS,
    UNIT_KIND_LABELS,
    MemberForm,
    PledgeForm,
    UnitForm,
)
from app.clock import today
from app.domain.money import parse_yuan
from app.extensions import db
from app.forms import apply_form, form_errors
from app.invoicing.queries import invoiced_and_paid
from app.shared_pages import shared_page


@bp.route("/units/register", methods=["GET", "POST"])
@login_required
def register():
    member = queries.membership(current_user.id)
    if member is not None:
        return redirect(url_for("bulk.dashboard", unit_id=member.unit_id))
    form = UnitForm()
    done = apply_form(
        form,
        lambda: services.register_unit(
            services.UnitDraft(
                form.name.data,
                form.kind.data,
                form.credit_code.data,
                form.contact_name.data,
                form.contact_phone.data,
                form.address.data,
            ),
            current_user.id,
            current_actor(),
        ),
        services.UnitError,
        _("单位已登记，县扶贫办审核后即可签订购销意向合同。"),
        lambda unit: url_for("bulk.dashboard", unit_id=unit.id),
        field=form.credit_code,
    )
    if done:
        return done
    return render_template("bulk/register.html", form=form), 400 if form.errors else 200


@bp.get("/units/<int:unit_id>")
@login_required
def dashboard(unit_id: int):
    unit = my_unit(unit_id)
    year = request.args.get("year", default=today().year, type=int)
    member = queries.membership(current_user.id)
    pledge = next((p for p in unit.pledges if p.year == year), None)
    return render_template(
        "bulk/dashboard.html",
        unit=unit,
        figures=queries.dashboard(unit, year),
        invoiced=invoiced_and_paid(unit.id),
        intents=queries.unit_intents(unit.id),
        is_admin=member is not None and member.role == "admin",
        kinds=UNIT_KIND_LABELS,
        roles=MEMBER_ROLE_LABELS,
        pledge_form=PledgeForm(
            year=year, amount=f"{pledge.amount_fen / 100:.2f}" if pledge else "", on_leaderboard=unit.on_leaderboard
        ),
        member_form=MemberForm(),
    )


@bp.post("/units/<int:unit_id>/pledge")
@login_required
def pledge(unit_id: int):
    unit = my_unit(unit_id, admin=True)
    form = PledgeForm()
    if form.validate_on_submit():
        services.set_pledge(
            unit, form.year.data, parse_yuan(form.amount.data), form.on_leaderboard.data, current_actor()
        )
        flash(_("年度采购承诺已保存。"), "success")
    else:
        flash(form_errors(form), "danger")
    return redirect(url_for("bulk.dashboard", unit_id=unit.id, year=form.year.data or today().year)), 303


@bp.post("/units/<int:unit_id>/members")
@login_required
def add_member(unit_id: int):
    unit = my_unit(unit_id, admin=True)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            services.add_member(unit, form.email.data, form.role.data, current_actor())
        except services.UnitError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            flash(_("已加入本单位。"), "success")
    else:
        flash(form_errors(form), "danger")
    return redirect(url_for("bulk.dashboard", unit_id=unit.id)), 303


@bp.get("/impact/units")
# The same for every visitor, and it reads every listed unit's year of orders and ledger rows
# (7 to 13 ms of a worker on the county's data): kept like the impact page, as fresh as it is.
@shared_page
def leaderboard():
    year = request.args.get("year", default=today().year, type=int)
    return render_template("bulk/leaderboard.html", year=year, rows=queries.leaderboard(year), kinds=UNIT_KIND_LABELS)
