"""Queue mail in the outbox inside the caller's transaction; deliver it after the commit."""
import logging
import smtplib
from email.message import EmailMessage

from app.extensions import db
from app.models_base import utcnow
from app.outbox.models import OutboxMessage

log = logging.getLogger(__name__)


def queue_mail(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Add a message to the outbox; the caller's commit makes it durable. Does not commit."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    return message


def deliver(message: OutboxMessage, smtp_host: str | None, smtp_port: int, sender: str) -> None:
    """Send one stored message by SMTP, or write it to the log when no server is configured.

    Without SMTP (a local demo) the log is the only way to read a reset link, so it carries
    the body; with SMTP configured the body never reaches the log.
    """
    if not smtp_host:
        log.info("mail to %s (no MAIL_SERVER set)\n%s\n%s", message.recipient, message.subject, message.body)
        return
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = sender, message.recipient, message.subject
    email.set_content(message.body)
    with smtplib.SMTP(smtp_host, smtp_port, timeout=10) as smtp:
        smtp.send_message(email)
    message.sent_at = utcnow()
    db.session.commit()


def deliver_pending(recipient: str, smtp_host: str | None, smtp_port: int, sender: str) -> None:
    """Deliver the unsent messages queued for one recipient (after the queuing commit)."""
    pending = db.session.execute(
        db.select(OutboxMessage).where(OutboxMessage.recipient == recipient, OutboxMessage.sent_at.is_(None))
    ).scalars().all()
    for message in pending:
        deliver(message, smtp_host, smtp_port, sender)
