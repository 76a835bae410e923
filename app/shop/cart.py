"""Cart use cases over two stores: the guest's session dict and the signed-in buyer's rows."""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Integer, Row, Select, bindparam, delete, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.dml import ReturningDelete, ReturningInsert

from app import personal_parts
from app.accounts.models import User
from app.accounts.services import session_is_current
from app.catalog.models import Product, Sku, first_image_path
from app.extensions import db
from app.models_base import execute_losable_on_crash, losable_on_crash, table_of, upsert, utcnow
from app.orders.services import Basket
from app.shop.models import CartItem
from app.shop.refusals import CartError


class SessionCart:
    """A guest's cart inside the signed session cookie: {"sku_id": [quantity, price_seen_fen]}."""

    def __init__(self, data: dict[str, list[int]]):
        self.data = data

    def items(self) -> dict[int, tuple[int, int]]:
        return {int(k): (int(v[0]), int(v[1])) for k, v in self.data.items()}

    def count(self) -> int:
        return sum(int(v[0]) for v in self.data.values())

    def put(self, sku_id: int, quantity: int, price_fen: int) -> None:
        self.data[str(sku_id)] = [quantity, price_fen]

    def add(self, sku_id: int, quantity: int, max_quantity: int) -> bool:
        """Add ``quantity`` to the line when the SKU is on sale and the line then holds no more
        than ``max_quantity`` nor than the stock."""
        offer = _offer(sku_id)
        held = int(self.data.get(str(sku_id), [0])[0])
        if offer is None or held + quantity > min(max_quantity, offer.stock):
            return False
        self.put(sku_id, held + quantity, offer.price_fen)
        return True

    def remove(self, sku_id: int) -> None:
        self.data.pop(str(sku_id), None)

    def clear(self) -> None:
        self.data.clear()

    def save(self) -> None:
        """Nothing to write: the view stores the session dict in the cookie."""


class UserCart:
    """A signed-in buyer's cart, stored so it follows them across devices."""

    def __init__(self, user_id: int, boxes: int | None = None):
        """``boxes``: the cart's count when it was read along with the user (boxes_column)."""
        self.user_id = user_id
        self._cache: dict[int, CartItem] | None = None
        self._boxes = boxes
        self.dirty = False

    def _rows(self) -> dict[int, CartItem]:
        # One query per request: the rows stay in the session until the cart changes.
        if self._cache is None:
            rows = db.session.execute(select(CartItem).where(CartItem.user_id == self.user_id)).scalars()
            self._cache = {row.sku_id: row for row in rows}
        return self._cache

    def items(self) -> dict[int, tuple[int, int]]:
        return {sku_id: (row.quantity, row.price_seen_fen) for sku_id, row in self._rows().items()}

    def count(self) -> int:
        """Boxes in the cart, for the header's badge: a sum in the database unless the rows are
        here already (every signed-in page shows it; loading the rows cost a millisecond)."""
        if self._cache is not None:
            return sum(row.quantity for row in self._cache.values())
        if self._boxes is not None:
            return self._boxes
        # Below the ORM, built once: as an ORM query it took a tenth of a signed-in product page.
        return int(db.session.connection().scalar(_counting(), {"user_id": self.user_id}) or 0)

    def put(self, sku_id: int, quantity: int, price_fen: int) -> None:
        row = self._rows().get(sku_id)
        if row is None:
            db.session.add(CartItem(user_id=self.user_id, sku_id=sku_id, quantity=quantity, price_seen_fen=price_fen))
        else:
            row.quantity, row.price_seen_fen = quantity, price_fen
        self._changed()

    def add(self, sku_id: int, quantity: int, max_quantity: int) -> bool:
        """Add ``quantity`` to the line when the SKU is on sale and the line then holds no more
        than ``max_quantity`` nor than the stock, in one statement: "add to cart" is the busiest
        write, and two tabs adding at once can neither lose an addition nor trip over the
        unique line. Callers ensure ``0 < quantity <= max_quantity``."""
        added = _add_line(self.user_id, None, sku_id, quantity, max_quantity)
        self._changed()
        return added

    def remove(self, sku_id: int) -> None:
        db.session.execute(db.delete(CartItem).where(CartItem.user_id == self.user_id, CartItem.sku_id == sku_id))
        self._changed()

    def _changed(self) -> None:
        self._cache, self._boxes, self.dirty = None, None, True
        personal_parts.changed(self.user_id)  # the header's count

    def save(self) -> None:
        # Committing expires every loaded object; skip it when nothing changed.
        if self.dirty:
            db.session.commit()
            self.dirty = False


