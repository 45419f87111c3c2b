"""In-app notifications, delivery preferences, unsubscribing and the personal calendar link.

Notices are written in the same transaction as the change that caused them.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import select, update

from ..audit import record
from ..auth.models import User
from ..database import insert_or_update, utcnow
from ..errors import DomainError
from ..extensions import db
from ..tokens import seal, unseal
from ..urls import external_url
from .models import PREFERENCE_KINDS, Delivery, Notification, NotificationPreference, ReminderLog


class NotificationsError(DomainError):
    """A refused notifications action; the message is for the user (translated)."""



def notify(users: Iterable[User | None], *, kind: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """One notice per distinct active person, and per their choice for this kind a mail now,
    an item for the weekly digest, or nothing more (the notice stays). Same transaction as the
    change that caused it, so a rolled-back change notifies nobody."""
    from .reminders.digest import DIGEST_ITEM, PENDING  # the digest imports this module

    people: dict[int, User] = {}
    for user in users:
        if user is not None and user.active:
            people.setdefault(user.id, user)
    notices = [Notification(user_id=uid, kind=kind, title=title[:300], body=body, url=url) for uid in people]
    if not notices:
        return []
    db.session.add_all(notices)
    db.session.flush()
    chosen = dict(db.session.execute(
        select(NotificationPreference.user_id, NotificationPreference.delivery)
        .where(NotificationPreference.kind == kind, NotificationPreference.user_id.in_(people))
    ).tuples().all())
    for notice in notices:
        delivery = chosen.get(notice.user_id, Delivery.IMMEDIATE)
        if delivery == Delivery.IMMEDIATE:
            _mail_notice(people[notice.user_id], notice)
        elif delivery == Delivery.DIGEST:
            db.session.add(ReminderLog(kind=DIGEST_ITEM, object_type="notifications", object_id=notice.id,
                                       recipient_id=notice.user_id, occasion=PENDING))
    return notices


def _mail_notice(user: User, notice: Notification) -> None:
    from flask import render_template
    from flask_babel import force_locale

    from .mail import queue_mail

    base_url = current_app.config["BASE_URL"]
    unsubscribe_url = external_url("notifications.unsubscribe", token=unsubscribe_token(user.id, [notice.kind]))
    with force_locale(user.locale):
        context = {"user": user, "notice": notice, "url": base_url + notice.url if notice.url else base_url,
                   "preferences_url": external_url("notifications.preferences"),
                   "unsubscribe_url": unsubscribe_url}
        queue_mail(user.email, notice.title, render_template("mail/notice.txt", **context),
                   render_template("mail/notice.html", **context), unsubscribe_url=unsubscribe_url,
                   key=f"notice/{notice.id}")


def recent(user: User, page: int = 1, per_page: int = 50):  # noqa: ANN201 - flask_sqlalchemy's Pagination
    """A person's notices a page at a time, unread first, newest first; counted in the database."""
    return db.paginate(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc()),
        page=max(page, 1), per_page=per_page, error_out=False)


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or all) of `user`'s notices read; another person's notice is never touched."""
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    return db.session.execute(query.values(read_at=utcnow())).rowcount


# --- delivery preferences ---------------------------------------------------------------------------

def preferences(user: User) -> dict[str, str]:
    """How `user` receives each kind of reminder by mail; 'direct' unless they chose otherwise."""
    chosen = dict(db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.delivery)
        .where(NotificationPreference.user_id == user.id)
    ).tuples().all())
    return {kind: chosen.get(kind, Delivery.IMMEDIATE.value) for kind in PREFERENCE_KINDS}


def set_preferences(user: User, choices: dict[str, str]) -> None:
    """Per kind of reminder: mail directly, in the weekly digest, or not at all (the notice in
    the app stays). Unknown kinds or deliveries are refused."""
    for kind, delivery in choices.items():
        if kind not in PREFERENCE_KINDS or delivery not in Delivery.__members__.values():
            raise NotificationsError(_("Onbekende keuze voor herinneringen."))
    before = dict(db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.delivery)
        .where(NotificationPreference.user_id == user.id)
    ).tuples().all())
    if choices:
        # One upsert: a first save made twice at once (two tabs) updates the row the other one
        # just inserted instead of failing on the key.
        db.session.execute(
            insert_or_update(NotificationPreference.__table__, ["user_id", "kind"], ["delivery"]).values(
                [{"user_id": user.id, "kind": kind, "delivery": delivery} for kind, delivery in choices.items()]))
    record(user, "notifications.preferences", user, before=before, after=dict(choices))


def _unsubscribe_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="leernetwerk-unsubscribe-v2")


def unsubscribe_token(user_id: int, kinds: Iterable[str]) -> str:
    """A signed token that turns these kinds of mail off for this person, without logging in.

    It works for UNSUBSCRIBE_MAX_AGE_SECONDS (a year: a mail may be read months later); after
    that it still unsubscribes, but only the person it was made for, logged in. It can only ever
    switch mail off, and the person's id in it is sealed (tokens.seal), not readable.
    """
    return _unsubscribe_serializer().dumps({"s": seal("unsubscribe", user_id), "k": sorted(set(kinds))})


@dataclass
class UnsubscribeTarget:
    user: User
    kinds: list[str]
    expired: bool  # then only the person it was made for, logged in, may use it


def _unsubscribe_data(token: str) -> tuple[dict, bool]:
    serializer = _unsubscribe_serializer()
    try:
        return serializer.loads(token, max_age=current_app.config["UNSUBSCRIBE_MAX_AGE_SECONDS"]), False
    except SignatureExpired as exc:
        # Genuinely signed by us, only old: the payload can be trusted, the bearer not.
        return serializer.load_payload(exc.payload), True
    except BadData:
        return _legacy_unsubscribe_payload(token), True


def _legacy_unsubscribe_payload(token: str) -> dict:
    """A link from before links expired (untimed, with a plain id): readable, but treated as expired."""
    try:
        legacy = URLSafeSerializer(current_app.config["SECRET_KEY"], salt="leernetwerk-unsubscribe").loads(token)
    except BadData as exc:
        raise NotificationsError(_("Deze afmeldlink is ongeldig.")) from exc
    return {"id": legacy.get("u"), "k": legacy.get("k", [])} if isinstance(legacy, dict) else {}


def unsubscribe_link_target(token: str) -> UnsubscribeTarget:
    """The person and kinds an unsubscribe token stands for; refused when tampered with."""
    data, expired = _unsubscribe_data(token)
    if not isinstance(data, dict):
        raise NotificationsError(_("Deze afmeldlink is ongeldig."))
    user_id = data["id"] if "id" in data else unseal("unsubscribe", data.get("s"))
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    kinds = [k for k in data.get("k", []) if k in PREFERENCE_KINDS]
    if user is None or not kinds:
        raise NotificationsError(_("Deze afmeldlink is ongeldig."))
    return UnsubscribeTarget(user, kinds, expired)


def unsubscribe(user: User, kinds: list[str]) -> None:
    """One-click unsubscribe: no more mail of these kinds (the notices in the app stay)."""
    set_preferences(user, dict.fromkeys(kinds, Delivery.OFF.value))


# --- the personal calendar feed --------------------------------------------------------------------

def _calendar_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="leernetwerk-calendar")


def calendar_token(user: User) -> str | None:
    """The secret in the person's calendar link: the random value stored with them, signed (no
    id: the value itself finds the person). A new value (renew) or none (revoke) makes every
    older link stop working; the database alone is not enough to forge a link."""
    if not user.calendar_token:
        return None
    return _calendar_serializer().dumps({"n": user.calendar_token})


def renew_calendar_token(user: User) -> str:
    """A new secret calendar link for the person; the previous link stops working."""
    user.calendar_token = secrets.token_hex(24)
    record(user, "calendar.renew", user)
    return calendar_token(user)


def revoke_calendar_token(user: User) -> None:
    """No calendar link at all: every link given out before stops working."""
    user.calendar_token = None
    record(user, "calendar.revoke", user)


def user_for_calendar(token: str) -> User | None:
    """The active person a calendar token belongs to, or None for a wrong or revoked token."""
    try:
        data = _calendar_serializer().loads(token)
    except BadData:
        return None
    secret = data.get("n") if isinstance(data, dict) else None
    if not isinstance(secret, str) or not secret:
        return None
    user = db.session.execute(select(User).where(User.calendar_token == secret)).scalar_one_or_none()
    if user is None or not user.active or not hmac.compare_digest(secret, user.calendar_token or ""):
        return None
    return user
