"""Staff export a ledger of 200,000 rows from the report page: a worker process writes it while
the progress bar advances, and the downloaded file agrees with the report to the row and fen."""

import csv

import pytest

from app.extensions import db
from app.impact.reports import ReportFilters, build_report
from tests.conftest import serving
from tests.e2e.conftest import sign_in
from tests.jobs.conftest import redis_queue  # noqa: F401
from tests.jobs.ledger import big_ledger
from tests.jobs.test_worker import start_worker
from tests.processes import stop
from tests.shop.conftest import buyer, shop, staff  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_200000_row_export_shows_its_progress_and_matches_the_report(
    browser, app, make_app, test_settings, shop, buyer, staff, redis_queue, screenshot, tmp_path
):
    url, name = redis_queue
    rows = big_ledger(app, buyer, staff, shop, 200_000)
    with app.app_context():
        total = build_report("channel", ReportFilters(), staff=True).total
        db.session.remove()
    assert rows >= 200_000 and total.household_times == rows

    queued = make_app({**test_settings, "REDIS_URL": url, "JOBS_QUEUE": name})
    worker = start_worker(test_settings, url, name)
    try:
        with serving(queued) as base:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            sign_in(page, base, "staff@example.com")
            page.goto(base + "/staff/reports?dimension=channel")
            page.get_by_role("button", name="导出 CSV").click()
            page.wait_for_url("**/staff/jobs/exports/*")
            bar = page.locator("[role=progressbar]")
            seen, shot = set(), False
            while not page.locator("#export-ready").is_visible():
                value = int(bar.get_attribute("aria-valuenow"))
                if 0 < value < 100:
                    seen.add(value)
                    # Pictured once the bar has moved twice: the picture waits for the network
                    # to settle, and the bar must not move on unwatched meanwhile.
                    if not shot and len(seen) >= 2:
                        screenshot(page, "export-progress-1280")
                        shot = True
                page.wait_for_timeout(100)
            assert len(seen) >= 2, seen  # it moved while the worker wrote
            assert bar.get_attribute("aria-valuenow") == "100"
            assert f"{rows:,}" in page.locator("#export-rows").inner_text()
            screenshot(page, "export-done-1280")
            with page.expect_download() as download:
                page.locator("#export-download").click()
            saved = tmp_path / "ledger.csv"
            download.value.save_as(saved)
            page.close()
    finally:
        stop(worker)
    with open(saved, encoding="utf-8-sig", newline="") as text:
        written = list(csv.reader(text))
    assert written[0][0] == "记账时间" and len(written) - 1 == rows
    assert sum(round(float(r[-1]) * 100) for r in written[1:]) == total.sales_fen
