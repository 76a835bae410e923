"""Whose unit and contract a page is: members see their own unit (admins manage it), county staff
see every unit; anyone else gets the 404 page, so nobody learns which other units exist."""

from flask import abort
from flask_login import current_user

from app.bulk import queries, services
from app.bulk.models import SupportingUnit
from app.domain import roles
from app.extensions import db


def my_unit(unit_id: int, admin: bool = False):
    """The unit if the signed-in user belongs to it (staff see every unit); 404 otherwise, so
    nobody learns which other units exist. ``admin`` asks for the unit's admin role."""
    if not current_user.is_authenticated:
        abort(404)
    member = queries.membership(current_user.id)
    if member is not None and member.unit_id == unit_id:
        if admin and member.role != "admin":
            abort(403)
        return member.unit
    if current_user.has_role(roles.STAFF) and not admin:
        unit = db.session.get(SupportingUnit, unit_id)
        if unit is not None:
            return unit
    abort(404)


def my_intent(unit_id: int, number: str):
    unit = my_unit(unit_id)
    intent = services.intent_for_unit(unit.id, number)
    if intent is None:
        abort(404)
    return unit, intent
