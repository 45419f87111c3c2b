"""The weekly digest: on Monday 08:00 one mail per person with the notices they chose to get weekly."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import aliased

from ...auth.models import User
from ...database import insert_or_ignore
from ...dates import AMSTERDAM
from ...extensions import db
from ...i18n import long_date
from ...urls import external_url
from ..mail import queue_mails
from ..models import PREFERENCE_KINDS, Delivery, Notification, NotificationPreference, ReminderLog, kind_label
from ..services import unsubscribe_token
from .messages import digest_subject, mail_renderer

CHUNK = 1000  # digests written per transaction

# reminder_log rows of the weekly digest: an item per notice waiting for the digest
# (occasion PENDING until a digest takes it, then that digest's week), and one per digest sent.
DIGEST_ITEM = "digest_item"
DIGEST = "digest"
PENDING = "pending"


def digest_moment(now: datetime) -> datetime:
    """The latest Monday 08:00 Europe/Amsterdam at or before `now`: when that week's digest is due."""
    local = now.astimezone(AMSTERDAM)
    monday = local.date() - timedelta(days=local.weekday())
    if local < datetime.combine(monday, time(8), AMSTERDAM):
        monday -= timedelta(days=7)
    return datetime.combine(monday, time(8), AMSTERDAM)


def week_key(moment: datetime) -> str:
    year, week, _day = moment.astimezone(AMSTERDAM).isocalendar()
    return f"{year}-W{week:02d}"


# A notice's kind as stored (a string), back to its ReminderKind or EventKind member.
_KINDS = {kind.value: kind for kind in PREFERENCE_KINDS}


def _pending_digest_items(before: datetime) -> list:
    """Digest items not yet sent, of notices written before `before`, for active people and
    kinds they still want by mail: one query."""
    item = aliased(ReminderLog)
    return db.session.execute(
        select(item.id.label("item_id"), item.recipient_id, Notification.kind, Notification.title,
               Notification.body, Notification.url, User.email, User.name.label("person"), User.locale)
        .join(Notification, Notification.id == item.object_id)
        .join(User, User.id == item.recipient_id)
        .outerjoin(NotificationPreference, and_(NotificationPreference.user_id == User.id,
                                                NotificationPreference.kind == Notification.kind))
        .where(item.kind == DIGEST_ITEM, item.occasion == PENDING, User.active.is_(True),
               Notification.created_at < before,
               func.coalesce(NotificationPreference.delivery, Delivery.IMMEDIATE) != Delivery.OFF)
        .order_by(item.recipient_id, Notification.kind, Notification.created_at, Notification.id)
    ).all()


def send_digests(now: datetime) -> int:
    """The weekly digest: everyone who chose 'wekelijks' for a kind gets ONE mail with all
    their items of the week, due on Monday 08:00 Europe/Amsterdam.

    The digest of a week is itself a reminder key ('digest', user, week): a rerun, a catch-up
    after downtime or a racing scheduler sends it once. Items created before that Monday 08:00
    go in it and are marked with the week; later ones wait for the next week. Kinds switched
    off since are left out. Returns the number of digests queued.
    """
    moment = digest_moment(now)
    week = week_key(moment)
    rows = _pending_digest_items(moment)
    per_person: dict[int, list] = defaultdict(list)
    for row in rows:
        per_person[row.recipient_id].append(row)
    people = list(per_person)
    base_url = current_app.config["BASE_URL"]
    render = mail_renderer("digest")
    sent = 0
    for start in range(0, len(people), CHUNK):
        chunk = people[start:start + CHUNK]
        table = ReminderLog.__table__
        claimed = set(db.session.execute(
            insert_or_ignore(table).returning(table.c.recipient_id),
            [{"kind": DIGEST, "object_type": "users", "object_id": person, "recipient_id": person,
              "occasion": week, "created_at": now} for person in chunk],
        ).scalars())
        mails, item_ids = [], []
        for person in chunk:
            if person not in claimed:
                continue
            items = per_person[person]
            first = items[0]
            kinds = sorted({_KINDS.get(item.kind, item.kind) for item in items})
            unsubscribe_url = external_url("notifications.unsubscribe", token=unsubscribe_token(person, kinds))
            with force_locale(first.locale):
                groups = [(kind_label(kind), [i for i in items if i.kind == kind]) for kind in kinds]
                subject = digest_subject(len(items))
                text, html = render(
                    name=first.person, groups=groups, base_url=base_url, week_of=long_date(moment),
                    preferences_url=external_url("notifications.preferences"),
                    unsubscribe_url=unsubscribe_url, locale=first.locale)
            mails.append({"recipient": first.email, "subject": subject, "text_body": text, "html_body": html,
                          "unsubscribe_url": unsubscribe_url, "key": f"digest/{person}/{week}"})
            item_ids.extend(item.item_id for item in items)
        queue_mails(mails)
        if item_ids:
            db.session.execute(update(ReminderLog).where(ReminderLog.id.in_(item_ids)).values(occasion=week))
        db.session.commit()
        sent += len(mails)
    db.session.commit()
    return sent


def next_digest(now: datetime) -> tuple[datetime, int, int]:
    """When the next digest goes out, and how many items for how many people wait for it."""
    moment = digest_moment(now) + timedelta(days=7)  # aware arithmetic keeps 08:00 across DST
    items, people = db.session.execute(
        select(func.count(), func.count(func.distinct(ReminderLog.recipient_id)))
        .where(ReminderLog.kind == DIGEST_ITEM, ReminderLog.occasion == PENDING)
    ).one()
    return moment, items, people
