"""An invoice request's state machine (发票): the only place that says which status may follow which.

Asked for by the buyer; then the county office either issues it (its number and the e-invoice
PDF recorded) or declines it with a reason, after which the buyer may ask again."""

from app.domain.transitions import ForbiddenTransition, check  # noqa: F401

REQUESTED = "requested"
ISSUED = "issued"
DECLINED = "declined"

TRANSITIONS: dict[str, frozenset[str]] = {
    REQUESTED: frozenset({ISSUED, DECLINED}),
    ISSUED: frozenset(),
    DECLINED: frozenset(),
}

ALL = tuple(TRANSITIONS)
KINDS = ("normal", "special")  # 普通发票, 增值税专用发票


def check_transition(current: str, wanted: str) -> None:
    check(TRANSITIONS, current, wanted, "invoice")
