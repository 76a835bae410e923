"""The guarded status setter for purchase intents: every transition goes through here, is
checked against the state table and leaves a row in the contract's history and the audit log."""

from app.audit.services import Actor, record
from app.bulk.models import IntentStatusChange, PurchaseIntent
from app.domain.intent_states import check_transition
from app.extensions import db
from app.models_base import utcnow


def set_intent_status(intent: PurchaseIntent, wanted: str, actor: Actor, reason: str = "") -> None:
    """Move the contract to ``wanted``; raises ForbiddenTransition and changes nothing
    when the state table forbids it. Does not commit."""
    check_transition(intent.status, wanted)
    db.session.add(
        IntentStatusChange(
            intent_id=intent.id,
            from_status=intent.status,
            to_status=wanted,
            actor_user_id=actor.user_id,
            reason=reason[:255],
        )
    )
    record(
        actor,
        "intent_status",
        "purchase_intent",
        intent.number,
        before={"status": intent.status},
        after={"status": wanted, "reason": reason[:255]},
    )
    intent.status = wanted
    if wanted == "submitted":
        intent.submitted_at = utcnow()
    elif wanted == "confirmed":
        intent.confirmed_at, intent.confirmed_by_id = utcnow(), actor.user_id
