"""A buyer at the booth with no cash: the till shows a QR code, the buyer pays on their own
phone (a second browser) through localstripe, the till completes the sale by itself, and a
resend of that sale records nothing more. With the Wi-Fi down the tender says why it is off.

localstripe's stand-in for Stripe.js has no Payment Element confirmation, and its API takes a
browser's confirmation only for 3-D Secure. The phone's page therefore gets the one piece
Stripe.js would do there: ``confirmPayment`` hands the card typed into the element to the test,
which creates the payment method and confirms the PaymentIntent at localstripe through the
stripe SDK (as Stripe's servers would), then the page follows the return URL like Stripe.js.
"""

import re

import pytest
import requests
import stripe
from playwright.sync_api import expect
from sqlalchemy import func

from app.extensions import db
from app.impact.models import Attribution
from app.orders.models import Order
from app.pos.models import BoothSale
from app.settlement.book_check import find_all
from tests.conftest import serving
from tests.e2e.conftest import sign_in
from tests.payments.conftest import WEBHOOK_SECRET
from tests.pos.fixtures import build_fair

pytestmark = pytest.mark.browser
TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}

# Runs in the phone's page before its scripts: wraps localstripe's Stripe() with confirmPayment.
CONFIRM_PAYMENT = """
Object.defineProperty(window, "Stripe", {
  configurable: true,
  set(factory) {
    Object.defineProperty(window, "Stripe", { configurable: true, writable: true, value: (key, options) => {
      const stripe = factory(key, options);
      stripe.confirmPayment = async ({ elements, confirmParams }) => {
        const secret = document.getElementById("payment-form").dataset.clientSecret;
        const result = await window.confirmAtLocalstripe(secret, elements.getElement("payment").value.card);
        if (result.error) return { error: { message: result.error } };
        location.href = confirmParams.return_url;
        return {};
      };
      return stripe;
    } });
  },
});
"""


def _totals(app) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(db.select(func.count(Order.id))),
            db.session.scalar(db.select(func.count(BoothSale.id))),
            db.session.scalar(db.select(func.coalesce(func.sum(Attribution.amount_fen), 0))),
        )


