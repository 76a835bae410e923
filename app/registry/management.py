"""County staff keep the benefit rules (利益联结): a link starts and ends on dates and is never
rewritten, so every attribution already in the ledger keeps the rule of its day. Product pages show
whom a producer's sales help, so every change also moves the catalogue version."""
from datetime import date, timedelta

from app.audit.services import Actor, record
from app.catalog.cache import bump_catalogue_version
from app.extensions import db
from app.registry.models import BenefitLink, Household, Producer
from app.registry.queries import active_links_clause


class LinkError(Exception):
    """Why a benefit-rule change was refused, in Chinese."""


def add_link(producer: Producer, registration_no: str, weight: int, valid_from: date, today: date,
             actor: Actor) -> BenefitLink:
    household = db.session.execute(db.select(Household).where(
        Household.registration_no == registration_no.strip())).scalar_one_or_none()
    if household is None:
        raise LinkError(f"没有户编号为 {registration_no} 的建档立卡户。")
    if not 1 <= weight <= 1000:
        raise LinkError("权重应为 1 到 1000 的整数。")
    if valid_from < today:
        raise LinkError("生效日期不能早于今天：已经发生的销售按当时的规则记账。")
    if db.session.scalar(db.select(BenefitLink.id).where(
            BenefitLink.producer_id == producer.id, BenefitLink.household_id == household.id,
            active_links_clause(valid_from))):
        raise LinkError("这户已经与该生产主体有生效中的带贫关系；要改权重请用“调整”。")
    link = BenefitLink(producer_id=producer.id, household_id=household.id, weight=weight, valid_from=valid_from)
    db.session.add(link)
    db.session.flush()
    record(actor, "add_benefit_link", "producer", producer.id,
           after={"link": link.id, "household": household.registration_no, "weight": weight, "from": valid_from})
    bump_catalogue_version()
    db.session.commit()
    return link


def change_weight(link: BenefitLink, weight: int, from_date: date, today: date, actor: Actor) -> BenefitLink:
    """End the link the day before ``from_date`` and start a new one with the new weight."""
    if not 1 <= weight <= 1000:
        raise LinkError("权重应为 1 到 1000 的整数。")
    if from_date < today or from_date <= link.valid_from:
        raise LinkError("新权重的生效日期应不早于今天，且晚于原规则的生效日期。")
    if link.valid_to is not None and link.valid_to < from_date:
        raise LinkError("原规则在这一天之前已经结束。")
    successor = BenefitLink(producer_id=link.producer_id, household_id=link.household_id, weight=weight,
                            valid_from=from_date, valid_to=link.valid_to)
    link.valid_to = from_date - timedelta(days=1)
    db.session.add(successor)
    db.session.flush()
    record(actor, "change_benefit_weight", "producer", link.producer_id,
           before={"link": link.id, "weight": link.weight}, after={"link": successor.id, "weight": weight,
                                                                  "from": from_date})
    bump_catalogue_version()
    db.session.commit()
    return successor


def end_link(link: BenefitLink, last_day: date, today: date, actor: Actor) -> None:
    if last_day < today - timedelta(days=1) or last_day < link.valid_from:
        raise LinkError("结束日期不能早于昨天，也不能早于规则的生效日期。")
    before = link.valid_to
    link.valid_to = last_day
    record(actor, "end_benefit_link", "producer", link.producer_id, before={"link": link.id, "valid_to": before},
           after={"link": link.id, "valid_to": last_day})
    bump_catalogue_version()
    db.session.commit()
