"""Every text the app can show in Chinese has an English translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
METHODS = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "county_words": None}


def test_every_message_has_an_english_translation():
    with open(ROOT / "app/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        translated = {m.id: m.string for m in read_po(f) if m.id}
    used = {
        message for _file, _line, message, _comments, _ctx in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS)
    }
    missing = sorted(m for m in used if not translated.get(m))
    assert not missing, f"add English for: {missing[:10]}"


def test_wtforms_own_messages_follow_each_requests_language(client):
    """WTForms' built-in messages (here: a quantity that is not a number) come from its catalogue,
    parsed once per language and process: each request still gets its own language."""

    def flashed_after_bad_quantity() -> str:
        return client.post("/cart/add", data={"sku_id": "1", "quantity": "abc"}, follow_redirects=True).get_data(
            as_text=True
        )

    assert "不是有效的整数" in flashed_after_bad_quantity()
    client.post("/language", data={"lang": "en", "next": "/"})
    assert "Not a valid integer value" in flashed_after_bad_quantity()
    client.post("/language", data={"lang": "zh_CN", "next": "/"})
    assert "不是有效的整数" in flashed_after_bad_quantity()
