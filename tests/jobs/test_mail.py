"""Mail goes out through a real SMTP server: once per business event, in the buyer's language,
after the commit, later when the server refuses, and never from inside the checkout request
when a worker is there to send it."""

from datetime import timedelta

from rq import SimpleWorker

from app.accounts.models import User
from app.extensions import db
from app.jobs.queue import queue
from app.models_base import utcnow
from app.outbox.models import OutboxMessage
from app.outbox.services import sweep_outbox
from tests import factories
from tests.conftest import _free_port
from tests.jobs.conftest import mail_settings


def _clients(mail_app):
    buyer, staff = mail_app.test_client(), mail_app.test_client()
    factories.login(buyer, "buyer@example.com")
    factories.login(staff, "staff@example.com")
    return buyer, staff


def _place(buyer, shop) -> str:
    return factories.buy(buyer, shop["sku_id"], 2).headers["Location"].rsplit("/", 1)[1]


def _sweep(app, minutes: int) -> None:
    with app.app_context():
        sweep_outbox(now=utcnow() + timedelta(minutes=minutes))


def _outbox(app, channel: str = "mail") -> list[tuple[str, int]]:
    with app.app_context():
        return db.session.execute(
            db.select(OutboxMessage.status, OutboxMessage.attempts)
            .where(OutboxMessage.channel == channel)
            .order_by(OutboxMessage.id)
        ).all()


def test_place_ship_pay_and_refund_each_mail_the_buyer_once_in_english(make_app, test_settings, smtp, shop):
    mail_app = make_app(mail_settings(test_settings, smtp))
    with mail_app.app_context():
        db.session.execute(db.update(User).where(User.email == "buyer@example.com").values(language="en"))
        db.session.commit()
    buyer, staff = _clients(mail_app)
    number = _place(buyer, shop)
    assert (
        staff.post(
            f"/staff/orders/{number}/ship", data={"carrier": "SF Express", "tracking_number": "SF1234567890"}
        ).status_code
        == 303
    )
    assert staff.post(f"/staff/orders/{number}/cash", data={"amount": "79.60", "reference": "cash"}).status_code == 303
    assert staff.post(f"/staff/orders/{number}/refund", data={"whole": "1", "reason": "damaged"}).status_code == 303
    for minutes in (5, 60, 600):  # later sweeps find nothing left to send
        _sweep(mail_app, minutes)

    assert smtp.subjects() == [
        f"Order {number} confirmed",
        f"Order {number} has shipped",
        f"Payment received for order {number}",
        f"Order {number}: ¥79.60 refunded",
    ]
    assert {str(m["To"]) for m in smtp.received} == {"buyer@example.com"}
    placed = smtp.received[0].get_content()
    assert "Total: ¥79.60" in placed and f"/orders/{number}" in placed and "您好" not in placed
    assert _outbox(mail_app) == [("sent", 1)] * 4
    # The shipment is texted too, through the SMS provider (the log, here), not by SMTP.
    assert _outbox(mail_app, "sms") == [("sent", 1)]


def test_a_chinese_reader_gets_chinese_mail(make_app, test_settings, smtp, shop):
    mail_app = make_app(mail_settings(test_settings, smtp))
    buyer, _staff = _clients(mail_app)
    number = _place(buyer, shop)
    assert smtp.subjects() == [f"订单 {number} 已确认"]
    assert "合计：¥79.60" in smtp.received[0].get_content()


def test_a_refusing_server_delays_the_mail_and_it_goes_out_once(make_app, test_settings, smtp, shop):
    mail_app = make_app(mail_settings(test_settings, smtp))
    smtp.refuse = 2
    buyer, _staff = _clients(mail_app)
    assert factories.buy(buyer, shop["sku_id"], 1).status_code == 303  # the buyer never notices
    assert smtp.received == [] and _outbox(mail_app) == [("pending", 1)]
    _sweep(mail_app, 0)  # the backoff has not passed: nothing is tried
    assert smtp.refused == 1
    _sweep(mail_app, 2)
    assert smtp.refused == 2 and _outbox(mail_app) == [("pending", 2)]
    _sweep(mail_app, 30)
    _sweep(mail_app, 120)
    assert len(smtp.received) == 1 and _outbox(mail_app) == [("sent", 3)]


def test_a_mail_server_that_is_down_leaves_checkout_alone_and_the_mail_waits(make_app, test_settings, smtp, shop):
    down = make_app({**mail_settings(test_settings, smtp), "MAIL_PORT": _closed_port()})
    buyer, _staff = _clients(down)
    assert factories.buy(buyer, shop["sku_id"], 1).status_code == 303
    assert _outbox(down) == [("pending", 1)]
    up = make_app(mail_settings(test_settings, smtp))
    _sweep(up, 2)
    assert len(smtp.received) == 1 and _outbox(up) == [("sent", 2)]


def _closed_port() -> int:
    return _free_port()  # bound for a moment and released: nothing listens there


