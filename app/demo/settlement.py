"""Last month settled for the demo: statements for the producers that sold most, confirmed,
about half their households paid, and an account for one producer and for the administrator
of its largest village, so every settlement page has something true to show."""

import secrets
from datetime import date

from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.services import create_user
from app.audit.services import Actor
from app.clock import month_start
from app.domain import roles
from app.extensions import db
from app.impact.models import Attribution
from app.registry.models import Household, VillageAssignment
from app.settlement import payouts, statements
from app.settlement.models import Statement
from app.settlement.scope import Scope

SEEDER = Actor(None, "seed")
PRODUCERS = 3


def seed_settlement(today: date, credentials: list[tuple[str, str, str]]) -> int:
    """Returns the number of statements made; nothing when the demo has any already."""
    if db.session.scalar(select(func.count(Statement.id))):
        return 0
    last_month = month_start(month_start(today) - date.resolution)
    busiest = db.session.scalars(
        select(Attribution.producer_id)
        .where(Attribution.household_id.is_not(None))
        .group_by(Attribution.producer_id)
        .order_by(func.sum(Attribution.amount_fen).desc(), Attribution.producer_id)
        .limit(PRODUCERS)
    ).all()
    made = [statements.build(producer_id, last_month, SEEDER) for producer_id in busiest]
    for statement in made:
        statements.confirm(statement, SEEDER)
    everyone = Scope(0, everything=True)
    for statement in made[:1]:
        for line in statement.lines[::2]:
            if line.due_fen > 0:
                payouts.record_payout(
                    line.id,
                    payouts.PayoutDraft(line.due_fen, today, "bank_card", reference=f"DF{today:%Y%m%d}{line.id:04d}"),
                    everyone,
                    SEEDER,
                )
    if made:
        _accounts(made[0], credentials)
    return len(made)


def _accounts(statement: Statement, credentials: list[tuple[str, str, str]]) -> None:
    village_id = db.session.scalar(
        select(Household.village_id)
        .where(Household.id.in_([line.household_id for line in statement.lines]))
        .group_by(Household.village_id)
        .order_by(func.count().desc(), Household.village_id)
        .limit(1)
    )
    for email, name, role in (
        ("producer@dongkou.example", f"{statement.producer.name} 会计", roles.PRODUCER),
        ("village@dongkou.example", "村信息管理员 刘大姐", roles.VILLAGE_ADMIN),
    ):
        if db.session.scalar(select(User.id).where(User.email == email)):
            continue
        password = secrets.token_urlsafe(9)
        user = create_user(email, name, password, role)
        if role == roles.PRODUCER:
            user.producer_id = statement.producer_id
        else:
            db.session.add(VillageAssignment(user_id=user.id, village_id=village_id))
        db.session.commit()
        credentials.append((role, email, password))
