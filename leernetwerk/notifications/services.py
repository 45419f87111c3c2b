"""In-app notifications: written in the same transaction as the change that caused them."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, has_request_context, url_for
from sqlalchemy import func, select, update

from ..auth.models import User
from ..database import utcnow
from ..extensions import db
from .models import Notification


def link(endpoint: str, **values: object) -> str:
    """A site-relative URL, also outside a request (CLI, scheduler)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, **values)


def notify(users: Iterable[User | None], *, kind: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """One notice per distinct active person."""
    seen: set[int] = set()
    notices = []
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        notice = Notification(user_id=user.id, kind=kind, title=title[:300], body=body, url=url)
        db.session.add(notice)
        notices.append(notice)
    return notices


def unread_count(user: User) -> int:
    return db.session.execute(
        select(func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).scalar_one()


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(db.session.execute(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.read_at.is_not(None), Notification.created_at.desc()).limit(limit)
    ).scalars())


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or all) of `user`'s notices read; another person's notice is never touched."""
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    return db.session.execute(query.values(read_at=utcnow())).rowcount
