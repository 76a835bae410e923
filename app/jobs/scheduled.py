"""The jobs the schedule runs. Each is safe to run twice or late: it works from the database's
state, not from having been called, and mails at most once per county day."""

from datetime import timedelta

from flask import current_app

from app.accounts.models import User
from app.audit.services import Actor
from app.bulk.documents import relay_unprinted
from app.bulk.services import expire_intents
from app.catalog.models import Certification, Product
from app.clock import today
from app.domain import roles
from app.extensions import db
from app.jobs.exports import requeue_stalled_exports
from app.jobs.runs import recorded
from app.orders.services import expire_orders, get_order
from app.outbox.services import mail_user, sweep_outbox
from app.payments.gateway import gateway_from_config
from app.payments.services import cancel_open_intents
from app.settlement.book_check import find_all
from app.settlement.queries import overdue_lines, users_of
from app.settlement.scope import scope_of

SCHEDULER = Actor(None, "scheduler")


@recorded
def expire_unpaid_orders() -> dict:
    """Cancel online orders left unpaid past their window, release their stock and close their
    Stripe attempts. Each order is locked and rechecked, so overlapping runs expire it once."""
    expired = expire_orders()
    gateway = gateway_from_config(current_app.config)
    for number in expired:
        cancel_open_intents(get_order(number).id, gateway)
    return {"expired": len(expired), "orders": expired}


@recorded
def expire_contracts() -> dict:
    """Expire confirmed contracts whose delivery window ended with nothing delivered."""
    expired = expire_intents(today(), SCHEDULER)
    return {"expired": len(expired), "contracts": expired}


def _staff() -> list[User]:
    return list(db.session.execute(db.select(User).where(User.role == roles.STAFF, User.active.is_(True))).scalars())


@recorded
def warn_expiring_certifications() -> dict:
    """Mail staff the products on sale whose newest certification has expired or runs out soon."""
    day = today()
    days = current_app.config["CERTIFICATION_WARNING_DAYS"]
    newest = (
        db.select(Certification.product_id, db.func.max(Certification.valid_to).label("valid_to"))
        .group_by(Certification.product_id)
        .subquery()
    )
    due = db.session.execute(
        db.select(
            Product.name.label("product_name"), Certification.number, Certification.issuer, Certification.valid_to
        )
        .join(newest, newest.c.product_id == Product.id)
        .join(Certification, (Certification.product_id == Product.id) & (Certification.valid_to == newest.c.valid_to))
        .where(Product.is_active.is_(True), newest.c.valid_to <= day + timedelta(days=days))
        .order_by(Certification.valid_to, Product.name)
    ).all()
    if due:
        for user in _staff():
            mail_user(
                user,
                "certification_warning",
                f"certification_warning:{day}:{user.id}",
                certifications=due,
                today=day,
                days=days,
            )
        db.session.commit()
    return {"certifications": len(due), "problems": len(due)}


@recorded
def nightly_ledger_check() -> dict:
    """`verify-ledger` every night; any discrepancy is mailed to staff."""
    found = [d.describe() for d in find_all()]
    if found:
        day = today()
        for user in _staff():
            mail_user(user, "ledger_discrepancy", f"ledger_discrepancy:{day}:{user.id}", found=found, today=day)
        db.session.commit()
    return {"discrepancies": len(found), "problems": len(found)}


@recorded
def remind_overdue_payouts() -> dict:
    """Mail each producer account and village administrator the household payouts still owed
    past the due days: theirs only, once per county day."""
    overdue = overdue_lines(current_app.config["PAYOUT_DUE_DAYS"])
    day = today()
    mailed = 0
    for user in users_of(roles.PRODUCER) + users_of(roles.VILLAGE_ADMIN):
        villages = scope_of(user).village_ids
        theirs = [o for o in overdue if o.producer_id == user.producer_id or o.village_id in villages]
        if theirs:
            mail_user(
                user,
                "payouts_overdue",
                f"payouts_overdue:{day}:{user.id}",
                lines=theirs,
                days=current_app.config["PAYOUT_DUE_DAYS"],
                today=day,
            )
            mailed += 1
    db.session.commit()
    return {"overdue_lines": len(overdue), "mailed": mailed}


@recorded
def sweep() -> dict:
    """Re-enqueue what lost its job: mail still unsent after its grace period or backoff,
    exports whose worker went silent, and issued documents still without their PDF."""
    return {
        **{f"mail_{k}": v for k, v in sweep_outbox().items()},
        "exports_restarted": requeue_stalled_exports(),
        "documents_relaid": relay_unprinted(),
    }
