"""What the shop writes down about what happened — why an order or a payment moved, what is
odd about a payment or a booth sale, where a bulk order came from — is stored as a code with
its parameters and put into words when someone reads it, in their language.

Each area registers its words (translatable strings) with ``words``, which gives it the
``note(code, ...)`` its services write; pages show ``spoken(stored)``. A person's own words (a
refund reason typed by staff) and rows written before notes existed are shown as they are."""

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import LazyString, force_locale, get_locale, gettext

_WORDS: dict[str, LazyString] = {}
_STORED = re.compile(r"^[a-z][a-z_]*(?: \{.*\})?$", re.S)


def words(table: Mapping[str, LazyString]) -> Callable[..., str]:
    """Register an area's notes; returns the area's ``note`` for its services to write them.
    Codes are global, so two areas may not use the same one."""
    clash = set(table) & set(_WORDS)
    if clash:
        raise KeyError(f"note codes registered twice: {sorted(clash)}")
    _WORDS.update(table)

    def note(code: str, /, **params: Any) -> str:
        """The stored form of a note: its code, then its parameters as JSON."""
        if code not in table:
            raise KeyError(f"no words for the note {code!r}")
        if not params:
            return code
        return f"{code} {json.dumps(params, ensure_ascii=False, sort_keys=True, default=str)}"

    return note


def spoken(stored: str | None) -> str:
    """A stored note in the reader's words; anything else as it is."""
    if not stored or not _STORED.match(stored):
        return stored or ""
    code, _, params = stored.partition(" ")
    if code not in _WORDS:
        return stored
    return fill(str(_WORDS[code]), json.loads(params) if params else {})


def fill(template: str, params: Mapping[str, Any]) -> str:
    """A translated message with its parameters in; lists (SKU codes, names) are joined the
    reader's way: 、 in Chinese, a comma in English."""
    if not params:
        return template
    values = {
        key: gettext("、").join(map(str, value)) if isinstance(value, (list, tuple)) else value
        for key, value in params.items()
    }
    return template % values


def spoken_lines(stored: str | None) -> list[str]:
    """Several notes kept one a line (a booth sale's flags), each in the reader's words."""
    return [spoken(line) for line in (stored or "").split("\n") if line]


def county_words(message: str, /, **params: Any) -> str:
    """A name written into the data once, in the county's language whoever asked (a booth's
    name is a proper name, like the township's it carries); the message is translatable."""
    with force_locale("zh_CN"):
        return gettext(message, **params)


def in_reader_language(row, field: str) -> str:
    """``row``'s text ``field`` in the reader's language: its ``<field>_en`` on an English page
    where staff gave one, the Chinese otherwise (the text of record), so nothing is ever nameless.
    Works on models and on plain rows alike; templates call it as ``local(row, "name")``."""
    locale = get_locale()
    if locale is not None and locale.language == "en":
        english = getattr(row, f"{field}_en", "")
        if english:
            return english
    return getattr(row, field)
