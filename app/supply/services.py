"""Posting a household's produce, and turning a post into a sale: listed in the shop with its
lot, or taken up by a supporting unit as a draft contract. Each function is one transaction
with its audit rows.

Either way the seller is the household itself (a producer of kind "household" linked to it
alone), so every fen of those sales is attributed to that household by the ledger's one rule."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from app.audit.services import Actor, record
from app.bulk.models import PurchaseIntent, SupportingUnit
from app.bulk.services import IntentDraft, new_intent, put_lines
from app.catalog.management import ProductDraft, SkuDraft, new_product, new_sku
from app.catalog.models import Category, Sku
from app.clock import today
from app.domain import supply_states as states
from app.domain.identity import mask_name
from app.extensions import db
from app.records import county_words
from app.refusals import Missing
from app.registry.models import BenefitLink, Household, Producer
from app.settlement.refusals import SettlementError
from app.settlement.scope import Scope
from app.supply.models import SupplyPost
from app.supply.refusals import SupplyError
from app.trace.services import LotDraft, new_lot


@dataclass(frozen=True)
class PostDraft:
    crop: str
    quantity: int
    unit: str
    price_fen: int
    available_from: date
    available_to: date
    note: str = ""


def post_supply(household_id: int, draft: PostDraft, scope: Scope, actor: Actor) -> SupplyPost:
    """Commits."""
    household = db.session.get(Household, household_id)
    if household is None:
        raise Missing(household_id)
    if not (scope.everything or household.village_id in scope.village_ids):
        raise SettlementError("not_yours")
    if not 0 < draft.quantity <= 1_000_000:
        raise SupplyError("quantity_range")
    if not 0 < draft.price_fen <= 10_000_000:
        raise SupplyError("price_range")
    if draft.available_to < draft.available_from or draft.available_to < today():
        raise SupplyError("window")
    post = SupplyPost(
        household_id=household.id,
        village_id=household.village_id,
        crop=draft.crop.strip()[:32],
        quantity=draft.quantity,
        unit=draft.unit.strip()[:8],
        price_fen=draft.price_fen,
        available_from=draft.available_from,
        available_to=draft.available_to,
        note=draft.note.strip()[:200],
        posted_by=actor.user_id,
    )
    db.session.add(post)
    db.session.flush()
    record(actor, "post_supply", "supply_post", post.id, after={"crop": post.crop, "quantity": post.quantity})
    db.session.commit()
    return post


def _open_post(post_id: int) -> SupplyPost:
    # Locked: a unit taking it up and staff listing it at the same moment cannot both win.
    post = db.session.scalar(select(SupplyPost).where(SupplyPost.id == post_id).with_for_update())
    if post is None:
        raise Missing(post_id)
    if post.status != states.OPEN:
        raise SupplyError("not_open")
    return post


def withdraw(post_id: int, scope: Scope, actor: Actor) -> None:
    """Commits."""
    post = _open_post(post_id)
    if not (scope.everything or post.village_id in scope.village_ids):
        raise Missing(post_id)
    states.check_transition(post.status, states.WITHDRAWN)
    post.status = states.WITHDRAWN
    record(actor, "withdraw_supply", "supply_post", post.id)
    db.session.commit()


def household_producer(household: Household, actor: Actor) -> Producer:
    """The household as its own producer, linked to itself alone from today. Does not commit."""
    producer = db.session.scalar(
        select(Producer).where(Producer.kind == "household", Producer.household_id == household.id)
    )
    if producer is not None:
        return producer
    village = household.village
    # Its name is public (product pages print the producer): masked, like every public name.
    producer = Producer(
        name=county_words("%(village)s%(name)s户", village=village.name, name=mask_name(household.head_name)),
        kind="household",
        township_id=village.township_id,
        village_id=village.id,
        household_id=household.id,
    )
    db.session.add(producer)
    db.session.flush()
    db.session.add(BenefitLink(producer_id=producer.id, household_id=household.id, weight=1, valid_from=today()))
    record(actor, "create_household_producer", "producer", producer.id, after={"household": household.registration_no})
    return producer


def _household_sku(post: SupplyPost, category_id: int, name: str, weight_g: int, actor: Actor) -> Sku:
    producer = household_producer(post.household, actor)
    product = new_product(
        ProductDraft(
            name=name.strip() or post.crop,
            subtitle=county_words(
                "%(village)s · %(day)s 起可供", village=post.village.name, day=f"{post.available_from:%m-%d}"
            ),
            description=post.note,
            category_id=category_id,
            producer_id=producer.id,
        ),
        actor,
    )
    return new_sku(
        product,
        SkuDraft(f"HH{post.id:06d}", post.unit, post.unit, weight_g, post.price_fen, post.quantity),
        actor,
    )


@dataclass(frozen=True)
class Listing:
    category_id: int
    name: str
    net_weight_g: int
    harvested_on: date


def list_in_shop(post_id: int, listing: Listing, actor: Actor) -> SupplyPost:
    """Staff put the produce on sale, with a lot for its traceability label. Commits."""
    post = _open_post(post_id)
    if db.session.get(Category, listing.category_id) is None:
        raise SupplyError("no_category")
    sku = _household_sku(post, listing.category_id, listing.name, listing.net_weight_g, actor)
    sku.product.is_active = True
    lot = new_lot(LotDraft(sku.code, listing.harvested_on, post.quantity), actor)
    states.check_transition(post.status, states.LISTED)
    post.status, post.sku_id, post.lot_id = states.LISTED, sku.id, lot.id
    record(actor, "list_supply", "supply_post", post.id, after={"sku": sku.code, "lot": lot.code})
    db.session.commit()
    return post


def take_up(post_id: int, unit: SupportingUnit, quantity: int, actor: Actor) -> PurchaseIntent:
    """A supporting unit takes the produce up: a draft contract with one line, the household's
    own SKU (sold by contract only), which the unit completes and submits as any other. Commits."""
    post = _open_post(post_id)
    if unit.approved_at is None:
        raise SupplyError("unit_not_approved")
    if not 0 < quantity <= post.quantity:
        raise SupplyError("take_quantity", quantity=post.quantity)
    category_id = db.session.scalar(select(Category.id).order_by(Category.sort_order, Category.id).limit(1))
    if category_id is None:
        raise SupplyError("no_category")
    sku = _household_sku(post, category_id, post.crop, 0, actor)
    starts = max(post.available_from, today())
    intent = new_intent(
        unit,
        IntentDraft(
            po_number="",
            payment_terms="prepay_transfer",
            due_days=0,
            delivery_from=starts,
            delivery_to=max(post.available_to, starts + timedelta(days=14)),
            event_code="",
            note=county_words(
                "供需对接：%(village)s%(name)s户 %(crop)s",
                village=post.village.name,
                name=mask_name(post.household.head_name),
                crop=post.crop,
            ),
        ),
        actor,
    )
    put_lines(intent, {sku: quantity})
    states.check_transition(post.status, states.TAKEN)
    post.status, post.sku_id, post.intent_id = states.TAKEN, sku.id, intent.id
    record(actor, "take_up_supply", "supply_post", post.id, after={"unit": unit.name, "intent": intent.number})
    db.session.commit()
    return intent