def test_a_booth_qr_sale_paid_on_the_buyers_phone_completes_on_the_till(
    make_app, browser, stripe_settings, localstripe, screenshot
):
    paying = make_app(
        {**stripe_settings, "STRIPE_API_BASE": localstripe, "STRIPE_JS_URL": f"{localstripe}/js.stripe.com/v3/"}
    )
    build_fair(paying)
    sdk = stripe.StripeClient("sk_test_dongkou", base_addresses={"api": localstripe})

    def confirm_at_localstripe(_source, secret: str, card: dict) -> dict:
        intent_id = re.match(r"^(pi_\w+)_secret_", secret).group(1)
        method = sdk.v1.payment_methods.create(
            params={
                "type": "card",
                "card": {
                    "number": card["number"],
                    "exp_month": int(card["exp_month"]),
                    "exp_year": int(card["exp_year"]),
                    "cvc": card["cvc"],
                },
            }
        )
        sdk.v1.payment_intents.update(intent_id, params={"payment_method": method["id"]})
        return {"status": sdk.v1.payment_intents.confirm(intent_id)["status"]}

    with serving(paying) as base:
        requests.post(
            f"{localstripe}/_config/webhooks/dongkou",
            timeout=5,
            data={"url": f"{base}/payments/stripe/webhook", "secret": WEBHOOK_SECRET},
        )
        till_context = browser.new_context(viewport=TABLET)
        till = till_context.new_page()
        sign_in(till, base, "clerk@example.com")
        till.goto(base + "/pos/")
        till.get_by_role("button", name="高沙镇展位").click()
        till.locator(".pos-tile").first.wait_for()
        # The fair's products have photo rows but no files: their tiles show the product's name,
        # as a product without a photo does, not a broken picture. Each tile's photo fails on its
        # own, so the check waits (within Playwright's timeout) for the last of them.
        till.locator(".pos-tile .pos-tile-noimg").first.wait_for()
        expect(till.locator(".pos-tile img")).to_have_count(0)
        till.locator(".pos-tile").first.click()
        till.locator(".pos-tile").first.click()
        assert till.locator("#pay-online").is_enabled()
        till.locator("#pay-online").click()
        till.locator("#online-qr img").wait_for()
        pay_url = till.locator("#online-qr img").get_attribute("alt")
        assert pay_url.startswith(f"{base}/pay/booth/")
        assert till.locator("#online-amount").inner_text() == "¥79.60"
        till.locator("#online-status", has_text="等待顾客在手机上付款").wait_for()
        screenshot(till, "pos-online-qr-1024")
        # Every title the receipt shows from here on: an online sale's must never read, even for
        # a moment, as a cash sale saved on this tablet (it once did, until the page caught up).
        till.evaluate(
            """() => {
                window.receiptTitles = [];
                const title = document.getElementById("receipt-title");
                new MutationObserver(() => window.receiptTitles.push(title.textContent))
                    .observe(title, { childList: true, characterData: true, subtree: true });
            }"""
        )

        phone_context = browser.new_context(viewport=PHONE)
        phone_context.add_init_script(CONFIRM_PAYMENT)
        phone_context.expose_binding("confirmAtLocalstripe", confirm_at_localstripe)
        phone = phone_context.new_page()
        phone.goto(pay_url)
        assert "高沙镇展位" in phone.locator("main").inner_text()
        assert "雪峰蜜橘" in phone.locator(".booth-sale-lines").inner_text()
        phone.locator("#payment-element input").first.wait_for()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(phone, "booth-pay-390")
        for field, value in (("number", "4242424242424242"), ("exp_month", "12"), ("exp_year", "30"), ("cvc", "123")):
            phone.locator(f"#payment-element input[placeholder={field}]").fill(value)
        phone.get_by_role("button", name="确认付款 ¥79.60").click()
        phone.get_by_text("已付款，谢谢您的支持！").wait_for()
        screenshot(phone, "booth-paid-390")

        # The till learns it by itself and completes the sale.
        till.locator("#receipt").wait_for(state="visible", timeout=15000)
        assert till.locator("#receipt-title").inner_text() == "顾客已在线付款，销售已记账"
        assert set(till.evaluate("window.receiptTitles")) == {"顾客已在线付款，销售已记账"}
        assert "在线支付" in till.locator("#receipt-amounts").inner_text()
        screenshot(till, "pos-online-paid-1024")
        assert _totals(paying) == (1, 1, 7960)

        # A resend, as a till that never saw the answer would: the same order, nothing new.
        resent = till.evaluate(
            """async () => {
                const [record] = await PosStore.salesWithStatus("synced");
                const headers = { "Content-Type": "application/json",
                                  Authorization: "Bearer " + await PosStore.get("token") };
                const opened = await fetch("/api/v1/pos/online-payments",
                    { method: "POST", headers, body: JSON.stringify(record.payload) });
                const synced = await fetch("/api/v1/pos/sales",
                    { method: "POST", headers, body: JSON.stringify({ sales: [record.payload] }) });
                return { opened: await opened.json(), synced: await synced.json(), number: record.orderNumber };
            }"""
        )
        assert resent["opened"]["status"] == "paid"
        assert resent["opened"]["order_number"] == resent["number"]
        assert resent["synced"]["results"][0]["outcome"] == "duplicate"
        assert _totals(paying) == (1, 1, 7960)

        # The Wi-Fi drops: the tender is off, and says why.
        till.locator("#next-buyer").click()
        till.locator(".pos-tile").first.click()
        till_context.set_offline(True)
        till.locator("#net-badge", has_text="离线").wait_for()
        assert till.locator("#pay-online").is_disabled()
        assert till.locator("#online-hint").inner_text() == "离线时不能在线支付：请收现金或用收款码。"
        screenshot(till, "pos-online-offline-1024")
        till_context.close()
        phone_context.close()

    with paying.app_context():
        assert find_all() == []