def add_for_session(user_id: int, session_version: int, sku_id: int, quantity: int, max_quantity: int) -> bool:
    """Add to the cart of a signed-in buyer whose user the request has not loaded, as
    UserCart.add does, with the session checked by the same statement: it adds only while
    ``session_version`` is the user's current one. False when it added nothing, a refusal or
    a session no longer current alike; the caller then goes the general way, which tells them
    apart. Commits."""
    if not 0 < quantity <= max_quantity or not _add_line(user_id, session_version, sku_id, quantity, max_quantity):
        return False
    db.session.commit()
    return True


def _add_line(user_id: int, session_version: int | None, sku_id: int, quantity: int, max_quantity: int) -> bool:
    personal_parts.changed(user_id)
    # A Core statement on the session's connection: the ORM's execute path cost more than the
    # statement itself on the busiest write.
    added = execute_losable_on_crash(
        _adding(db.engine.dialect.name, session_version is not None),
        {
            "user_id": user_id,
            "session_version": session_version,
            "sku_id": sku_id,
            "quantity": quantity,
            "updated_at": utcnow(),
            "most": max_quantity,
        },
    )
    return added.first() is not None


@functools.cache
def boxes_column() -> ColumnElement[int]:
    """The boxes in a user's cart, as a column of a statement that selects the user."""
    items = table_of(CartItem)
    return select(func.coalesce(func.sum(items.c.quantity), 0)).where(items.c.user_id == User.id).scalar_subquery()


@functools.cache
def _counting() -> Select[tuple[int | None]]:
    items = table_of(CartItem)
    return select(func.sum(items.c.quantity)).where(items.c.user_id == bindparam("user_id"))


@functools.cache
def _adding(dialect: str, checks_session: bool) -> ReturningInsert[Any]:
    # Built once per database kind: building it on every "add to cart" cost more than it saved.
    table = table_of(CartItem)
    offer = (
        select(
            bindparam("user_id", type_=Integer),
            Sku.id,
            bindparam("quantity", type_=Integer),
            Sku.price_fen,
            bindparam("updated_at", type_=DateTime),
        )
        .join(Product, Product.id == Sku.product_id)
        .where(
            Sku.id == bindparam("sku_id"),
            Sku.is_active.is_(True),
            Product.is_active.is_(True),
            Sku.stock >= bindparam("quantity"),
        )
    )
    if checks_session:
        offer = offer.where(session_is_current(bindparam("user_id"), bindparam("session_version")))
    statement = upsert(table, dialect).from_select(
        ["user_id", "sku_id", "quantity", "price_seen_fen", "updated_at"], offer
    )
    held = table.c.quantity + statement.excluded.quantity
    stock = select(Sku.stock).where(Sku.id == bindparam("sku_id")).scalar_subquery()
    added = statement.on_conflict_do_update(
        index_elements=[table.c.user_id, table.c.sku_id],
        set_={
            "quantity": held,
            "price_seen_fen": statement.excluded.price_seen_fen,
            "updated_at": statement.excluded.updated_at,
        },
        where=(held <= bindparam("most")) & (held <= stock),
    ).returning(table.c.id)
    # A cart line is alone in its transaction (autocommit, or saved at once): it need not wait
    # for the disk.
    return losable_on_crash(added, dialect)


def basket(user_id: int, session_version: int | None = None) -> Basket:
    """A signed-in buyer's cart as checkout places it (orders.Basket): its lines, and the
    statement that hands them over and empties the cart inside the order's transaction. With
    ``session_version``, for a buyer whose user the request has not loaded, both find lines
    only while that session is current, so one no longer current is handed nothing (and
    checkout refuses an empty cart)."""
    lines, hand_over = _basket_statements(session_version is not None)
    personal_parts.changed(user_id)  # the order empties the cart
    return Basket(lines, hand_over, {"user_id": user_id, "session_version": session_version})


@functools.cache
def _basket_statements(checks_session: bool) -> tuple[Select[Any], ReturningDelete[Any]]:
    table = table_of(CartItem)
    mine = [table.c.user_id == bindparam("user_id")]
    if checks_session:
        mine.append(session_is_current(bindparam("user_id"), bindparam("session_version")))
    columns = (table.c.sku_id, table.c.quantity, table.c.price_seen_fen)
    return select(*columns).where(*mine), delete(table).where(*mine).returning(*columns)


