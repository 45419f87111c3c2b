"""Outbound mail: written to the outbox in the caller's transaction, delivered afterwards.

Transport from MAIL_URL: `smtp://user:pass@host:port` (`?starttls=1` or `smtps://` for SSL)
or `file:///path` (one .eml per mail; the embedded default under instance/mail).
"""

from __future__ import annotations

import hashlib
import secrets
import smtplib
import ssl
from datetime import timedelta
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app
from sqlalchemy import case, func, insert, select, update

from ..audit import record
from ..database import utcnow
from ..extensions import db
from ..text import single_line
from .models import OutboxMail, OutboxStatus

MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=10)
BACKOFF = [timedelta(minutes=m) for m in (1, 5, 15, 60, 240)]


def queue_mail(
    recipient: str,
    subject: str,
    text_body: str,
    html_body: str | None = None,
    unsubscribe_url: str | None = None,
    key: str | None = None,
) -> OutboxMail:
    """Add a mail to the outbox. `key` makes the Message-ID deterministic (no duplicates)."""
    mail = OutboxMail(
        message_id=message_id_for(key),
        recipient=recipient,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        unsubscribe_url=unsubscribe_url,
    )
    db.session.add(mail)
    return mail


def message_id_for(key: str | None) -> str:
    """`<hash-of-key@our-domain>`: the same key always gives the same (unique) Message-ID."""
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "leernetwerk.test"
    token = hashlib.sha256(key.encode()).hexdigest()[:32] if key else secrets.token_hex(16)
    return f"<{token}@{domain}>"


def queue_mails(mails: list[dict]) -> None:
    """Add many mails to the outbox in one statement (the sweep's bulk path).

    Each dict has recipient, subject, text_body, html_body, unsubscribe_url and key.
    """
    if not mails:
        return
    now = utcnow()
    db.session.execute(insert(OutboxMail.__table__), [
        {
            "message_id": message_id_for(m["key"]),
            "recipient": m["recipient"],
            "subject": m["subject"][:300],
            "text_body": m["text_body"],
            "html_body": m["html_body"],
            "unsubscribe_url": m["unsubscribe_url"],
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for m in mails
    ])


class _UnfoldedHeader(UnstructuredHeader):
    """A header that goes out as one line, exactly as set. The default policy folds a header at
    78 characters, and a URL has no place to fold, so it would RFC 2047-encode the whole value
    (`=?utf-8?q?=3Chttp…`), which mail clients do not read as a List-Unsubscribe URL. One line
    is fine up to 998 characters (RFC 5322); our URLs are at most 500."""

    def fold(self, *, policy) -> str:  # noqa: ANN001
        return f"{self.name}: {self}{policy.linesep}"


_headers = HeaderRegistry()
_headers.map_to_type("list-unsubscribe", _UnfoldedHeader)
MAIL_POLICY = default_policy.clone(header_factory=_headers)


def _one_line(value: str) -> str:
    """A header value that stays one header: a line break in a title (stored before the forms
    cleaned titles, or written by code) would otherwise make the mail fail for good ("Header
    values may not contain linefeed…") or, through a lax transport, add a header."""
    return single_line(value).strip()


def build_message(mail: OutboxMail) -> EmailMessage:
    """The one place mails are built: every header value goes through `_one_line`."""
    msg = EmailMessage(policy=MAIL_POLICY)
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    msg["From"] = formataddr((_one_line(name), _one_line(address)))
    msg["To"] = _one_line(mail.recipient)
    msg["Subject"] = _one_line(mail.subject)
    msg["Message-ID"] = _one_line(mail.message_id)
    msg["Date"] = formatdate(localtime=False)
    if mail.unsubscribe_url:
        msg["List-Unsubscribe"] = f"<{_one_line(mail.unsubscribe_url)}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(mail.text_body)
    if mail.html_body:
        msg.add_alternative(mail.html_body, subtype="html")
    return msg


def send_message(msg: EmailMessage, mail_url: str) -> None:
    parts = urlsplit(mail_url)
    if parts.scheme == "file":
        folder = Path(unquote(parts.path))
        folder.mkdir(parents=True, exist_ok=True)
        name = msg["Message-ID"].strip("<>").split("@")[0]
        (folder / f"{name}.eml").write_bytes(bytes(msg))
        return
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(f"MAIL_URL scheme not supported: {parts.scheme}")
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    host, port = parts.hostname or "localhost", parts.port
    timeout = float(options.get("timeout", 10))
    if parts.scheme == "smtps" or options.get("ssl") in ("1", "true"):
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port or 465, timeout=timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port or 25, timeout=timeout)
    with client:
        if options.get("starttls") in ("1", "true"):
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(msg)


