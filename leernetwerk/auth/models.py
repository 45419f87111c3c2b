"""People, their server-side sessions and login attempts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import enum_check, utcnow
from ..extensions import db

if TYPE_CHECKING:
    from ..coalitions.models import Coalition, Organisation


class Locale(enum.StrEnum):
    NL = "nl"
    EN = "en"


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (
        enum_check("locale", Locale),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (see auth.services.normalise_email), so unique means case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    is_staff: Mapped[bool] = mapped_column(default=False)
    is_core_group: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(5), default=Locale.NL)
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # When this person last looked at /mijn: "new since your last visit" counts from here.
    last_seen_at: Mapped[datetime | None]
    deactivated_at: Mapped[datetime | None]
    # Two-factor login (auth.two_factor): the TOTP secret, set when it is confirmed with a code.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    two_factor_since: Mapped[datetime | None]
    # The last TOTP time step accepted: the same code is never accepted twice.
    totp_last_step: Mapped[int | None]
    # Made by `flask seed-demo` for its demo logins only: never forced into two-factor set-up
    # (so a newcomer and the crawler can look around); nothing else sets it.
    demo_account: Mapped[bool] = mapped_column(default=False)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    coalitions: Mapped[list[Coalition]] = relationship(
        secondary="coalition_members", back_populates="members", lazy="select", viewonly=True
    )

    # Flask-Login: the id stored in the cookie is the server-side session token, set at login.
    session_token = None

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def role_names(self) -> list[str]:
        roles = []
        if self.is_staff:
            roles.append("staff")
        if self.is_core_group:
            roles.append("core_group")
        return roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserSession(db.Model):
    """A login. Logout or deactivation ends it, so a replayed old cookie finds nothing."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    # Moved on a request at most every few minutes; the idle limit counts from here.
    last_seen_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"


class LoginAttempt(db.Model):
    """Failed and successful logins; throttling counts recent failures here, across workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "attempted_at"),
        Index("ix_login_attempts_ip_at", "ip_address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip_address: Mapped[str] = mapped_column(String(45))
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    succeeded: Mapped[bool] = mapped_column(default=False)


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app; only its SHA-256 is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None]


class RememberedDevice(db.Model):
    """"Onthoud dit apparaat": a browser that skips the two-factor code until `expires_at`.

    The cookie holds a signed random token; the database holds its hash, so a device can be
    forgotten (2FA reset, new password) and a copied cookie of a forgotten device is refused."""

    __tablename__ = "remembered_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    user_agent: Mapped[str | None] = mapped_column(String(300))