def _offer(sku_id: int) -> Row[int, int] | None:
    """The stock and price of a SKU on sale (plain columns: two values are all that is needed)."""
    return db.session.execute(
        select(Sku.stock, Sku.price_fen)
        .join(Product)
        .where(Sku.id == sku_id, Sku.is_active.is_(True), Product.is_active.is_(True))
    ).first()


# Either kind of cart: a guest's in the session cookie, or a signed-in buyer's in the database.
Cart = SessionCart | UserCart


@dataclass(frozen=True)
class CartLine:
    sku: Sku
    product: Product
    image: str | None  # the product's first picture, relative to MEDIA_ROOT
    quantity: int
    price_fen: int
    subtotal_fen: int
    price_changed_from: int | None  # the old price, when it moved since the buyer last saw it
    short_of_stock: bool


@dataclass(frozen=True)
class CartView:
    lines: list[CartLine]
    total_fen: int
    count: int

    @property
    def has_problems(self) -> bool:
        return any(line.short_of_stock for line in self.lines)


def _skus(ids: Iterable[int]) -> dict[int, tuple[Sku, str | None]]:
    """Each SKU with the product fields a cart shows and the product's first picture: one query."""
    query = (
        select(Sku, first_image_path(Sku.product_id))
        .where(Sku.id.in_(list(ids)))
        .options(joinedload(Sku.product).load_only(Product.name, Product.slug, Product.is_active, Product.producer_id))
    )
    return {sku.id: (sku, image) for sku, image in db.session.execute(query)}


def set_quantity(cart: Cart, sku_id: int, quantity: int, max_quantity: int, add: bool = False) -> None:
    """Set (or, with ``add``, increase) a line's quantity; 0 removes it. Saves the cart.

    Raises CartError('unavailable'|'bad_quantity'|'exceeds_stock') and changes nothing.
    """
    if add:
        if not (0 < quantity <= max_quantity and cart.add(sku_id, quantity, max_quantity)):
            raise _refused_addition(cart, sku_id, quantity, max_quantity)
        cart.save()
        return
    sku = _offer(sku_id)
    if sku is None:
        raise CartError("unavailable")
    if not 0 <= quantity <= max_quantity:
        raise CartError("bad_quantity", n=max_quantity)
    if quantity == 0:
        cart.remove(sku_id)
    elif quantity > sku.stock:
        raise CartError("exceeds_stock", n=sku.stock)
    else:
        cart.put(sku_id, quantity, sku.price_fen)
    cart.save()


def _refused_addition(cart: Cart, sku_id: int, quantity: int, max_quantity: int) -> CartError:
    # Only a refused addition reads the SKU and the line again, to say which limit it hit.
    sku = _offer(sku_id)
    if sku is None:
        return CartError("unavailable")
    held = cart.items().get(sku_id, (0, 0))[0]
    if quantity <= 0 or held + quantity > max_quantity:
        return CartError("bad_quantity", n=max_quantity)
    return CartError("exceeds_stock", n=sku.stock)


def view_cart(cart: Cart, acknowledge_prices: bool = False) -> CartView:
    """The cart with today's prices and stock. With ``acknowledge_prices`` the buyer has now
    seen the current prices (the page shows them), so they become the prices checkout expects."""
    items = cart.items()
    skus = _skus(items)
    lines = []
    for sku_id, (quantity, seen) in items.items():
        sku, image = skus.get(sku_id, (None, None))
        if sku is None or not sku.is_active or not sku.product.is_active:
            cart.remove(sku_id)
            continue
        lines.append(
            CartLine(
                sku,
                sku.product,
                image,
                quantity,
                sku.price_fen,
                sku.price_fen * quantity,
                seen if seen != sku.price_fen else None,
                quantity > sku.stock,
            )
        )
        if acknowledge_prices and seen != sku.price_fen:
            cart.put(sku_id, quantity, sku.price_fen)
    cart.save()
    lines.sort(key=lambda line: (line.product.name, line.sku.price_fen))
    return CartView(lines, sum(line.subtotal_fen for line in lines), sum(line.quantity for line in lines))


def merge_guest_cart(guest: SessionCart, user_cart: UserCart, max_quantity: int) -> None:
    """At sign-in, the guest's lines join the stored cart (quantities add up, within limits)."""
    stored = user_cart.items()
    skus = _skus(guest.items())
    for sku_id, (quantity, seen) in guest.items().items():
        sku, _image = skus.get(sku_id, (None, None))
        if sku is None:
            continue
        total = min(stored.get(sku_id, (0, 0))[0] + quantity, max_quantity, max(sku.stock, 1))
        user_cart.put(sku_id, total, seen)
    user_cart.save()
    guest.clear()
