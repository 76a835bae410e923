"""A clerk at a fair on bad Wi-Fi: five cash sales with the network off, a reload while still
offline, and exactly five sales on the server once the network is back; then a box rung up
by its typed lot code, offline too, and one by its label held to the tablet's camera."""

import io
import re

import pytest
import segno
from PIL import Image
from sqlalchemy import func

from app.catalog.models import Sku
from app.clock import today
from app.domain import roles
from app.extensions import db
from app.orders.models import OrderLine
from app.pos.models import Booth, BoothSale
from app.trace.models import Lot
from tests import factories
from tests.e2e.conftest import CHROMIUM, FLAGS, sign_in

pytestmark = pytest.mark.browser
TABLET = {"width": 1024, "height": 768}
WIDE_TABLET = {"width": 1280, "height": 800}


@pytest.fixture()
def fair(app, demo_county, live_server):
    with app.app_context():
        booth = db.session.execute(db.select(Booth).where(Booth.code == f"WEEK{today().year}-GAOSHA")).scalar_one()
        booth.clerks.append(factories.user(email="booth-clerk@example.com", role=roles.CLERK, name="店员小陈"))
        factories.user(email="fair-staff@example.com", role=roles.STAFF, name="王干事")
        db.session.commit()
        code = booth.code
    return live_server, code


def _booth_sales(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(func.count()).select_from(BoothSale).join(Booth).where(Booth.code == code))


def _unsynced_is(page, count: int, timeout: float = 30000) -> None:
    # Locators, not wait_for_function: the page's CSP rightly forbids the eval it would need.
    page.locator(f"#queue-badge[data-unsynced='{count}']").wait_for(state="attached", timeout=timeout)


def _lot_of(app, sku_code: str) -> str:
    with app.app_context():
        return db.session.scalar(db.select(Lot.code).join(Sku).where(Sku.code == sku_code).order_by(Lot.id))


def _lines_of_lot(app, lot: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(func.count()).select_from(OrderLine).join(Lot).where(Lot.code == lot))


def _cash_sale(page, tiles: int) -> None:
    for n in range(tiles):
        page.locator(".pos-tile").nth(n).click()
    _pay_cash(page)


def _pay_cash(page) -> None:
    page.locator("#pay-cash").click()
    page.locator("#pad-quick button").last.click()  # a round banknote amount: change is due
    assert "找零" in page.locator("#pad-hint").inner_text()
    page.locator("#pad-ok").click()
    page.locator("#receipt").wait_for(state="visible")
    assert page.locator("#receipt-qr img").count() == 1


def test_five_offline_sales_survive_a_reload_and_sync_exactly_once(app, browser, fair, screenshot):
    base, code = fair
    before = _booth_sales(app, code)
    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    sign_in(page, base, "booth-clerk@example.com")
    page.goto(base + "/pos/")
    page.get_by_role("button", name="高沙镇展位").click()
    page.locator(".pos-tile").first.wait_for()
    # The till must be cached and controlled by its service worker before the Wi-Fi drops.
    page.locator("body[data-sw-ready='1']").wait_for(state="attached")
    assert page.locator("#booth-name").inner_text() == "高沙镇展位"
    # Let the product photos finish loading: a request cut off by the switch below would
    # leave the test server holding an open file.
    page.wait_for_load_state("networkidle")

    context.set_offline(True)
    page.locator("#net-badge", has_text="离线").wait_for()
    for n in range(5):
        _cash_sale(page, 1 + n % 2)
        if n == 4:
            screenshot(page, "pos-receipt-1024")
        page.locator("#next-buyer").click()
    _unsynced_is(page, 5)
    page.locator(".pos-tile").first.click()
    page.locator(".pos-tile").nth(1).click()
    screenshot(page, "pos-offline-1024")

    page.reload()
    page.locator(".pos-tile").first.wait_for()
    _unsynced_is(page, 5)
    assert page.locator("#net-badge").inner_text() == "离线"
    assert _booth_sales(app, code) == before

    context.set_offline(False)
    _unsynced_is(page, 0, timeout=20000)
    assert _booth_sales(app, code) == before + 5
    page.set_viewport_size(WIDE_TABLET)
    page.locator("#search").fill("蜜橘")
    screenshot(page, "pos-online-1280")
    # A phone used as a till: the sale below the products, nothing to scroll sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".pos-tile").first.click()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert page.locator("#pay-cash").is_visible() and page.locator("#pay-cash").is_enabled()
    screenshot(page, "pos-phone-390")
    page.locator("#clear-cart").click()
    page.set_viewport_size(WIDE_TABLET)

    # A box's label typed in while the Wi-Fi is down again: the cached catalogue knows its lot.
    context.set_offline(True)
    lot = _lot_of(app, "XFMJ-5")
    page.locator("#search").fill(lot.lower())
    page.locator("#search").press("Enter")
    assert f"批次 {lot}" in page.locator("#cart-lines").inner_text()
    _pay_cash(page)
    page.locator("#next-buyer").click()
    context.set_offline(False)
    _unsynced_is(page, 0, timeout=20000)
    assert _lines_of_lot(app, lot) == 1

    page.goto(base + f"/pos/booths/{code}/close")
    assert "日结报告" in page.locator("main").inner_text()
    screenshot(page, "pos-close-1280")
    context.close()


