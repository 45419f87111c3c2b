"""The reminder sweep: claim each due reminder once in reminder_log, then write its notice and mail."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import insert

from ...database import insert_or_ignore
from ...dates import local_date
from ...extensions import db
from ...urls import external_url
from ..mail import queue_mails
from ..models import Delivery, Notification, ReminderLog
from ..services import unsubscribe_token
from .digest import DIGEST_ITEM, PENDING
from .messages import mail_renderer, reminder_mail_texts
from .rules import REMINDER_RULES, Rule, Span, due

CHUNK = 1000  # reminders written per transaction


def _claim(rule: Rule, rows: list, now: datetime) -> set[tuple[int, int, str]]:
    """Insert the reminder keys; returns those this transaction inserted (a racing sweep's
    keys are skipped by ON CONFLICT DO NOTHING, after waiting for it to commit or roll back)."""
    table = ReminderLog.__table__
    statement = insert_or_ignore(table).returning(table.c.object_id, table.c.recipient_id, table.c.occasion)
    claimed = db.session.execute(statement, [
        {"kind": rule.kind, "object_type": rule.object_type, "object_id": row.object_id,
         "recipient_id": row.recipient_id, "occasion": row.occasion, "created_at": now}
        for row in rows
    ])
    return {tuple(key) for key in claimed}


def _by_locale(rows: Iterable) -> dict[str, list]:
    groups: dict[str, list] = defaultdict(list)
    for row in rows:
        groups[row.locale].append(row)
    return groups


def _write(rule: Rule, rows: list, now: datetime, today: date, counts: dict[str, int]) -> None:
    """Notice for every claimed reminder; per the person's preference a mail now, an item for
    the weekly digest, or nothing more. Runs inside the claiming transaction."""
    base_url = current_app.config["BASE_URL"]
    preferences_url = external_url("notifications.preferences")
    written, mails = [], []
    render = mail_renderer("reminder")
    unsubscribe_urls: dict[int, str] = {}  # per person, for this rule's kind
    for locale, group in _by_locale(rows).items():
        with force_locale(locale):
            texts = reminder_mail_texts()
            for row in group:
                message = rule.message(row, today)
                written.append((row, message))
                if (row.delivery or Delivery.IMMEDIATE) != Delivery.IMMEDIATE:
                    continue
                if row.recipient_id not in unsubscribe_urls:
                    unsubscribe_urls[row.recipient_id] = external_url(
                        "notifications.unsubscribe", token=unsubscribe_token(row.recipient_id, [rule.kind]))
                unsubscribe_url = unsubscribe_urls[row.recipient_id]
                text, html = render(
                    texts=texts, name=row.person, message=message, url=base_url + message.path,
                    preferences_url=preferences_url, unsubscribe_url=unsubscribe_url, locale=locale)
                mails.append({
                    "recipient": row.email, "subject": message.title, "text_body": text, "html_body": html,
                    "unsubscribe_url": unsubscribe_url,
                    "key": f"reminder/{rule.kind}/{rule.object_type}/{row.object_id}/{row.recipient_id}/{row.occasion}",
                })
    notices = [{"user_id": row.recipient_id, "kind": rule.kind, "title": message.title[:300], "body": message.body,
                "url": message.path, "created_at": now} for row, message in written]
    columns = Notification.__table__.c
    # RETURNING in bulk comes back in no guaranteed order (SQLite), so ids are matched by content;
    # notices with the same person and content are interchangeable, each id is used once.
    ids_by_content: dict[tuple, list[int]] = defaultdict(list)
    for notice in db.session.execute(
        insert(Notification.__table__).returning(columns.id, columns.user_id, columns.title, columns.body, columns.url),
        notices,
    ):
        ids_by_content[(notice.user_id, notice.title, notice.body, notice.url)].append(notice.id)
    digest_items = [
        {"kind": DIGEST_ITEM, "object_type": "notifications", "recipient_id": row.recipient_id,
         "object_id": ids_by_content[(notice["user_id"], notice["title"], notice["body"], notice["url"])].pop(),
         "occasion": PENDING, "created_at": now}
        for (row, _message), notice in zip(written, notices, strict=True)
        if row.delivery == Delivery.DIGEST
    ]
    queue_mails(mails)
    if digest_items:
        db.session.execute(insert(ReminderLog.__table__), digest_items)
    counts["reminders"] += len(written)
    counts["mails"] += len(mails)
    counts["digest_items"] += len(digest_items)
    counts[rule.kind] += len(written)


def run_sweep(now: datetime) -> dict[str, int]:
    """Send every reminder that is due at `now`, each exactly once per recipient and occasion.

    Per rule: one query for what is due and not yet logged, then per chunk of reminders one
    transaction that claims the keys, writes the notices and queues the mails or digest items.
    The number of statements depends on the number of rules and chunks, never on a loop over
    objects. Returns counts (reminders, mails, digest_items, and per kind).
    """
    today = local_date(now)
    span = Span(now, now)
    counts: dict[str, int] = defaultdict(int)
    for rule in REMINDER_RULES:
        rows = due(rule, span)
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            claimed = _claim(rule, chunk, now)
            mine = [row for row in chunk if (row.object_id, row.recipient_id, row.occasion) in claimed]
            if mine:
                _write(rule, mine, now, today, counts)
            db.session.commit()
        db.session.commit()  # also ends the read transaction of a rule with nothing due
    return dict(counts)
