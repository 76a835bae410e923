"""The roles a user account can hold, and what each may see."""

CONSUMER = "consumer"
UNIT_MEMBER = "unit_member"
CLERK = "clerk"
STAFF = "staff"
# A producer's own account: its statements and the payouts to its households.
PRODUCER = "producer"
# 村信息管理员: one or more villages' households, their payouts and what they have to sell.
VILLAGE_ADMIN = "village_admin"

ALL = (CONSUMER, UNIT_MEMBER, CLERK, STAFF, PRODUCER, VILLAGE_ADMIN)


def can_read_household_personal_data(role: str | None) -> bool:
    """Only county staff may read every household's names, ID numbers and phones (DESIGN.md);
    a village administrator reads those of their own villages only (settlement.scope)."""
    return role == STAFF
