"""Pairing tablets with booths: device tokens are issued once, stored only as a hash, and revocable."""

import hashlib
import secrets

from app.audit.services import Actor, record
from app.extensions import db
from app.models_base import utcnow
from app.pos.models import Booth, Device
from app.refusals import Missing

TOKEN_PREFIX = "dkpos_"


class BoothNotFound(Missing):
    pass


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def booth_by_code(code: str) -> Booth:
    booth = db.session.execute(db.select(Booth).where(Booth.code == code.strip().upper())).scalar_one_or_none()
    if booth is None:
        raise BoothNotFound(code)
    return booth


def issue_device_token(booth_code: str, label: str, actor: Actor) -> tuple[Device, str]:
    """A new tablet token for the booth; the token itself is returned once and never stored. Commits."""
    booth = booth_by_code(booth_code)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    device = Device(
        booth_id=booth.id,
        label=label.strip()[:64],
        token_hash=_digest(token),
        token_hint=token[len(TOKEN_PREFIX) :][:6],
        issued_by_id=actor.user_id,
    )
    db.session.add(device)
    db.session.flush()
    record(actor, "issue_device_token", "booth", booth.code, after={"device": device.id, "label": device.label})
    db.session.commit()
    return device, token


def revoke_device(booth: Booth, device_id: int, actor: Actor) -> Device | None:
    """Stop a tablet's token working at once (lost or stolen tablet); None when the booth has no such device."""
    device = db.session.get(Device, device_id)
    if device is None or device.booth_id != booth.id:
        return None
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        record(actor, "revoke_device_token", "booth", device.booth.code, before={"device": device.id})
    db.session.commit()
    return device


def device_for_token(token: str) -> Device | None:
    """The live device holding this token, or None for unknown and revoked tokens."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    device = db.session.execute(db.select(Device).where(Device.token_hash == _digest(token))).scalar_one_or_none()
    if device is None or device.revoked_at is not None:
        return None
    return device
