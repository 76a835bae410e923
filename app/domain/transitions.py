"""What every state machine shares: a table of allowed next states, and one error for a move
the table does not allow."""


class ForbiddenTransition(Exception):
    def __init__(self, current: str, wanted: str, machine: str = "order"):
        super().__init__(f"{machine} cannot go from {current} to {wanted}")
        self.current, self.wanted, self.machine = current, wanted, machine


def check(table: dict[str, frozenset[str]], current: str, wanted: str, machine: str) -> None:
    """Raise ForbiddenTransition unless ``wanted`` may follow ``current`` in ``table``."""
    if wanted not in table.get(current, frozenset()):
        raise ForbiddenTransition(current, wanted, machine)
