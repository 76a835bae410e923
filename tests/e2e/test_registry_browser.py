"""County staff import households, open one, and read the audit log, in a real browser."""

import pytest

from app.extensions import db
from app.registry.models import Township, Village
from tests import factories
from tests.admin.test_household_import import HEADER
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser


def test_import_preview_household_page_and_audit_log(app, demo_county, live_server, browser, screenshot, tmp_path):
    with app.app_context():
        factories.user(email="office@example.com", role="staff")
        db.session.commit()
        village = (
            db.session.execute(db.select(Village.name).join(Township).where(Township.code == "gaosha"))
            .scalars()
            .first()
        )
    rows = "".join(
        f"XK{n:06d},新户主{n},{factories.id_number(500 + n)},1390000{n:04d},高沙镇,"
        f"{'不存在村' if n == 3 else village},3,未脱贫,\n"
        for n in range(1, 6)
    )
    bad = tmp_path / "名单.csv"
    bad.write_text(HEADER + rows, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "office@example.com")
    page.goto(live_server + "/staff/households/import")
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="上传并预览").click()
    assert "找不到 高沙镇不存在村" in page.locator("table.import-errors").inner_text()
    screenshot(page, "import-preview-1280")

    page.goto(live_server + "/staff/households")
    page.locator("table a").first.click()
    assert "身份证号" in page.locator("main").inner_text()
    screenshot(page, "household-1280")
    page.goto(live_server + "/staff/audit")
    assert "查看贫困户个人信息" in page.locator("table").inner_text()
    screenshot(page, "audit-1280")
    page.close()
