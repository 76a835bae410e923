"""The county's calendar: dates are Beijing time, whatever the server's clock zone."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

COUNTY_TZ = ZoneInfo("Asia/Shanghai")


def today() -> date:
    return datetime.now(COUNTY_TZ).date()


def county_date(moment: datetime) -> date:
    """The county's day of a stored moment: every business date (ledger day, benefit-rule and
    certification validity, order numbers, the Z report) is this, never the UTC date of it.
    Stored times without a zone are UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(COUNTY_TZ).date()


def month_start(day: date) -> date:
    """The first day of ``day``'s month: the key of the ledger's monthly roll-up."""
    return day.replace(day=1)


def next_month_start(day: date) -> date:
    return (month_start(day) + timedelta(days=32)).replace(day=1)


def county_time(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored moment as the county reads it; stored times without a zone are UTC."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(COUNTY_TZ).strftime(pattern)
