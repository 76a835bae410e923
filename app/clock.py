"""The county's calendar: dates are Beijing time, whatever the server's clock zone."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

COUNTY_TZ = ZoneInfo("Asia/Shanghai")


def today() -> date:
    return datetime.now(COUNTY_TZ).date()
