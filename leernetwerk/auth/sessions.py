"""Server-side login sessions behind Flask-Login.

The cookie holds a random token; the database holds its hash. Logout ends that row and
deactivation ends all rows of the user, so a copied or replayed cookie is refused.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import Flask, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, login_user, logout_user
from sqlalchemy import select, update

from ..database import utcnow
from ..extensions import db
from .models import User, UserSession


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_user(token: str) -> User | None:
    row = db.session.execute(
        select(UserSession).where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
    ).scalar_one_or_none()
    if row is None or not row.user.active:
        return None
    row.user.session_token = token
    return row.user


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

    @login_manager.unauthorized_handler
    def _unauthorized():  # noqa: ANN202
        from flask import flash

        flash(str(login_manager.login_message), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
