"""Uploaded photos (product pictures, signed payout receipts): only pixels reach storage.

Every upload is opened by Pillow, checked, and re-encoded as a JPEG no larger than needed, so a
file that merely claims to be a picture — or carries a script, or metadata with a location — is
refused or stripped before anything is stored."""

import hashlib
import io

from PIL import Image, UnidentifiedImageError

from app.storage import storage

MAX_BYTES = 3 * 1024 * 1024
FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


class PictureRejected(Exception):
    """``reason`` is "too_large", "format" or "unreadable"; each area words it for its users."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def reencoded_jpeg(data: bytes, max_side: int) -> bytes:
    if len(data) > MAX_BYTES:
        raise PictureRejected("too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in FORMATS:
            raise PictureRejected("format")
        with Image.open(io.BytesIO(data)) as opened:
            picture = opened.convert("RGB")
            picture.thumbnail((max_side, max_side))
            jpeg = io.BytesIO()
            picture.save(jpeg, "JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise PictureRejected("unreadable") from exc
    return jpeg.getvalue()


def store_jpeg(area: str, stem: str, jpeg: bytes) -> str:
    """Keep a picture in storage ``area`` under ``stem`` and a hash of its content (a changed
    picture is a new name, so it can be cached for good, and every node serves the same file).
    Its key."""
    key = f"{stem}-{hashlib.sha256(jpeg).hexdigest()[:16]}.jpg"
    storage(area).put(key, io.BytesIO(jpeg))
    return key


def store_upload(area: str, stem: str, data: bytes, max_side: int) -> str:
    """An uploaded photo, re-encoded and kept (``store_jpeg``). Raises PictureRejected."""
    return store_jpeg(area, stem, reencoded_jpeg(data, max_side))
