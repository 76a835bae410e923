"""Write mail into the outbox inside the caller's transaction; a job delivers it after the commit.

Bodies come from ``templates/mail/<kind>.<language>.txt``, whose first line is
``Subject: …``, in the recipient's language, with money through the one ``fen`` filter.
A mail of a busy request (the order placed) may instead be stored unwritten and written by the
job that delivers it (``unwritten_mail``), so the request reads nothing of what the mail says.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, render_template
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_, select, update

from app.accounts.models import User
from app.extensions import db
from app.jobs.queue import after_commit, enqueue, has_queue, wait_for_gathering
from app.models_base import rows_changed, utcnow
from app.outbox.models import FAILED, PENDING, SENT, OutboxMessage
from app.outbox.transport import MailRefused, MailUnavailable, send

# Time for the job the commit enqueued before the sweep takes a message over (Redis down, a
# lost job); and the waits after each failed attempt.
SWEEP_GRACE = timedelta(minutes=3)
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
LEASE = timedelta(minutes=5)
NEW_MESSAGES_JOB = "outbox-new-messages"
NEW_MESSAGES_PER_RUN = 500


def _language(language: str | None) -> str:
    if language is not None and language in current_app.config["LANGUAGES"]:
        return language
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def queue_mail(
    recipient: str, kind: str, language: str | None = None, dedupe_key: str | None = None, **context: Any
) -> OutboxMessage | None:
    """Add one mail to the caller's transaction and deliver it once that commits. Does not commit.

    With a ``dedupe_key`` already in the outbox nothing is added: the same business event
    (a payment, a nightly warning) mails once however often the code that tells of it runs."""
    if dedupe_key and db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None
    message = compose_mail(recipient, kind, language, dedupe_key, **context)
    db.session.add(message)
    db.session.flush()
    deliver_after_commit([message])
    return message


def compose_mail(
    recipient: str, kind: str, language: str | None = None, dedupe_key: str | None = None, **context: Any
) -> OutboxMessage:
    """The mail queue_mail adds, for a use case that inserts it together with its own rows
    (and then calls deliver_after_commit). Adds nothing to the session."""
    language = _language(language)
    text = render_template(f"mail/{kind}.{language}.txt", site_url=current_app.config["SITE_URL"], **context)
    subject_line, _, body = text.partition("\n")
    return OutboxMessage(
        recipient=recipient,
        subject=subject_line.removeprefix("Subject:").strip(),
        body=body.strip() + "\n",
        kind=kind,
        language=language,
        dedupe_key=dedupe_key,
        next_attempt_at=utcnow() + SWEEP_GRACE,
    )


# The writers of mail stored unwritten, by kind: each fills a message's recipient, language,
# subject and body from the business row its dedupe key names.
_WRITERS: dict[str, Callable[[OutboxMessage], None]] = {}


def written_by_job(kind: str) -> Callable[[Callable[[OutboxMessage], None]], Callable[[OutboxMessage], None]]:
    """Register the writer of the mail ``kind`` that unwritten_mail stores."""

    def register(writer: Callable[[OutboxMessage], None]) -> Callable[[OutboxMessage], None]:
        _WRITERS[kind] = writer
        return writer

    return register


def unwritten_mail(kind: str, dedupe_key: str) -> OutboxMessage:
    """A mail for the caller's transaction to insert with the change it tells about, written by
    its delivery job (the writer registered for ``kind``, from what ``dedupe_key`` names) just
    before it is sent. Adds nothing to the session; the caller calls deliver_after_commit."""
    return OutboxMessage(
        recipient="",
        subject="",
        body="",
        kind=kind,
        dedupe_key=dedupe_key,
        next_attempt_at=utcnow() + SWEEP_GRACE,
    )


def deliver_after_commit(messages: list[OutboxMessage]) -> None:
    """Have ``messages``, which the caller's transaction stores, sent once it commits.

    With a queue, one job sends every new message, gathering what a rush stores over a few
    tenths of a second: a job per message cost each order a sixteenth of its time in queueing it
    (RQ's job record, a Redis transaction). Without one, this process sends its own messages
    right after the commit, and only those: a backlog is the sweep's, not the next page's."""
    if has_queue():
        after_commit(deliver_new, job_id=NEW_MESSAGES_JOB, gather=_gather_seconds())
        return
    for message in messages:
        after_commit(deliver_message, message.id)


def _gather_seconds() -> float:
    return float(current_app.config["OUTBOX_GATHER_SECONDS"])


def deliver_new() -> None:
    """Job: send every message no delivery has tried yet, oldest first. Commits per message."""
    # Before looking: a message stored from now on finds the gathering over and asks for another run.
    wait_for_gathering(NEW_MESSAGES_JOB)
    now = utcnow()
    fresh = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == PENDING,
            OutboxMessage.attempts == 0,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.id)
        .limit(NEW_MESSAGES_PER_RUN)
    ).all()
    db.session.rollback()
    for message_id in fresh:
        deliver_message(message_id)
    if len(fresh) == NEW_MESSAGES_PER_RUN:
        enqueue(deliver_new, job_id=NEW_MESSAGES_JOB, gather=_gather_seconds())


def queue_sms(
    mobile: str, kind: str, language: str | None = None, dedupe_key: str | None = None, **context: Any
) -> OutboxMessage | None:
    """Add one text message to the caller's transaction, from ``templates/sms/<kind>.<language>.txt``
    (one short paragraph), delivered like mail once that commits. Does not commit."""
    if dedupe_key and db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None
    language = _language(language)
    text = render_template(f"sms/{kind}.{language}.txt", site_url=current_app.config["SITE_URL"], **context)
    message = OutboxMessage(
        channel="sms",
        recipient=mobile,
        subject=kind,
        body=" ".join(text.split()) + "\n",
        kind=kind,
        language=language,
        dedupe_key=dedupe_key,
        next_attempt_at=utcnow() + SWEEP_GRACE,
    )
    db.session.add(message)
    db.session.flush()
    deliver_after_commit([message])
    return message


def mail_user(user: User, kind: str, dedupe_key: str | None = None, **context: Any) -> OutboxMessage | None:
    """Mail a user account in the language it chose. Does not commit."""
    return queue_mail(user.email, kind, user.language, dedupe_key, user=user, **context)


def deliver_message(message_id: int) -> None:
    """Job: send one outbox message by SMTP. Commits.

    Safe to run twice or at once from two processes: the message is claimed with a
    conditional update, and one already sent, failed or claimed by another run is left alone.
    A refusal the server calls temporary waits for the backoff; after the last attempt, or on
    a permanent refusal, the message is marked failed for staff to see and resend."""
    now = utcnow()
    claimed = (
        rows_changed(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == PENDING,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .values(claimed_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        == 1
    )
    db.session.commit()
    if not claimed:
        return
    message = db.session.get_one(OutboxMessage, message_id)
    if not message.body:
        _WRITERS[message.kind](message)
    message.attempts += 1
    message.claimed_until = None
    try:
        send(message, current_app.config)
    except MailUnavailable as error:
        message.last_error = str(error)[:1000]
        if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            message.status = FAILED
        else:
            message.next_attempt_at = utcnow() + BACKOFF[min(message.attempts, len(BACKOFF)) - 1]
    except MailRefused as error:
        message.last_error, message.status = str(error)[:1000], FAILED
    else:
        message.status, message.sent_at, message.last_error = SENT, utcnow(), ""
    db.session.commit()


def sweep_outbox(now: datetime | None = None) -> dict[str, int]:
    """Job: hand every pending message whose time has come to a delivery job. Commits nothing
    itself; each delivery claims its message, so a sweep overlapping another is harmless."""
    now = now or utcnow()
    due = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.attempts)
        .where(
            OutboxMessage.status == PENDING,
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.id)
        .limit(1000)
    ).all()
    db.session.rollback()
    for message_id, attempts in due:
        enqueue(deliver_message, message_id, job_id=f"mail-{message_id}-{attempts}")
    return {"enqueued": len(due)}


def resend(message_id: int) -> OutboxMessage | None:
    """Staff send a failed (or any unsent) message again now. Commits."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return None
    if message.status != SENT:
        message.status, message.next_attempt_at, message.claimed_until = PENDING, utcnow() + SWEEP_GRACE, None
        after_commit(deliver_message, message.id, job_id=f"mail-{message.id}-resend-{message.attempts}")
    db.session.commit()
    return message


def counts() -> dict[str, int]:
    """Messages per status, for the staff page and the metrics."""
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    return {PENDING: 0, SENT: 0, FAILED: 0, **dict(rows)}


def unsent(page: int, per_page: int = 50) -> Pagination:
    """Pending and failed messages, oldest first: what staff look at when mail does not arrive."""
    query = select(OutboxMessage).where(OutboxMessage.status != SENT).order_by(OutboxMessage.status, OutboxMessage.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
