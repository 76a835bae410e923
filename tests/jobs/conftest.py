"""A real SMTP server (aiosmtpd) on a free port, the machine's Redis on a queue of the test's
own, and the small shop."""

import uuid
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from redis import Redis
from redis.exceptions import RedisError

from tests.conftest import _free_port
from tests.shop.conftest import buyer, shop, staff  # noqa: F401

REDIS_URL = "redis://127.0.0.1:6379/0"


class Mailbox:
    """Keeps every message accepted; refuses the first ``refuse`` deliveries with a 451."""

    def __init__(self):
        self.received, self.refuse, self.refused = [], 0, 0

    async def handle_DATA(self, _server, _session, envelope):
        if self.refused < self.refuse:
            self.refused += 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.received]


@pytest.fixture()
def smtp():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


@pytest.fixture()
def redis_queue():
    """(url, queue name) on the machine's Redis; the queue's keys are removed afterwards."""
    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisError:
        pytest.skip("no Redis at " + REDIS_URL + " (.ci/run makes sure there is one)")
    name = f"test-{uuid.uuid4().hex[:10]}"
    yield REDIS_URL, name
    for pattern in (f"rq:*{name}*", f"{name}*", f"LIMITS:{name}*"):
        for key in connection.scan_iter(pattern):
            connection.delete(key)
    connection.close()


def mail_settings(test_settings, smtp, **more) -> dict:
    return {**test_settings, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port, "MAIL_TIMEOUT_SECONDS": 5, **more}
