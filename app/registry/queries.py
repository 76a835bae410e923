"""Read-only registry questions. Public answers carry masked names only."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload

from app.domain.identity import mask_name
from app.extensions import db
from app.refusals import Missing
from app.registry.models import BenefitLink, Household, Producer, Township, Village


@dataclass(frozen=True)
class PublicBeneficiary:
    masked_name: str
    village: str
    township: str


@dataclass(frozen=True)
class PublicBenefitSummary:
    """What a public page may say about whom a producer's sales support."""

    households: int
    people: int
    villages: int
    sample: tuple[PublicBeneficiary, ...]


def active_links_clause(on: date):
    return (BenefitLink.valid_from <= on) & or_(BenefitLink.valid_to.is_(None), BenefitLink.valid_to >= on)


def public_benefit_summary(producer_id: int, on: date, sample_size: int = 8) -> PublicBenefitSummary:
    """Counts and a few masked names of the households linked to a producer on a date."""
    linked = (
        db.select(Household.id, Household.members, Household.village_id)
        .join(BenefitLink, BenefitLink.household_id == Household.id)
        .where(BenefitLink.producer_id == producer_id, active_links_clause(on))
        .distinct()
        .subquery()
    )
    households, people, villages = db.session.execute(
        db.select(
            func.count(linked.c.id),
            func.coalesce(func.sum(linked.c.members), 0),
            func.count(func.distinct(linked.c.village_id)),
        )
    ).one()
    rows = db.session.execute(
        db.select(Household.head_name, Village.name, Township.name)
        .join(linked, linked.c.id == Household.id)
        .join(Village, Village.id == Household.village_id)
        .join(Township, Township.id == Village.township_id)
        .order_by(Household.id)
        .limit(sample_size)
    ).all()
    sample = tuple(PublicBeneficiary(mask_name(name), village, township) for name, village, township in rows)
    return PublicBenefitSummary(households, int(people), villages, sample)


def townships_with_counts() -> list[tuple[Township, int, int]]:
    """Every township with its number of villages and of registered households."""
    village_counts = (
        db.select(Village.township_id, func.count(Village.id).label("n")).group_by(Village.township_id).subquery()
    )
    household_counts = (
        db.select(Village.township_id, func.count(Household.id).label("n"))
        .join(Household, Household.village_id == Village.id)
        .group_by(Village.township_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(Township, func.coalesce(village_counts.c.n, 0), func.coalesce(household_counts.c.n, 0))
        .outerjoin(village_counts, village_counts.c.township_id == Township.id)
        .outerjoin(household_counts, household_counts.c.township_id == Township.id)
        .order_by(Township.sort_order, Township.id)
    ).all()
    return [tuple(r) for r in rows]


def all_townships() -> list[Township]:
    return list(db.session.execute(db.select(Township).order_by(Township.sort_order, Township.id)).scalars())


def producers_in_township(township_id: int) -> list[Producer]:
    return list(
        db.session.execute(
            db.select(Producer).where(Producer.township_id == township_id).order_by(Producer.name)
        ).scalars()
    )


def households_page(q: str | None, page: int, per_page: int = 50):
    """Households for the staff registry list, searchable by registration number or head's name."""
    query = (
        db.select(Household)
        .join(Village)
        .join(Township)
        .options(selectinload(Household.village).selectinload(Village.township))
    )
    if q:
        like = f"%{q.strip()}%"
        query = query.where(
            or_(
                Household.registration_no.like(like),
                Household.head_name.like(like),
                Village.name.like(like),
                Township.name.like(like),
            )
        )
    return db.paginate(query.order_by(Household.registration_no), page=page, per_page=per_page, error_out=False)


def producers_page(q: str | None, page: int, per_page: int = 50):
    query = db.select(Producer).options(selectinload(Producer.township)).order_by(Producer.township_id, Producer.name)
    if q:
        query = query.where(Producer.name.like(f"%{q.strip()}%"))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def producers_with_townships() -> list[Producer]:
    """Every producer with its township, as staff choose one from a list."""
    return list(
        db.session.execute(
            db.select(Producer).options(selectinload(Producer.township)).order_by(Producer.township_id, Producer.name)
        ).scalars()
    )


def producer_link(producer_id: int, link_id: int) -> BenefitLink | None:
    return db.session.execute(
        db.select(BenefitLink).where(BenefitLink.id == link_id, BenefitLink.producer_id == producer_id)
    ).scalar_one_or_none()


def producer_by_id(producer_id: int) -> Producer:
    producer = db.session.get(Producer, producer_id)
    if producer is None:
        raise Missing(producer_id)
    return producer
