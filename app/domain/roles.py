"""The roles a user account can hold, and what each may see."""

CONSUMER = "consumer"
UNIT_MEMBER = "unit_member"
CLERK = "clerk"
STAFF = "staff"

ALL = (CONSUMER, UNIT_MEMBER, CLERK, STAFF)


def can_read_household_personal_data(role: str | None) -> bool:
    """Only county staff may read households' names, ID numbers and phones (DESIGN.md)."""
    return role == STAFF
