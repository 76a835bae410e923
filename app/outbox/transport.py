"""SMTP delivery of one stored message, and the two ways it can fail."""

import logging
import smtplib
from email.message import EmailMessage

from app.outbox.models import OutboxMessage

log = logging.getLogger(__name__)


class MailUnavailable(Exception):
    """The server could not be reached, or refused for now (4xx): try again later."""


class MailRefused(Exception):
    """The server refused the message for good (5xx): trying again would be refused again."""


def send(message: OutboxMessage, config) -> None:
    """Send a text message through the configured provider, or mail by SMTP (see ``_mail``)."""
    if message.channel == "sms":
        from app.outbox.sms import provider_from_config

        provider_from_config(config).send(message.recipient, message.body.strip(), f"outbox-{message.id}")
        return
    _mail(message, config)


def _mail(message: OutboxMessage, config) -> None:
    """Send by SMTP, or write to the log when no server is configured.

    Without SMTP (a local demo) the log is the only way to read a reset link, so it carries
    the body; with SMTP configured the body never reaches the log. The Message-ID comes from
    the outbox row, so a message sent again after a crash between sending and recording it
    is recognisable as the same one."""
    host = config.get("MAIL_SERVER")
    if not host:
        log.info("mail to %s (no MAIL_SERVER set)\n%s\n%s", message.recipient, message.subject, message.body)
        return
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = config["MAIL_SENDER"], message.recipient, message.subject
    email["Message-ID"] = f"<outbox-{message.id}@{config['MAIL_SENDER'].rpartition('@')[2] or 'localhost'}>"
    email.set_content(message.body)
    try:
        with smtplib.SMTP(host, config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"]) as smtp:
            smtp.send_message(email)
    except smtplib.SMTPResponseException as error:
        if error.smtp_code >= 500:
            raise MailRefused(f"{error.smtp_code} {error.smtp_error!r}") from error
        raise MailUnavailable(f"{error.smtp_code} {error.smtp_error!r}") from error
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if all(code >= 500 for code in codes):
            raise MailRefused(str(error.recipients)) from error
        raise MailUnavailable(str(error.recipients)) from error
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        raise MailUnavailable(str(error) or type(error).__name__) from error
