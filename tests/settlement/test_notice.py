"""The village public notice (公示) and a household's own check: the ledger's and the payout
book's figures, and nothing that names a household."""

import io

import pypdfium2

from app.clock import today
from app.extensions import db
from app.impact.models import Attribution
from app.registry.models import Household
from tests.settlement.conftest import THIS_MONTH
from tests.settlement.test_scope import two_villages  # noqa: F401


def _pdf_text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    return "".join(page.get_textpage().get_text_range() for page in document).replace(" ", "").replace("\r\n", "")


def _private_fields(app, village_name: str) -> list[str]:
    with app.app_context():
        from app.registry.models import Village

        rows = db.session.scalars(db.select(Household).join(Village).where(Village.name == village_name)).all()
        return [v for h in rows for v in (h.head_name, h.id_number, h.phone, h.registration_no)]


def test_the_notice_shows_the_ledger_and_the_payouts_and_names_nobody(app, client, two_villages):
    from tests.bulk.conftest import signed_in

    staff = signed_in(app, "staff@example.com")
    paid_line = two_villages["line"]["east_1"]
    staff.post(
        f"/settlement/lines/{paid_line}/payouts", data={"amount": "20.00", "paid_on": str(today()), "method": "cash"}
    )
    with app.app_context():
        from app.registry.models import Village

        east = db.session.scalar(db.select(Village.id).where(Village.name == "东村"))
        ledger = db.session.scalar(db.select(db.func.sum(Attribution.amount_fen)).where(Attribution.village_id == east))
    month = f"{THIS_MONTH:%Y-%m}"
    assert client.get(f"/notice/villages/{east}").location.endswith(f"/notice/villages/{east}/{month}")
    page = client.get(f"/notice/villages/{east}/{month}").get_data(as_text=True)
    with client.get(f"/notice/villages/{east}/{month}.pdf") as pdf:  # a stored file streams: close it
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        text = _pdf_text(pdf.data)
    for shown in (page, text):
        assert "东**" in shown and "1组" in shown and "2组" in shown
        assert f"{ledger / 100:,.2f}" in shown and "20.00" in shown
        for private in _private_fields(app, "东村"):
            assert private not in shown
    assert "西**" not in page
    assert client.get("/notice").status_code == 200
    assert client.get(f"/notice/villages/{east}/2026-13").status_code == 404


def test_a_household_checks_its_own_figures_with_its_code(app, client, two_villages):
    with app.app_context():
        household = db.session.get(Household, two_villages["east_1"])
        code = household.check_code
        attributed = db.session.scalar(
            db.select(db.func.sum(Attribution.amount_fen)).where(Attribution.household_id == household.id)
        )
    found = client.post("/notice/check", data={"code": code.lower()})
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and "东**" in page and f"{attributed / 100:,.2f}" in page
    assert "东一户" not in page
    wrong = client.post("/notice/check", data={"code": "ABCDEFGHJK"})
    assert wrong.status_code == 400 and "查询码不对" in wrong.get_data(as_text=True)
    assert client.post("/notice/check", data={"code": "12"}).status_code == 400


def test_guessing_codes_is_rate_limited(make_app, test_settings):
    client = make_app({**test_settings, "RATELIMIT_ENABLED": True}).test_client()
    answers = [client.post("/notice/check", data={"code": "ABCDEFGHJK"}).status_code for _ in range(11)]
    assert answers[:10] == [400] * 10 and answers[-1] == 429
