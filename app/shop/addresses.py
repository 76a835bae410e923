"""A buyer's address book: addresses picked from the national division codes, one of them the
default that checkout starts from. Each function is one transaction."""

from dataclasses import dataclass

from sqlalchemy import func, select, update

from app.domain.identity import is_valid_mobile
from app.extensions import db
from app.refusals import Missing
from app.regions import place
from app.shop.models import SavedAddress
from app.shop.refusals import CartError

MAX_ADDRESSES = 20


@dataclass(frozen=True)
class AddressDraft:
    recipient: str
    mobile: str
    province_code: str
    city_code: str
    county_code: str
    street: str


def add_address(user_id: int, draft: AddressDraft, make_default: bool = False) -> SavedAddress:
    """Commits. The first address is the default."""
    if not is_valid_mobile(draft.mobile.strip()):
        raise CartError("bad_mobile")
    found = place(draft.province_code, draft.city_code, draft.county_code)
    if found is None:
        raise CartError("bad_region")
    count = db.session.scalar(select(func.count(SavedAddress.id)).where(SavedAddress.user_id == user_id)) or 0
    if count >= MAX_ADDRESSES:
        raise CartError("too_many_addresses", n=MAX_ADDRESSES)
    if make_default or count == 0:
        _clear_default(user_id)
    address = SavedAddress(
        user_id=user_id,
        recipient=draft.recipient.strip()[:32],
        mobile=draft.mobile.strip(),
        region_code=found.county_code,
        province=found.province,
        city=found.city,
        county=found.county,
        street=draft.street.strip()[:120],
        is_default=make_default or count == 0,
    )
    db.session.add(address)
    db.session.commit()
    return address


def _clear_default(user_id: int) -> None:
    db.session.execute(
        update(SavedAddress)
        .where(SavedAddress.user_id == user_id, SavedAddress.is_default.is_(True))
        .values(is_default=False)
    )


def _own(user_id: int, address_id: int) -> SavedAddress:
    address = db.session.get(SavedAddress, address_id)
    if address is None or address.user_id != user_id:
        raise Missing(address_id)
    return address


def set_default(user_id: int, address_id: int) -> None:
    """Commits."""
    address = _own(user_id, address_id)
    _clear_default(user_id)
    address.is_default = True
    db.session.commit()


def remove(user_id: int, address_id: int) -> None:
    """Commits. When the default goes, the newest other address becomes the default."""
    address = _own(user_id, address_id)
    was_default = address.is_default
    db.session.delete(address)
    db.session.flush()
    if was_default:
        newest = db.session.scalar(
            select(SavedAddress).where(SavedAddress.user_id == user_id).order_by(SavedAddress.id.desc()).limit(1)
        )
        if newest is not None:
            newest.is_default = True
    db.session.commit()


def addresses_of(user_id: int) -> list[SavedAddress]:
    """The default first, then the newest."""
    return list(
        db.session.scalars(
            select(SavedAddress)
            .where(SavedAddress.user_id == user_id)
            .order_by(SavedAddress.is_default.desc(), SavedAddress.id.desc())
        )
    )


def address_of(user_id: int, address_id: int) -> SavedAddress:
    return _own(user_id, address_id)
