"""County staff keep the catalogue: prices, stock adjustments with a reason, photos and
certifications. Each change is one transaction with one audit row (before and after)."""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update

from app.audit.services import Actor, record
from app.catalog.models import Category, Certification, Product, ProductImage, Sku, StockAdjustment
from app.catalog.refusals import CatalogueError
from app.extensions import db
from app.models_base import rows_changed
from app.pictures import MAX_BYTES, PictureRejected, reencoded_jpeg, store_jpeg
from app.registry.models import Producer

MAX_IMAGE_SIDE = 1600


def change_price(sku: Sku, price_fen: int, actor: Actor) -> None:
    if not 0 < price_fen <= 10_000_000:
        raise CatalogueError("price_range")
    before = sku.price_fen
    if before == price_fen:
        return
    sku.price_fen = price_fen
    product = sku.product
    product.price_from_fen = min(s.price_fen for s in product.skus)
    record(actor, "change_price", "sku", sku.code, before={"price_fen": before}, after={"price_fen": price_fen})
    db.session.commit()


def adjust_stock(sku: Sku, delta: int, reason: str, actor: Actor) -> StockAdjustment:
    """Add or remove stock with a reason (harvest arrived, boxes damaged, count corrected).

    A conditional UPDATE, like checkout, so an adjustment racing a sale never takes stock
    below zero; a removal of more than is there is refused."""
    if delta == 0 or abs(delta) > 1_000_000:
        raise CatalogueError("adjustment_range")
    if not reason.strip():
        raise CatalogueError("reason_required")
    moved = rows_changed(
        update(Sku)
        .where(Sku.id == sku.id, Sku.stock + delta >= 0)
        .values(stock=Sku.stock + delta)
        .execution_options(synchronize_session=False)
    )
    if not moved:
        db.session.rollback()
        raise CatalogueError("stock_too_low", code=sku.code, stock=sku.stock, wanted=-delta)
    after = db.session.scalar(select(Sku.stock).where(Sku.id == sku.id)) or 0
    adjustment = StockAdjustment(
        sku_id=sku.id, delta=delta, reason=reason.strip()[:200], stock_after=after, actor_user_id=actor.user_id
    )
    db.session.add(adjustment)
    record(
        actor,
        "adjust_stock",
        "sku",
        sku.code,
        before={"stock": after - delta},
        after={"stock": after, "delta": delta, "reason": adjustment.reason},
    )
    db.session.commit()
    db.session.refresh(sku)
    return adjustment


def store_picture(slug: str, jpeg: bytes) -> str:
    """Keep a product picture in the media storage, named by its content. Its key."""
    return store_jpeg("media", f"products/{slug}", jpeg)


