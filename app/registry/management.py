"""County staff keep the benefit rules (利益联结): a link starts and ends on dates and is never
rewritten, so every attribution already in the ledger keeps the rule of its day. Product pages show
whom a producer's sales help, so every change also moves the catalogue version."""

from datetime import date, timedelta

from sqlalchemy import select

from app.audit.services import Actor, record
from app.extensions import db
from app.registry.models import BenefitLink, Household, Producer
from app.registry.queries import active_links_clause
from app.registry.refusals import LinkError


def add_link(
    producer: Producer, registration_no: str, weight: int, valid_from: date, today: date, actor: Actor
) -> BenefitLink:
    household = db.session.execute(
        select(Household).where(Household.registration_no == registration_no.strip())
    ).scalar_one_or_none()
    if household is None:
        raise LinkError("unknown_household", registration_no=registration_no)
    if not 1 <= weight <= 1000:
        raise LinkError("weight_range")
    if valid_from < today:
        raise LinkError("starts_in_the_past")
    if db.session.scalar(
        select(BenefitLink.id).where(
            BenefitLink.producer_id == producer.id,
            BenefitLink.household_id == household.id,
            active_links_clause(valid_from),
        )
    ):
        raise LinkError("already_linked")
    link = BenefitLink(producer_id=producer.id, household_id=household.id, weight=weight, valid_from=valid_from)
    db.session.add(link)
    db.session.flush()
    record(
        actor,
        "add_benefit_link",
        "producer",
        producer.id,
        after={"link": link.id, "household": household.registration_no, "weight": weight, "from": valid_from},
    )
    db.session.commit()
    return link


def change_weight(link: BenefitLink, weight: int, from_date: date, today: date, actor: Actor) -> BenefitLink:
    """End the link the day before ``from_date`` and start a new one with the new weight."""
    if not 1 <= weight <= 1000:
        raise LinkError("weight_range")
    if from_date < today or from_date <= link.valid_from:
        raise LinkError("reweigh_date")
    if link.valid_to is not None and link.valid_to < from_date:
        raise LinkError("already_ended")
    successor = BenefitLink(
        producer_id=link.producer_id,
        household_id=link.household_id,
        weight=weight,
        valid_from=from_date,
        valid_to=link.valid_to,
    )
    link.valid_to = from_date - timedelta(days=1)
    db.session.add(successor)
    db.session.flush()
    record(
        actor,
        "change_benefit_weight",
        "producer",
        link.producer_id,
        before={"link": link.id, "weight": link.weight},
        after={"link": successor.id, "weight": weight, "from": from_date},
    )
    db.session.commit()
    return successor


def end_link(link: BenefitLink, last_day: date, today: date, actor: Actor) -> None:
    if last_day < today - timedelta(days=1) or last_day < link.valid_from:
        raise LinkError("end_date")
    before = link.valid_to
    link.valid_to = last_day
    record(
        actor,
        "end_benefit_link",
        "producer",
        link.producer_id,
        before={"link": link.id, "valid_to": before},
        after={"link": link.id, "valid_to": last_day},
    )
    db.session.commit()
