"""Shared column helpers for the declarative models."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    # A callable default, so each row gets its own time rather than the import time.
    return datetime.now(timezone.utc)
