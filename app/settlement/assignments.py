"""County staff give an account its part in settlement: a producer's own account, or a village
information administrator with their villages. Each change is audited and ends the account's
open sessions, so pages opened under the old scope stop working."""

from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.services import Actor, record
from app.domain import roles
from app.extensions import db
from app.refusals import Missing
from app.registry.models import Producer, Village, VillageAssignment
from app.settlement.refusals import SettlementError


def _account(email: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise SettlementError("unknown_user", email=email.strip())
    if user.role == roles.STAFF:
        raise SettlementError("staff_cannot_be_scoped")
    return user


def make_producer_account(email: str, producer_id: int, actor: Actor) -> User:
    """Commits."""
    if db.session.get(Producer, producer_id) is None:
        raise Missing(producer_id)
    user = _account(email)
    before = {"role": user.role, "producer_id": user.producer_id}
    user.role, user.producer_id = roles.PRODUCER, producer_id
    user.session_version += 1
    record(actor, "assign_producer_account", "user", user.id, before=before, after={"producer_id": producer_id})
    db.session.commit()
    return user


def assign_village(email: str, village_id: int, actor: Actor) -> User:
    """Make the account a village administrator (if it is not one) for one more village. Commits."""
    if db.session.get(Village, village_id) is None:
        raise Missing(village_id)
    user = _account(email)
    before = user.role
    user.role, user.producer_id = roles.VILLAGE_ADMIN, None
    user.session_version += 1
    exists = db.session.scalar(
        select(VillageAssignment.id).where(
            VillageAssignment.user_id == user.id, VillageAssignment.village_id == village_id
        )
    )
    if exists is None:
        db.session.add(VillageAssignment(user_id=user.id, village_id=village_id))
    record(actor, "assign_village", "user", user.id, before={"role": before}, after={"village_id": village_id})
    db.session.commit()
    return user


def unassign_village(user_id: int, village_id: int, actor: Actor) -> None:
    """Commits."""
    assignment = db.session.scalar(
        select(VillageAssignment).where(
            VillageAssignment.user_id == user_id, VillageAssignment.village_id == village_id
        )
    )
    if assignment is None:
        raise Missing(village_id)
    db.session.delete(assignment)
    user = db.session.get_one(User, user_id)
    user.session_version += 1
    record(actor, "unassign_village", "user", user_id, before={"village_id": village_id})
    db.session.commit()
