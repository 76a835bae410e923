"""Read-only questions about events."""

from datetime import date

from app.events.models import Event
from app.extensions import db


def current_event(today: date) -> Event | None:
    """The running event, else the next one to start; None when nothing is on or ahead."""
    running = db.select(Event).where(Event.starts_on <= today, Event.ends_on >= today)
    found = db.session.execute(running.order_by(Event.starts_on.desc()).limit(1)).scalar_one_or_none()
    if found:
        return found
    upcoming = db.select(Event).where(Event.starts_on > today).order_by(Event.starts_on).limit(1)
    return db.session.execute(upcoming).scalar_one_or_none()


def events_newest_first() -> list[Event]:
    return list(db.session.execute(db.select(Event).order_by(Event.starts_on.desc())).scalars())


def event_by_code(code: str) -> Event | None:
    return db.session.execute(db.select(Event).where(Event.code == code)).scalar_one_or_none()