def test_staff_watch_the_board_and_pair_a_tablet(browser, fair, screenshot):
    base, code = fair
    page = browser.new_page(viewport=WIDE_TABLET)
    sign_in(page, base, "fair-staff@example.com")
    page.goto(base + f"/staff/events/WEEK{today().year}/board")
    page.locator("#booths-chart").wait_for()
    page.locator("#board-updated").filter(has_text=re.compile(r"\d")).wait_for()
    screenshot(page, "staff-event-board-1280")
    page.goto(base + f"/staff/booths/{code}")
    page.get_by_label("平板名称").fill("2 号平板")
    page.get_by_role("button", name="签发令牌").click()
    assert "只显示这一次" in page.locator("main").inner_text()
    screenshot(page, "staff-booth-token-1280")
    page.close()


def test_a_buyer_scans_a_box_and_reads_its_story_on_a_phone(app, browser, fair, screenshot):
    base, _code = fair
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base + f"/t/{_lot_of(app, 'XFMJ-5')}")
    assert "它帮到了谁" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "trace-390")
    page.close()


def _camera_showing(url: str, path) -> None:
    """A y4m video, as Chromium's fake camera plays it, of a box's label: its QR code on white."""
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=6, border=4)
    png.seek(0)
    qr = Image.open(png).convert("L")
    image = Image.new("L", (640, 480), 255)
    image.paste(qr, ((640 - qr.width) // 2, (480 - qr.height) // 2))
    y, u, v = image.convert("YCbCr").split()
    frame = b"FRAME\n" + y.tobytes() + u.resize((320, 240)).tobytes() + v.resize((320, 240)).tobytes()
    path.write_bytes(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n" + frame * 10)


def test_a_clerk_rings_up_a_box_by_scanning_its_label_with_the_camera(app, browser, fair, screenshot, tmp_path):
    base, _code = fair
    lot = _lot_of(app, "XFMJ-5")
    sold_before = _lines_of_lot(app, lot)
    video = tmp_path / "label.y4m"
    _camera_showing(f"{base}/t/{lot}", video)
    # A browser of its own: the camera is a launch option. The permission prompt is answered yes.
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=FLAGS
        + [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        page = camera.new_page(viewport=TABLET)
        sign_in(page, base, "booth-clerk@example.com")
        page.goto(base + "/pos/")
        page.get_by_role("button", name="高沙镇展位").click()
        page.locator(".pos-tile").first.wait_for()
        page.locator("#scan").click()
        page.locator("#cart-lines", has_text=f"批次 {lot}").wait_for(timeout=20000)
        assert page.locator("#scanner").is_hidden()
        screenshot(page, "pos-scanned-1024")
        _pay_cash(page)
        _unsynced_is(page, 0)
    finally:
        camera.close()
    assert _lines_of_lot(app, lot) == sold_before + 1