def add_image(product: Product, data: bytes, alt: str, actor: Actor) -> ProductImage:
    """A product photo: a real JPEG, PNG or WebP under the size limit, re-encoded and resized,
    so nothing but pixels from the upload reaches the media storage."""
    try:
        jpeg = reencoded_jpeg(data, MAX_IMAGE_SIDE)
    except PictureRejected as exc:
        raise CatalogueError(f"image_{exc.reason}", mb=MAX_BYTES // 1024 // 1024) from exc
    relative = store_picture(product.slug, jpeg)
    image = ProductImage(
        product_id=product.id, path=relative, alt=alt.strip()[:128] or product.name, sort_order=len(product.images)
    )
    db.session.add(image)
    record(actor, "add_product_image", "product", product.slug, after={"path": relative})
    db.session.commit()
    return image


@dataclass(frozen=True)
class CertificationDraft:
    number: str
    issuer: str
    valid_from: date
    valid_to: date


def add_certification(product: Product, draft: CertificationDraft, actor: Actor) -> Certification:
    if draft.valid_to < draft.valid_from:
        raise CatalogueError("validity_order")
    certification = Certification(
        product_id=product.id,
        number=draft.number.strip(),
        issuer=draft.issuer.strip(),
        valid_from=draft.valid_from,
        valid_to=draft.valid_to,
    )
    db.session.add(certification)
    record(
        actor,
        "add_certification",
        "product",
        product.slug,
        after={"number": certification.number, "valid_to": draft.valid_to},
    )
    db.session.commit()
    return certification


def expiring_certifications(on: date, within_days: int = 45) -> list[tuple[Product, Certification | None]]:
    """Active products whose newest certification has lapsed or lapses within ``within_days``."""
    horizon = on + timedelta(days=within_days)
    warnings = []
    for product in db.session.execute(
        select(Product).where(Product.is_active.is_(True)).order_by(Product.name)
    ).scalars():
        latest = max(product.certifications, key=lambda c: c.valid_to, default=None)
        if latest is None or latest.valid_to <= horizon:
            warnings.append((product, latest))
    return warnings


@dataclass(frozen=True)
class ProductDraft:
    name: str
    subtitle: str
    description: str
    category_id: int
    producer_id: int
    # English texts for the English pages; where empty, those pages show the Chinese.
    name_en: str = ""
    subtitle_en: str = ""
    description_en: str = ""

    def texts(self) -> dict[str, str]:
        return {key: getattr(self, key).strip() for key in TEXT_FIELDS}


TEXT_FIELDS = ("name", "subtitle", "description", "name_en", "subtitle_en", "description_en")


def _producer_and_category(draft: ProductDraft) -> Producer:
    producer = db.session.get(Producer, draft.producer_id)
    if producer is None or db.session.get(Category, draft.category_id) is None:
        raise CatalogueError("category_and_producer")
    return producer


def create_product(draft: ProductDraft, actor: Actor) -> Product:
    """A new product of a producer, in the producer's township; not on sale until it has a SKU. Commits."""
    product = new_product(draft, actor)
    db.session.commit()
    return product


def new_product(draft: ProductDraft, actor: Actor) -> Product:
    """``create_product`` inside the caller's transaction. Does not commit."""
    producer = _producer_and_category(draft)
    slug = f"p-{secrets.token_hex(4)}"
    product = Product(
        slug=slug,
        **draft.texts(),
        category_id=draft.category_id,
        producer_id=producer.id,
        township_id=producer.township_id,
        village_id=producer.village_id,
        is_active=False,
    )
    db.session.add(product)
    db.session.flush()
    record(actor, "create_product", "product", slug, after={"name": product.name, "producer": producer.name})
    return product


def update_product(product: Product, draft: ProductDraft, actor: Actor) -> None:
    """Correct a product's name, texts, category or producer. Commits.

    Sales already made keep the producer their lines recorded, so the ledger never moves;
    a new producer (and its township and village) counts from the next sale on."""
    producer = _producer_and_category(draft)
    fields = {**draft.texts(), "category_id": draft.category_id, "producer_id": producer.id}
    changed = {key: value for key, value in fields.items() if getattr(product, key) != value}
    if not changed:
        return
    before = {key: getattr(product, key) for key in changed}
    for key, value in changed.items():
        setattr(product, key, value)
    product.township_id, product.village_id = producer.township_id, producer.village_id
    record(actor, "update_product", "product", product.slug, before=before, after=changed)
    db.session.commit()


@dataclass(frozen=True)
class SkuDraft:
    code: str
    name: str
    unit: str
    net_weight_g: int
    price_fen: int
    stock: int
    name_en: str = ""
    unit_en: str = ""


def add_sku(product: Product, draft: SkuDraft, actor: Actor) -> Sku:
    """Commits."""
    sku = new_sku(product, draft, actor)
    db.session.commit()
    return sku


def new_sku(product: Product, draft: SkuDraft, actor: Actor) -> Sku:
    """``add_sku`` inside the caller's transaction. Does not commit."""
    code = draft.code.strip().upper()
    if db.session.scalar(select(Sku.id).where(Sku.code == code)):
        raise CatalogueError("sku_code_taken", code=code)
    if not 0 < draft.price_fen <= 10_000_000:
        raise CatalogueError("price_range")
    sku = Sku(
        product_id=product.id,
        code=code,
        name=draft.name.strip(),
        unit=draft.unit.strip(),
        name_en=draft.name_en.strip(),
        unit_en=draft.unit_en.strip(),
        net_weight_g=draft.net_weight_g,
        price_fen=draft.price_fen,
        stock=draft.stock,
    )
    db.session.add(sku)
    db.session.flush()
    product.price_from_fen = min(s.price_fen for s in product.skus) if product.skus else draft.price_fen
    record(
        actor,
        "add_sku",
        "sku",
        code,
        after={"product": product.slug, "price_fen": draft.price_fen, "stock": draft.stock},
    )
    return sku


def name_in_english(row: Sku | Category, english: dict[str, str], actor: Actor) -> None:
    """Give a SKU (name, unit) or a category (name) its English texts; empty falls back to the
    Chinese on English pages. Commits."""
    english = {key: value.strip() for key, value in english.items()}
    before = {key: getattr(row, key) for key in english}
    if before == english:
        return
    for key, value in english.items():
        setattr(row, key, value)
    kind, key = ("sku", row.code) if isinstance(row, Sku) else ("category", row.slug)
    record(actor, "name_in_english", kind, key, before=before, after=english)
    db.session.commit()


def set_on_sale(product: Product, on_sale: bool, actor: Actor) -> None:
    if on_sale and not product.skus:
        raise CatalogueError("needs_a_sku")
    before, product.is_active = product.is_active, on_sale
    record(actor, "set_on_sale", "product", product.slug, before={"on_sale": before}, after={"on_sale": on_sale})
    db.session.commit()
