"""Who may see which statements, households and payouts.

County staff see everything; a producer account sees its own producer's statements (households
by masked name); a village information administrator sees the households of their villages —
with full personal data, each read audited — and the statement lines and payouts of those
households only. Every query of the area filters through here, so a page cannot forget."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, true

from app.domain import roles
from app.extensions import db
from app.registry.models import Household, VillageAssignment


@dataclass(frozen=True)
class Scope:
    user_id: int
    everything: bool = False
    producer_id: int | None = None
    village_ids: frozenset[int] = frozenset()

    @property
    def sees_personal_data(self) -> bool:
        """Full names and phones: staff, and administrators (of their own villages' households only)."""
        return self.everything or bool(self.village_ids)


def scope_of(user) -> Scope:
    if user.role == roles.STAFF:
        return Scope(user.id, everything=True)
    if user.role == roles.PRODUCER:
        return Scope(user.id, producer_id=user.producer_id)
    if user.role == roles.VILLAGE_ADMIN:
        villages = db.session.scalars(
            db.select(VillageAssignment.village_id).where(VillageAssignment.user_id == user.id)
        ).all()
        return Scope(user.id, village_ids=frozenset(villages))
    return Scope(user.id)


def statements_clause(scope: Scope, producer_column) -> ColumnElement[bool]:
    """Statements a scope sees whole: staff all, a producer its own, an administrator none
    (they see lines of their households instead)."""
    if scope.everything:
        return true()
    if scope.producer_id is not None:
        return producer_column == scope.producer_id
    return false()


def households_clause(scope: Scope, producer_column=None) -> ColumnElement[bool]:
    """Statement lines and payouts a scope sees, by the household's village (administrators)
    or the statement's producer (producer accounts)."""
    if scope.everything:
        return true()
    if scope.village_ids:
        return Household.village_id.in_(sorted(scope.village_ids))
    if scope.producer_id is not None and producer_column is not None:
        return producer_column == scope.producer_id
    return false()


def may_handle(scope: Scope, household: Household, producer_id: int) -> bool:
    """May this person record or confirm a payout to this household on this producer's statement?"""
    return (
        scope.everything
        or household.village_id in scope.village_ids
        or (scope.producer_id is not None and scope.producer_id == producer_id)
    )
