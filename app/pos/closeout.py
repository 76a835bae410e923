"""The booth's daily close-out (Z report): counted cash against what the sales say."""

from datetime import date

from app.audit.services import Actor, record
from app.extensions import db
from app.pos.models import Booth, BoothClose
from app.pos.queries import day_summary


class AlreadyClosed(Exception):
    pass


def close_booth_day(booth: Booth, day: date, counted_cash_fen: int, note: str, actor: Actor) -> BoothClose:
    """Record the count once per booth and day, with over/short. Commits.

    Sales synced after the close still count in the day's figures; the Z report shows
    them against the closed count rather than letting anyone re-close and hide a gap.
    """
    summary = day_summary(booth, day)
    if summary["close"] is not None:
        raise AlreadyClosed(booth.code)
    closing = BoothClose(
        booth_id=booth.id,
        day=day,
        sales_count=summary["count"],
        expected_cash_fen=summary["expected_cash_fen"],
        counted_cash_fen=counted_cash_fen,
        over_short_fen=counted_cash_fen - summary["expected_cash_fen"],
        note=note.strip()[:255],
        closed_by_id=actor.user_id,
    )
    db.session.add(closing)
    record(
        actor,
        "close_booth_day",
        "booth",
        booth.code,
        after={
            "day": day,
            "expected_cash_fen": closing.expected_cash_fen,
            "counted_cash_fen": counted_cash_fen,
            "over_short_fen": closing.over_short_fen,
        },
    )
    db.session.commit()
    return closing
