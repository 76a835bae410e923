"""Recording and searching the audit log."""

import json
from dataclasses import dataclass
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.audit.models import AuditEntry
from app.extensions import db


@dataclass(frozen=True)
class Actor:
    """Who did it and from where, passed in by the view (services never read the request)."""

    user_id: int | None  # None for the command line
    address: str


def record(
    actor: Actor,
    action: str,
    target_type: str,
    target_id: object = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add an audit entry to the caller's transaction. Does not commit."""
    db.session.add(
        AuditEntry(
            actor_user_id=actor.user_id,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            before=json.dumps(before, ensure_ascii=False, default=str) if before is not None else "",
            after=json.dumps(after, ensure_ascii=False, default=str) if after is not None else "",
            address=actor.address[:64],
        )
    )


def search(text: str | None, page: int, per_page: int = 50) -> Pagination:
    """Entries newest first, with the acting user loaded, optionally filtered by a search text."""
    query = select(AuditEntry).options(joinedload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    if text:
        like = f"%{text.strip()}%"
        query = query.where(
            or_(
                AuditEntry.action.like(like),
                AuditEntry.target_id.like(like),
                AuditEntry.target_type.like(like),
                AuditEntry.after.like(like),
            )
        )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
