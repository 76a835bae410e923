"""The state tables on their own: every status named, nothing reaches a state it cannot leave
except the final ones, and the setters' checks refuse what the tables refuse."""

import pytest

from app.domain import (
    aftersale_states,
    intent_states,
    invoice_states,
    order_states,
    payment_states,
    statement_states,
    supply_states,
)
from app.domain.transitions import ForbiddenTransition

TABLES = [
    (order_states.TRANSITIONS, {order_states.CANCELLED, order_states.REFUNDED}),
    (
        intent_states.TRANSITIONS,
        {intent_states.FULFILLED, intent_states.DECLINED, intent_states.CANCELLED, intent_states.EXPIRED},
    ),
    (payment_states.TRANSITIONS, {payment_states.REFUNDED}),
    (payment_states.ATTEMPT_TRANSITIONS, {payment_states.ATTEMPT_SUCCEEDED}),
    (statement_states.TRANSITIONS, {statement_states.PAID}),
    (supply_states.TRANSITIONS, {supply_states.LISTED, supply_states.TAKEN, supply_states.WITHDRAWN}),
    (invoice_states.TRANSITIONS, {invoice_states.ISSUED, invoice_states.DECLINED}),
    (aftersale_states.TRANSITIONS, {aftersale_states.APPROVED, aftersale_states.DECLINED}),
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


def test_a_statement_is_confirmed_before_it_is_paid_and_never_goes_back():
    statement_states.check_transition(statement_states.DRAFT, statement_states.CONFIRMED)
    statement_states.check_transition(statement_states.CONFIRMED, statement_states.PAID)
    for current, wanted in (
        (statement_states.DRAFT, statement_states.PAID),
        (statement_states.CONFIRMED, statement_states.DRAFT),
        (statement_states.PAID, statement_states.CONFIRMED),
    ):
        with pytest.raises(ForbiddenTransition) as refused:
            statement_states.check_transition(current, wanted)
        assert refused.value.machine == "statement"
    assert statement_states.PAYABLE == {statement_states.CONFIRMED, statement_states.PAID}


def test_a_supply_post_ends_one_way_only():
    for end in (supply_states.LISTED, supply_states.TAKEN, supply_states.WITHDRAWN):
        supply_states.check_transition(supply_states.OPEN, end)
        with pytest.raises(ForbiddenTransition):
            supply_states.check_transition(end, supply_states.OPEN)
