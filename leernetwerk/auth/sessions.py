"""Server-side login sessions behind Flask-Login.

The cookie holds a random token; the database holds its hash. Logout ends that row and
deactivation ends all rows of the user, so a copied or replayed cookie is refused. A session
also ends by itself: after SESSION_IDLE_SECONDS without a request (its `last_seen_at`, moved at
most every TOUCH_EVERY so that reading pages rarely writes) and SESSION_ABSOLUTE_SECONDS after
the login, whatever happens in between. The settings page lists the open sessions ("ingelogd op
deze apparaten"), and ends one or all others.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, login_user, logout_user
from sqlalchemy import Select, String, bindparam, select, update

from ..database import utcnow
from ..extensions import db
from .models import User, UserSession


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


TOUCH_EVERY = timedelta(minutes=5)


def live_since(now: datetime) -> tuple[datetime, datetime]:
    """The oldest login and the oldest last request a live session may have at `now`."""
    cfg = current_app.config
    return (now - timedelta(seconds=cfg["SESSION_ABSOLUTE_SECONDS"]),
            now - timedelta(seconds=cfg["SESSION_IDLE_SECONDS"]))


def is_live(row: UserSession, now: datetime) -> bool:
    oldest_login, oldest_seen = live_since(now)
    return (row.ended_at is None and row.created_at > oldest_login
            and (row.last_seen_at or row.created_at) > oldest_seen)


def load_user(token: str) -> User | None:
    row = db.session.execute(_session_by_token(), {"token_hash": _hash(token)}).scalar_one_or_none()
    if row is None or not row.user.active:
        return None
    if not is_live(row, utcnow()):
        g.session_expired = True
        return None
    g.user_session = row
    row.user.session_token = token
    return row.user


@cache
def _session_by_token() -> Select:
    """Built once per process: every logged-in request runs it."""
    return select(UserSession).where(UserSession.token_hash == bindparam("token_hash", type_=String),
                                     UserSession.ended_at.is_(None))


def may_be_logged_in() -> bool:
    """A login in the session or a remember cookie: without either, the request is anonymous and
    the login machinery (session protection, the user loader) need not run for it at all."""
    return "_user_id" in session or bool(
        request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")))


def touch_session() -> None:
    """Before a request: move the session's last-seen moment when it is older than TOUCH_EVERY,
    committed at once (before the view has changed anything)."""
    from flask_login import current_user

    if request.endpoint == "static" or not may_be_logged_in() or not current_user.is_authenticated:
        return
    row = g.get("user_session")
    now = utcnow()
    if row is not None and (row.last_seen_at is None or now - row.last_seen_at > TOUCH_EVERY):
        # End the reading transaction first: on SQLite a read that turns into a write can fail
        # when another worker wrote in between; a transaction that starts by writing waits.
        db.session.commit()
        db.session.execute(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
        db.session.commit()


def open_sessions(user: User) -> list[UserSession]:
    """The person's live sessions, the most recently used first."""
    now = utcnow()
    oldest_login, oldest_seen = live_since(now)
    rows = db.session.execute(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
                                  UserSession.created_at > oldest_login)
    ).scalars().all()
    rows = [r for r in rows if (r.last_seen_at or r.created_at) > oldest_seen]
    return sorted(rows, key=lambda r: r.last_seen_at or r.created_at, reverse=True)


def current_session_id(user: User) -> int | None:
    row = g.get("user_session")
    return row.id if row is not None and row.user_id == user.id else None


def end_one_session(user: User, session_id: int) -> bool:
    """End one of the person's own sessions (another device); False when there is none."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    return result.rowcount == 1


def end_other_sessions(user: User) -> int:
    """End every session of the person except the one this request comes with."""
    keep = current_session_id(user)
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep)
    return db.session.execute(query.values(ended_at=utcnow())).rowcount


def describe_device(user_agent: str | None) -> str:
    """'Firefox op Windows': the browser and system a user agent names, roughly."""
    ua = user_agent or ""
    browser = next((name for key, name in (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
                                           ("Chrome/", "Chrome"), ("Chromium/", "Chromium"),
                                           ("Safari/", "Safari")) if key in ua), None)
    system = next((name for key, name in (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
                                          ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
                                          ("Linux", "Linux")) if key in ua), None)
    if browser and system:
        return str(_l("%(browser)s op %(system)s", browser=browser, system=system))
    return browser or system or str(_l("Onbekend apparaat"))


def start_session(user: User) -> None:
    """Log `user` in with a fresh session: the old cookie content is dropped (no fixation)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            token_hash=_hash(token),
            user_id=user.id,
            ip_address=request.remote_addr,
            last_seen_at=utcnow(),
            user_agent=(request.user_agent.string or "")[:300],
        )
    )
    user.session_token = token
    login_user(user)
    session.permanent = False


def end_session(user: User) -> None:
    if user.session_token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _hash(user.session_token), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> int:
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    return result.rowcount


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in om deze pagina te zien.")
    login_manager.login_message_category = "info"
    # Our own sessions already end on logout; "strong" would also drop them on an IP change.
    login_manager.session_protection = "basic"

    app.before_request(touch_session)

    @login_manager.unauthorized_handler
    def _unauthorized():  # noqa: ANN202
        from flask import flash

        if g.get("session_expired"):
            flash(str(_l("Je sessie is verlopen. Log opnieuw in.")), "info")
        else:
            flash(str(login_manager.login_message), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
