"""Headless Chromium (Debian's package) driven by Playwright; screenshots land in artifacts/screenshots."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# Without these flags Chromium dials Google's services at start, which a closed network refuses.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make test does)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture()
def screenshot():
    """Takes a full-page picture for people to look at (artifacts/screenshots). CI's throwaway
    checkout sets SCREENSHOTS=off: nobody sees its pictures, and waiting for each page's network
    to settle and encoding it was 46 s of the browser tests' 162 s. No test reads a picture."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    taking = os.environ.get("SCREENSHOTS", "on") != "off"

    def take(page, name: str) -> None:
        if not taking:
            return
        # A full-page picture must show the lazy images below the fold too.
        page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return take


def sign_in(page, base: str, email: str, password: str = "correct horse battery") -> None:
    """Sign in through the login form, as a person would."""
    page.goto(base + "/account/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")
