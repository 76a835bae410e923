"""The village information administrator's phone pages: their villages' households, who is
still owed, and each household's statement lines. Opening a household shows its personal data,
so each opening is audited."""

from flask import current_app, render_template
from flask_login import current_user

from app.accounts.access import current_actor, role_required
from app.domain import roles
from app.refusals import Missing
from app.registry.services import household_with_personal_data
from app.settlement import bp, queries
from app.settlement.scope import scope_of


@bp.get("/village")
@role_required(roles.VILLAGE_ADMIN)
def village_home():
    scope = scope_of(current_user)
    return render_template(
        "settlement/village_home.html",
        villages=queries.villages_households(scope, current_app.config["PAYOUT_DUE_DAYS"]),
    )


@bp.get("/village/households/<int:household_id>")
@role_required(roles.VILLAGE_ADMIN)
def village_household(household_id: int):
    scope = scope_of(current_user)
    household = household_with_personal_data(household_id, current_actor(), within_villages=scope.village_ids)
    if household is None:
        raise Missing(household_id)
    return render_template(
        "settlement/village_household.html",
        household=household,
        lines=queries.household_lines(household, current_app.config["PAYOUT_DUE_DAYS"]),
    )
