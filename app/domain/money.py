"""Money as integer fen (分): parsing at the edges, formatting for people, exact splits."""

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

FEN_PER_YUAN = 100


class InvalidAmount(ValueError):
    """Raised when text cannot be read as an amount of yuan with at most two decimals."""


def parse_yuan(text: str) -> int:
    """Return the fen in a yuan amount typed by a person, e.g. "12.30" → 1230."""
    cleaned = str(text).strip().replace(",", "").replace("¥", "").replace("￥", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise InvalidAmount(text) from exc
    if not value.is_finite() or value < 0:
        raise InvalidAmount(text)
    fen = value * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise InvalidAmount(text)
    return int(fen)


def format_fen(fen: int, symbol: str = "¥") -> str:
    """Format fen for display: 123456 → "¥1,234.56"; negative amounts keep their sign."""
    sign = "-" if fen < 0 else ""
    yuan, rest = divmod(abs(int(fen)), FEN_PER_YUAN)
    return f"{sign}{symbol}{yuan:,}.{rest:02d}"


def allocate(total_fen: int, weights: Sequence[int]) -> list[int]:
    """Split ``total_fen`` over positive integer ``weights`` by largest remainder.

    The parts are whole fen, follow the sign of the total and always sum to it exactly.
    Ties on the remainder go to the earlier weight, so the result is deterministic for
    callers that pass weights in a stable order (e.g. by household id).
    """
    if not weights:
        raise ValueError("cannot allocate over no weights")
    if any(w <= 0 for w in weights):
        raise ValueError("weights must be positive")
    sign = -1 if total_fen < 0 else 1
    amount = abs(int(total_fen))
    weight_sum = sum(weights)
    parts = [amount * w // weight_sum for w in weights]
    remainders = [amount * w % weight_sum for w in weights]
    leftover = amount - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:leftover]:
        parts[i] += 1
    return [sign * p for p in parts]


def capital_amount(fen: int) -> str:
    """The amount in Chinese capitals (大写金额) as contracts and invoices write it: 7960 →
    "柒拾玖元陆角". Written from the integer fen, so no float ever rounds it."""
    import cn2an  # a tenth of a second to load, for the few documents that write it

    sign = "负" if fen < 0 else ""
    yuan, rest = divmod(abs(int(fen)), FEN_PER_YUAN)
    return sign + str(cn2an.an2cn(f"{yuan}.{rest:02d}", "rmb"))
