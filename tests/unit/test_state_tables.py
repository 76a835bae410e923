"""The state tables on their own: every status named, nothing reaches a state it cannot leave
except the final ones, and the setters' checks refuse what the tables refuse."""

import pytest

from app.domain import intent_states, order_states, payment_states
from app.domain.transitions import ForbiddenTransition

TABLES = [
    (order_states.TRANSITIONS, {order_states.CANCELLED, order_states.REFUNDED}),
    (
        intent_states.TRANSITIONS,
        {intent_states.FULFILLED, intent_states.DECLINED, intent_states.CANCELLED, intent_states.EXPIRED},
    ),
    (payment_states.TRANSITIONS, {payment_states.REFUNDED}),
    (payment_states.ATTEMPT_TRANSITIONS, {payment_states.ATTEMPT_SUCCEEDED}),
]


@pytest.mark.parametrize("table,final", TABLES)
def test_every_target_is_a_state_and_only_final_states_are_dead_ends(table, final):
    for targets in table.values():
        assert targets <= set(table)
    assert {state for state, targets in table.items() if not targets} == final


def test_money_comes_in_once_and_refunds_only_take_it_back():
    payment_states.check_transition(payment_states.UNPAID, payment_states.PAID)
    payment_states.check_transition(payment_states.PARTIALLY_REFUNDED, payment_states.PARTIALLY_REFUNDED)
    for current, wanted in (
        (payment_states.PAID, payment_states.PAID),
        (payment_states.UNPAID, payment_states.REFUNDED),
        (payment_states.REFUNDED, payment_states.PAID),
        (payment_states.PARTIALLY_REFUNDED, payment_states.UNPAID),
    ):
        with pytest.raises(ForbiddenTransition) as refused:
            payment_states.check_transition(current, wanted)
        assert refused.value.machine == "payment"


def test_a_late_success_after_a_cancel_still_counts_but_a_success_is_final():
    payment_states.check_attempt_transition(payment_states.ATTEMPT_CANCELED, payment_states.ATTEMPT_SUCCEEDED)
    with pytest.raises(ForbiddenTransition):
        payment_states.check_attempt_transition(payment_states.ATTEMPT_SUCCEEDED, payment_states.ATTEMPT_CANCELED)
