"""Every text the app can show in Chinese has an English translation."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
METHODS = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def test_every_message_has_an_english_translation():
    with open(ROOT / "app/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        translated = {m.id: m.string for m in read_po(f) if m.id}
    used = {message for _file, _line, message, _comments, _ctx in
            extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS)}
    missing = sorted(m for m in used if not translated.get(m))
    assert not missing, f"add English for: {missing[:10]}"
