"""The daily reminder: what is still owed past the due days goes to the producer's account and
the village administrator — theirs only — once per county day."""

from app.clock import today
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.settlement.models import StatementLine
from tests.bulk.conftest import signed_in
from tests.settlement.test_scope import two_villages  # noqa: F401


def _mail() -> dict[str, str]:
    return dict(
        db.session.execute(
            db.select(OutboxMessage.recipient, OutboxMessage.body).where(OutboxMessage.subject.like("%到户发放逾期%"))
        ).all()
    )


def test_overdue_payouts_are_reminded_to_whoever_may_pay_them(app, runner, two_villages):
    # Nothing is overdue on the day a statement is confirmed.
    assert runner.invoke(args=["jobs", "run", "remind_overdue_payouts"]).exit_code == 0
    with app.app_context():
        assert _mail() == {}
    staff = signed_in(app, "staff@example.com")
    line = two_villages["line"]["east_1"]
    with app.app_context():
        due = db.session.get(StatementLine, line).due_fen
    staff.post(
        f"/settlement/lines/{line}/payouts",
        data={"amount": f"{due / 100:.2f}", "paid_on": str(today()), "method": "cash"},
    )
    app.config["PAYOUT_DUE_DAYS"] = -1  # every confirmed statement is past due
    for _ in range(2):
        assert runner.invoke(args=["jobs", "run", "remind_overdue_payouts"]).exit_code == 0
    with app.app_context():
        mail = _mail()
        assert set(mail) == {"first@example.com", "second@example.com", "east-admin@example.com"}
        # 甲 still owes 西一户 (东一户 was paid); 乙 owes 东二户; the 东村 administrator sees 东二户 only.
        assert "西**" in mail["first@example.com"] and "东**" not in mail["first@example.com"]
        assert "东**" in mail["second@example.com"]
        assert "东**" in mail["east-admin@example.com"] and "西**" not in mail["east-admin@example.com"]
        # Run twice on one county day, mailed once.
        reminders = db.select(db.func.count(OutboxMessage.id)).where(OutboxMessage.subject.like("%到户发放逾期%"))
        assert db.session.scalar(reminders) == 3
