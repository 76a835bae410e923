"""Registry models. Household personal fields are read only through staff-checked code paths."""

import secrets
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model, db
from app.models_base import utcnow

TOWNSHIP_KINDS = ("town", "township", "subdistrict", "management_area")
HOUSEHOLD_STATUSES = ("registered", "lifted")
PRODUCER_KINDS = ("household", "cooperative", "enterprise")


class Township(Model):
    __tablename__ = "townships"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)

    villages: Mapped[list["Village"]] = relationship(back_populates="township", order_by="Village.id")

    __table_args__ = (CheckConstraint(f"kind IN {TOWNSHIP_KINDS}", name="kind"),)


class Village(Model):
    __tablename__ = "villages"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through the unique key (township_id, name), which it leads: no index of its own.
    township_id: Mapped[int] = mapped_column(ForeignKey("townships.id"))
    name: Mapped[str] = mapped_column(String(64))

    township: Mapped[Township] = relationship(back_populates="villages")

    __table_args__ = (db.UniqueConstraint("township_id", "name", name="uq_villages_township_name"),)


CHECK_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed on a phone


def new_check_code() -> str:
    return "".join(secrets.choice(CHECK_CODE_ALPHABET) for _ in range(10))


class Household(Model):
    """A registered poor household (建档立卡贫困户); head_name, id_number and phone are personal data."""

    __tablename__ = "households"
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_no: Mapped[str] = mapped_column(String(32), unique=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), index=True)
    head_name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))
    phone: Mapped[str] = mapped_column(String(20), default="")
    members: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default="registered")
    lifted_on: Mapped[date | None]
    # 村民小组: printed on the village's public notice beside the masked name, so neighbours
    # can tell two 李* apart without the notice naming anyone.
    group_name: Mapped[str] = mapped_column(String(32), default="", server_default="")
    # Printed on the household's payout slip: with it the household checks its own figures on
    # the public notice page without an account. Random, so it says nothing about the household.
    check_code: Mapped[str] = mapped_column(String(12), unique=True, default=new_check_code)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    village: Mapped[Village] = relationship()

    __table_args__ = (
        CheckConstraint(f"status IN {HOUSEHOLD_STATUSES}", name="status"),
        CheckConstraint("members > 0", name="members_positive"),
        # A lifted household keeps counting in reports, but only with the date it was lifted.
        CheckConstraint("status <> 'lifted' OR lifted_on IS NOT NULL", name="lifted_has_date"),
    )


class Producer(Model):
    """Who grows or makes a product: a household itself, a cooperative or an enterprise."""

    __tablename__ = "producers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    township_id: Mapped[int] = mapped_column(ForeignKey("townships.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    township: Mapped[Township] = relationship()
    village: Mapped[Village | None] = relationship()
    benefit_links: Mapped[list["BenefitLink"]] = relationship(back_populates="producer")

    __table_args__ = (CheckConstraint(f"kind IN {PRODUCER_KINDS}", name="kind"),)


class BenefitLink(Model):
    """How a producer's sales reach a household (利益联结), valid over a date range.

    Links are never edited in place once used: a new rule ends the old link (valid_to) and
    starts a new one, so attributions already written keep the rule of their day.
    """

    __tablename__ = "benefit_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    weight: Mapped[int]
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    producer: Mapped[Producer] = relationship(back_populates="benefit_links")
    household: Mapped[Household] = relationship()

    __table_args__ = (
        CheckConstraint("weight > 0", name="weight_positive"),
        # What the ledger's rows point at: a row's household and producer must be its link's own.
        UniqueConstraint("id", "household_id", "producer_id", name="uq_benefit_links_ledger_key"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_range"),
        Index("ix_benefit_links_producer_valid", "producer_id", "valid_from"),
    )


class VillageAssignment(Model):
    """A village information administrator's villages: the only households whose personal data
    and payouts they see."""

    __tablename__ = "village_assignments"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through the unique key (user_id, village_id), which it leads: no index of its own.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    village: Mapped[Village] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "village_id", name="uq_village_assignments_user_village"),)
