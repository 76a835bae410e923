"""Chinese resident identity numbers and the masking of personal names for public pages."""

import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CODES = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an identity number."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=False))
    return _CHECK_CODES[total % 11]


def is_valid_id_number(value: str) -> bool:
    """True when ``value`` is an 18-character identity number with a correct check character."""
    value = (value or "").strip().upper()
    return bool(_SHAPE.match(value)) and id_check_char(value[:17]) == value[17]


def mask_name(name: str) -> str:
    """Keep the family name only: 李四光 → 李**, so public pages never show a full name."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "**"


_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def is_valid_mobile(value: str) -> bool:
    """True for an 11-digit mainland mobile number (1[3-9]xxxxxxxxx)."""
    return bool(_MOBILE.match((value or "").strip()))


# Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-letter
# alphabet without I, O, S, V and Z; the last is a check character over the first 17.
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=False))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    code = (code or "").strip().upper()
    if len(code) != 18 or any(c not in _CREDIT_ALPHABET for c in code):
        return False
    return credit_code_check_char(code[:17]) == code[17]
