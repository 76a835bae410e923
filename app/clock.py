"""The county's calendar: dates are Beijing time, whatever the server's clock zone."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

COUNTY_TZ = ZoneInfo("Asia/Shanghai")


def today() -> date:
    return datetime.now(COUNTY_TZ).date()


def county_time(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored moment as the county reads it; stored times without a zone are UTC."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(COUNTY_TZ).strftime(pattern)
