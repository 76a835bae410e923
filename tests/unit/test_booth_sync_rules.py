"""The booth sync's pure rules, without a database: when a sale counts, what makes two copies
of a sale the same sale, and which county day a moment falls on."""

from datetime import UTC, date, datetime, timedelta

from app.clock import county_date
from app.pos.schemas import SaleIn
from app.pos.sync import CLOCK_AHEAD, sale_moment
from tests.pos.fixtures import sale

EVENT_START = date(2026, 10, 17)
NOW = datetime(2026, 10, 17, 4, 0, tzinfo=UTC)


def _sale(sold_at: datetime) -> SaleIn:
    return SaleIn.model_validate(sale("XFMJ-5", sold_at=sold_at))


def test_a_sale_counts_at_the_tablets_time_when_its_clock_is_believable():
    sold = datetime(2026, 10, 17, 11, 30, tzinfo=UTC) - timedelta(hours=8)
    assert sale_moment(_sale(sold), EVENT_START, NOW) == (sold, [])


def test_a_tablet_clock_ahead_of_the_server_or_before_the_event_is_overruled_and_flagged():
    for wrong in (NOW + CLOCK_AHEAD + timedelta(seconds=1), datetime(2026, 10, 15, tzinfo=UTC)):
        moment, flags = sale_moment(_sale(wrong), EVENT_START, NOW)
        assert moment == NOW and len(flags) == 1


def test_the_same_sale_hashes_alike_whatever_order_its_keys_came_in():
    body = sale("XFMJ-5", sold_at=NOW)
    shuffled = dict(reversed(list(body.items())))
    assert SaleIn.model_validate(body).payload_hash() == SaleIn.model_validate(shuffled).payload_hash()
    other = {**body, "lines": [{**body["lines"][0], "quantity": 2}], "total_fen": 2 * body["total_fen"]}
    other["tender"] = {"method": "cash", "tendered_fen": other["total_fen"], "change_fen": 0}
    assert SaleIn.model_validate(other).payload_hash() != SaleIn.model_validate(body).payload_hash()


def test_the_county_day_of_a_moment_is_beijings_day():
    assert county_date(datetime(2026, 10, 16, 23, 30, tzinfo=UTC)) == date(2026, 10, 17)
    assert county_date(datetime(2026, 10, 17, 15, 59)) == date(2026, 10, 17)  # naive times are UTC
    assert county_date(datetime(2026, 10, 17, 16, 0, tzinfo=UTC)) == date(2026, 10, 18)
