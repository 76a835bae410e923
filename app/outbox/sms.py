"""Text messages (短信) through a provider. The shop speaks to one small interface; each provider
(Aliyun, Tencent Cloud, a county's own gateway) is a class with its ``send``. The development
backend writes each message to the log, with the number masked, so a demo or a test can read it.

Providers raise the outbox's two failures: ``MailUnavailable`` (try again later: the gateway is
down, or throttles) and ``MailRefused`` (never: the number does not exist), so text messages get
the same retries, backoff and staff resend as mail."""

import logging
from typing import Protocol

log = logging.getLogger(__name__)


class SmsProvider(Protocol):
    def send(self, mobile: str, text: str, reference: str) -> None: ...


def masked(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else "***"


class LogProvider:
    """Development: the message goes to the log only."""

    def send(self, mobile: str, text: str, reference: str) -> None:
        log.info("sms %s to %s (SMS_PROVIDER=log): %s", reference, masked(mobile), text)


PROVIDERS: dict[str, type] = {"log": LogProvider}


def provider_from_config(config) -> SmsProvider:
    name = config.get("SMS_PROVIDER", "log")
    if name not in PROVIDERS:
        raise RuntimeError(f"SMS_PROVIDER={name!r} is not one of {sorted(PROVIDERS)}")
    return PROVIDERS[name]()
