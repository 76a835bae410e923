"""Chinese resident identity numbers and the masking of personal names for public pages."""
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CODES = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an identity number."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
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