def deliver_outbox(limit: int = 100) -> dict[str, int]:
    """Deliver due mails once. Failures stay in the outbox and are retried with backoff."""
    now = utcnow()
    query = (
        select(OutboxMail)
        # A SENDING row whose lease ran out belongs to a delivery that crashed: take it over.
        .where(
            OutboxMail.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
            OutboxMail.next_attempt_at <= now,
        )
        .order_by(OutboxMail.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    mails = db.session.execute(query).scalars().all()
    ids = [m.id for m in mails]
    if ids:
        db.session.execute(
            update(OutboxMail)
            .where(OutboxMail.id.in_(ids))
            .values(status=OutboxStatus.SENDING, next_attempt_at=now + LEASE)
        )
    db.session.commit()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    mail_url = current_app.config["MAIL_URL"]
    for mail in mails:
        try:
            send_message(build_message(mail), mail_url)
        except Exception as exc:  # noqa: BLE001 - any transport error keeps the mail queued
            mail.attempts += 1
            mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if mail.attempts >= MAX_ATTEMPTS:
                mail.status = OutboxStatus.FAILED
                counts["failed"] += 1
            else:
                mail.status = OutboxStatus.PENDING
                mail.next_attempt_at = utcnow() + BACKOFF[min(mail.attempts - 1, len(BACKOFF) - 1)]
                counts["retry"] += 1
        else:
            mail.attempts += 1
            mail.status = OutboxStatus.SENT
            mail.sent_at = utcnow()
            mail.last_error = None
            counts["sent"] += 1
        db.session.commit()
    return counts


def deliver_now(by: object) -> dict[str, int]:
    """Staff deliver the due mail now instead of waiting for the scheduler: one delivery run
    (which commits per mail, like the scheduled one), audited with what it achieved."""
    counts = deliver_outbox()
    record(by, "outbox.deliver", None, after=counts)
    return counts


def outbox_counts() -> dict[str, int]:
    """How many mails are in each state (pending, sending, sent, failed), in one query."""
    counts = dict.fromkeys(OutboxStatus, 0)
    counts.update(db.session.execute(
        select(OutboxMail.status, func.count(OutboxMail.id)).group_by(OutboxMail.status)
    ).tuples().all())
    return {str(status): n for status, n in counts.items()}


OUTBOX_ORDER = (OutboxStatus.FAILED, OutboxStatus.SENDING, OutboxStatus.PENDING)


def outbox_page(page: int, per_page: int = 50):  # noqa: ANN201 - flask_sqlalchemy's Pagination
    """The mails not sent, a page at a time, counted in the database: failed ones first (they need
    someone), then what is being sent and what waits; newest first within each. Sent mails are
    only counted (`outbox_counts`)."""
    rank = case(*((OutboxMail.status == status, n) for n, status in enumerate(OUTBOX_ORDER)), else_=len(OUTBOX_ORDER))
    return db.paginate(select(OutboxMail).where(OutboxMail.status.in_(OUTBOX_ORDER)).order_by(rank, OutboxMail.id.desc()),
                       page=max(page, 1),
                       per_page=per_page, error_out=False)


def retry_failed(by: object, mail_id: int | None = None) -> int:
    """Staff put failed mails (one, or all) back in the queue with a fresh set of attempts.

    Only mails in the failed state are touched, so a mail is never sent a second time.
    """
    query = update(OutboxMail).where(OutboxMail.status == OutboxStatus.FAILED)
    if mail_id is not None:
        query = query.where(OutboxMail.id == mail_id)
    count = db.session.execute(
        query.values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow())
    ).rowcount
    record(by, "outbox.retry", None, after={"mail_id": mail_id, "count": count})
    return count
