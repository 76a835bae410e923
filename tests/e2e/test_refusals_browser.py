"""An English-reading member of staff and a visitor meet ten of the shop's refusals through the
pages, and every one of them reads English: services refuse with a code, and the words are
looked up in the reader's language (app.refusals)."""

import re

import pytest

from app.catalog.models import Product, Sku
from app.domain import roles
from app.events.models import Event
from app.extensions import db
from app.pos.models import Booth
from app.registry.models import Producer
from tests import factories

pytestmark = pytest.mark.browser
CJK = re.compile(r"[\u4e00-\u9fff]")
PASSWORD = "correct horse battery"


@pytest.fixture()
def county(app, demo_county, live_server):
    with app.app_context():
        staff = factories.user(email="en-staff@example.com", role=roles.STAFF, name="Wang")
        db.session.commit()
        product = db.session.execute(db.select(Product).where(Product.slug == "xuefeng-mandarin")).scalar_one()
        return {
            "base": live_server,
            "staff_id": staff.id,
            "product": product.id,
            "sku": db.session.execute(db.select(Sku).where(Sku.code == "XFMJ-5")).scalar_one().id,
            "producer": db.session.execute(db.select(Producer.id).order_by(Producer.id)).scalars().first(),
            "event": db.session.execute(db.select(Event.code).order_by(Event.id)).scalars().first(),
            "booth": db.session.execute(db.select(Booth.code).order_by(Booth.id)).scalars().first(),
        }


def _in_english(page, base: str) -> None:
    page.goto(base + "/")
    page.wait_for_load_state("networkidle")
    with page.expect_navigation():
        page.evaluate("(b => b.form.requestSubmit(b))(document.querySelector('button[name=lang][value=en]'))")


def _submit(page, action: str, fields: dict[str, str]) -> list[str]:
    """Fill the form posting to ``action`` (or, for a page's own form, the one holding the first
    field) as a person would and send it; the answer's alerts and field errors as shown."""
    first = next(iter(fields))
    form = page.locator(
        f'form[action$="{action}"]:has([name="{first}"]), main form:not([action]):has([name="{first}"])'
    ).first
    # A form folded away under a heading is opened the way a person opens it.
    form.evaluate("f => { const d = f.closest('details'); if (d && !d.open) d.querySelector('summary').click(); }")
    for name, value in fields.items():
        control = form.locator(f'[name="{name}"]')
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    with page.expect_navigation():
        form.locator('[type="submit"]').first.click()
    return page.locator(".alert-danger, .invalid-feedback").all_inner_texts()


def _english(messages: list[str], expected: str) -> str:
    text = " ".join(messages)
    assert expected in text, (expected, text)
    assert not CJK.search(text), text
    return text


def test_ten_refusals_read_english(browser, county, screenshot):
    base = county["base"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _in_english(page, base)

    # A visitor: signing in with a wrong password, registering an address that has an account.
    page.goto(base + "/account/login")
    _english(
        _submit(page, "/account/login", {"email": "en-staff@example.com", "password": "wrong-pass"}),
        "Wrong email or password",
    )
    page.goto(base + "/account/register")
    _english(
        _submit(
            page,
            "/account/register",
            {"name": "Li", "email": "en-staff@example.com", "password": "long-enough-1", "confirm": "long-enough-1"},
        ),
        "This email already has an account",
    )

    page.goto(base + "/account/login")
    _submit(page, "/account/login", {"email": "en-staff@example.com", "password": PASSWORD})
    product, sku = county["product"], county["sku"]

    page.goto(f"{base}/staff/products/{product}")
    _english(_submit(page, f"/skus/{sku}/stock", {"delta": "-999999", "reason": "count"}), "Not enough stock")
    page.goto(f"{base}/staff/products/{product}")
    _english(
        _submit(
            page,
            f"/products/{product}/skus",
            {"code": "XFMJ-5", "name": "Box", "unit": "box", "price": "10", "stock": "1"},
        ),
        "already in use",
    )
    page.goto(f"{base}/staff/products/{product}")
    _english(
        _submit(
            page,
            f"/products/{product}/certifications",
            {"number": "X-1", "issuer": "Office", "valid_from": "2026-12-31", "valid_to": "2026-01-01"},
        ),
        "cannot be before its start",
    )

    page.goto(f"{base}/staff/producers/{county['producer']}")
    _english(
        _submit(page, "/links", {"registration_no": "NO-SUCH-HOUSEHOLD", "weight": "1", "valid_from": "2099-01-01"}),
        "There is no registered household",
    )

    page.goto(f"{base}/staff/users")
    _english(
        _submit(page, "/staff/users", {"email": "en-staff@example.com", "name": "Wang"}),
        "This email already has an account",
    )
    page.goto(f"{base}/staff/users?q=en-staff")
    _english(
        _submit(page, f"/users/{county['staff_id']}/role", {"role": roles.CONSUMER}),
        "cannot disable your own account or change your own role",
    )

    page.goto(f"{base}/staff/events")
    _english(
        _submit(
            page,
            "/staff/events",
            {"code": county["event"], "name": "Fair", "starts_on": "2027-01-01", "ends_on": "2027-01-02"},
        ),
        "is already in use",
    )
    page.goto(f"{base}/staff/booths/{county['booth']}")
    _english(_submit(page, "/allocations", {"a-sku": "NO-SUCH-SKU", "a-quantity": "5"}), "There is no product code")
    page.goto(f"{base}/staff/booths/{county['booth']}")
    shown = _english(_submit(page, "/clerks", {"c-email": "nobody@example.com"}), "There is no clerk account")
    assert "nobody@example.com" in shown
    screenshot(page, "refusal-en-1280")
    page.close()
