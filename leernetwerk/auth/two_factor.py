"""Two-factor login: a TOTP app (RFC 6238, pyotp) with one-time recovery codes, and remembered
devices (docs/architecture.md, "Accounts and sessions").

Every account may turn it on in its settings; staff and the core group must (they publish and
see network-only material): after the password they are led to set it up before anything else
(`required_for`, enforced by `auth.views` before every request). Recovery codes are shown once
and stored as SHA-256 hashes (each has 80 random bits). A remembered device is a signed random
token in a cookie whose hash is stored with an end date at most TWO_FACTOR_REMEMBER_DAYS away.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime, timedelta

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, TimestampSigner
from markupsafe import Markup, escape
from sqlalchemy import delete, select

from ..audit import record
from ..database import utcnow
from ..extensions import db
from .models import RecoveryCode, RememberedDevice, User

ISSUER = "Leernetwerk Kansrijke Start"
RECOVERY_CODES = 10
DEVICE_COOKIE = "leernetwerk_device"
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def required_for(user: User) -> bool:
    """Staff and the core group must use two-factor login (not the demo's own logins)."""
    return bool(current_app.config["TWO_FACTOR_REQUIRED"] and (user.is_staff or user.is_core_group)
                and not user.demo_account)


def enabled(user: User) -> bool:
    return user.totp_secret is not None


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The set-up link as an inline SVG QR code (made on the server; no script, no CDN)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff",
                                                 svgclass="qr-code", title=_("QR-code voor je authenticator-app"))
    label = escape(_("QR-code voor je authenticator-app"))
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # nosec B704 # segno's SVG of our own URI; the label is escaped


def _step(moment: float) -> int:
    return int(moment // 30)


def _matches_totp(user: User, secret: str, code: str) -> bool:
    """A current code (one step either side for clock drift), never one used before."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(secret)
    now = time.time()
    for offset in (-1, 0, 1):
        step = _step(now) + offset
        if secrets.compare_digest(totp.at(step * 30), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            return True
    return False


def code_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.lower() if ch in _ALPHABET)
    return hashlib.sha256(normalised.encode()).hexdigest()


def _make_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
             for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=code_hash(c)) for c in codes)
    return codes


def enable(user: User, secret: str, code: str) -> list[str]:
    """Turn two-factor login on with the app's first code; returns the recovery codes (shown once)."""
    from .services import AuthError

    if not _matches_totp(user, secret, code):
        raise AuthError(_("Deze code klopt niet. Kijk of de tijd op je telefoon goed staat en typ de "
                          "code die nu in de app staat."), "code")
    user.totp_secret = secret
    user.two_factor_since = utcnow()
    codes = _make_recovery_codes(user)
    forget_devices(user)
    record(user, "user.two_factor_enable", user)
    return codes


def renew_recovery_codes(user: User) -> list[str]:
    codes = _make_recovery_codes(user)
    record(user, "user.recovery_codes_renew", user)
    return codes


def _clear(user: User) -> None:
    user.totp_secret = None
    user.two_factor_since = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    forget_devices(user)


def disable(user: User, code: str) -> None:
    """Someone for whom it is optional turns it off, confirming with a current code."""
    from .services import AuthError

    if required_for(user):
        raise AuthError(_("Voor jouw rol is tweestapsverificatie verplicht."))
    if not check_code(user, code):
        raise AuthError(_("Deze code klopt niet."), "code")
    _clear(user)
    record(user, "user.two_factor_disable", user)


def reset(by: User, user: User) -> None:
    """Staff reset someone's two-factor login (a lost phone): app, codes and remembered devices
    are gone and the person's sessions end; with their password they set it up anew."""
    from .services import AuthError
    from .sessions import end_all_sessions

    if by.id == user.id:
        raise AuthError(_("Je kunt je eigen tweestapsverificatie niet herstellen; vraag dat een andere "
                          "ROS-medewerker."))
    _clear(user)
    end_all_sessions(user)
    record(by, "user.two_factor_reset", user)


def check_code(user: User, code: str) -> bool:
    """An app code, or an unused recovery code (which is then used up)."""
    if user.totp_secret is None:
        return False
    if _matches_totp(user, user.totp_secret, code):
        return True
    row = db.session.execute(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == code_hash(code),
                                   RecoveryCode.used_at.is_(None))
    ).scalar_one_or_none()
    if row is None:
        return False
    row.used_at = utcnow()
    return True


def recovery_codes_left(user: User) -> int:
    from sqlalchemy import func

    return db.session.execute(
        select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


# --- remembered devices ------------------------------------------------------------------------

def _signer() -> TimestampSigner:
    return TimestampSigner(current_app.config["SECRET_KEY"], salt="leernetwerk-device")


def _max_age() -> timedelta:
    return timedelta(days=min(30, current_app.config["TWO_FACTOR_REMEMBER_DAYS"]))


def remember_device(user: User, user_agent: str) -> tuple[str, timedelta]:
    """A new remembered device: the cookie value and how long it lives."""
    token = secrets.token_urlsafe(32)
    db.session.add(RememberedDevice(user_id=user.id, token_hash=hashlib.sha256(token.encode()).hexdigest(),
                                    expires_at=utcnow() + _max_age(), user_agent=user_agent[:300]))
    return _signer().sign(token).decode(), _max_age()


def device_remembered(user: User, cookie: str | None, now: datetime) -> bool:
    if not cookie:
        return False
    try:
        token = _signer().unsign(cookie, max_age=int(_max_age().total_seconds())).decode()
    except BadSignature:
        return False
    row = db.session.execute(
        select(RememberedDevice).where(RememberedDevice.token_hash == hashlib.sha256(token.encode()).hexdigest())
    ).scalar_one_or_none()
    return row is not None and row.user_id == user.id and row.expires_at > now


def forget_devices(user: User) -> None:
    db.session.execute(delete(RememberedDevice).where(RememberedDevice.user_id == user.id))