def test_a_permanent_refusal_is_failed_for_staff_to_resend(make_app, test_settings, smtp, shop):
    mail_app = make_app(mail_settings(test_settings, smtp, MAIL_MAX_ATTEMPTS=1))
    smtp.refuse = 1
    buyer, staff = _clients(mail_app)
    factories.buy(buyer, shop["sku_id"], 1)
    assert _outbox(mail_app) == [("failed", 1)]
    page = staff.get("/staff/jobs").get_data(as_text=True)
    assert "发送失败" in page and "Mailbox busy" in page
    with mail_app.app_context():
        message_id = db.session.scalar(db.select(OutboxMessage.id))
    assert staff.post(f"/staff/jobs/mail/{message_id}/resend").status_code == 302
    assert len(smtp.received) == 1 and _outbox(mail_app) == [("sent", 2)]


def test_with_a_worker_no_smtp_call_happens_inside_the_checkout_request(
    make_app, test_settings, smtp, shop, redis_queue
):
    url, name = redis_queue
    mail_app = make_app(mail_settings(test_settings, smtp, REDIS_URL=url, JOBS_QUEUE=name))
    buyer, staff = _clients(mail_app)
    number = _place(buyer, shop)
    assert smtp.received == [] and _outbox(mail_app) == [("pending", 0)]
    # Stored unwritten with the order: the request read nothing of the buyer to write it.
    jobs_page = staff.get("/staff/jobs").get_data(as_text=True)
    assert "发送时由任务写出" in jobs_page and f"order_placed:{number}" in jobs_page
    with mail_app.app_context():
        jobs = queue()
        assert jobs.count == 1
        SimpleWorker([jobs], connection=jobs.connection).work(burst=True)
    assert len(smtp.received) == 1 and _outbox(mail_app) == [("sent", 1)]
    assert smtp.subjects() == [f"订单 {number} 已确认"] and str(smtp.received[0]["To"]) == "buyer@example.com"
    assert "雪峰蜜橘" in smtp.received[0].get_content() and "合计：¥79.60" in smtp.received[0].get_content()


def test_redis_down_at_checkout_only_delays_the_mail_until_the_sweep(make_app, test_settings, smtp, shop, redis_queue):
    url, name = redis_queue
    down = make_app(mail_settings(test_settings, smtp, REDIS_URL="redis://127.0.0.1:1/0", JOBS_QUEUE=name))
    buyer, _staff = _clients(down)
    placed = factories.buy(buyer, shop["sku_id"], 1)
    assert placed.status_code == 303 and "/orders/" in placed.headers["Location"]
    assert smtp.received == [] and _outbox(down) == [("pending", 0)]

    back = make_app(mail_settings(test_settings, smtp, REDIS_URL=url, JOBS_QUEUE=name))
    _sweep(back, 1)  # within the grace period the sweep leaves it to the job it expects
    _sweep(back, 5)
    with back.app_context():
        jobs = queue()
        assert jobs.count == 1
        SimpleWorker([jobs], connection=jobs.connection).work(burst=True)
    _sweep(back, 60)
    assert len(smtp.received) == 1 and _outbox(back) == [("sent", 1)]


def test_a_rush_of_orders_asks_for_one_delivery_job_and_an_order_after_it_started_for_another(
    make_app, test_settings, smtp, shop, redis_queue
):
    url, name = redis_queue
    # A gathering long enough for three orders on a slow machine; the run waits it out.
    gathering = {"OUTBOX_GATHER_SECONDS": 1.0}
    mail_app = make_app(mail_settings(test_settings, smtp, REDIS_URL=url, JOBS_QUEUE=name, **gathering))
    buyer, _staff = _clients(mail_app)
    for _ in range(3):
        _place(buyer, shop)
    with mail_app.app_context():
        jobs = queue()
        assert jobs.count == 1  # three mails, one job to send them
        SimpleWorker([jobs], connection=jobs.connection).work(burst=True)
    assert len(smtp.received) == 3 and _outbox(mail_app) == [("sent", 1)] * 3

    _place(buyer, shop)  # the job has started since: this mail asks for a run of its own
    with mail_app.app_context():
        assert jobs.count == 1
        SimpleWorker([jobs], connection=jobs.connection).work(burst=True)
    assert len(smtp.received) == 4 and _outbox(mail_app) == [("sent", 1)] * 4


def test_without_a_queue_a_request_sends_its_own_mail_and_leaves_a_backlog_to_the_sweep(
    make_app, test_settings, smtp, shop
):
    mail_app = make_app(mail_settings(test_settings, smtp))
    with mail_app.app_context():
        # A message nobody has tried yet, stored by another process whose delivery was lost.
        db.session.add(OutboxMessage(recipient="other@example.com", subject="s", body="b\n", kind="order_placed"))
        db.session.commit()
    buyer, _staff = _clients(mail_app)
    _place(buyer, shop)
    assert len(smtp.received) == 1 and _outbox(mail_app) == [("pending", 0), ("sent", 1)]
