"""Accounts: log in (throttled), invite, reset a password, deactivate, create."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from ..audit import record, snapshot
from ..database import inline, utcnow
from ..errors import DomainError
from ..extensions import db
from ..notifications.mail import queue_mail
from ..tokens import seal, unseal
from . import throttle, two_factor
from .models import User
from .passwords import hash_password, needs_rehash, verify_password
from .sessions import end_all_sessions

MIN_PASSWORD_LENGTH = 12
USER_FIELDS = ["email", "name", "organisation_id", "is_staff", "is_core_group", "active", "locale"]


class AuthError(DomainError):
    """A broken account rule, with a message for the user (already translated)."""


class Throttled(AuthError):
    """Too many failed logins for this account or address: wait `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


def authenticate(email: str, password: str, ip_address: str, remembered_device: str | None = None) -> tuple[User, bool]:
    """Check a login; returns the person and whether a two-factor code is still needed.

    Attempts are throttled per account and per address with progressive delays (auth.throttle),
    counted and recorded in one atomic step, so the limit holds across workers and parallel
    requests. Raises Throttled while a delay runs, and AuthError for a wrong combination (never
    saying which half was wrong). A failure is committed before the error is raised.
    """
    email = normalise_email(email)
    now = utcnow()
    throttle.hold(email, ip_address)
    _refuse_while_throttled(email, ip_address, now)
    user = find_user(email)
    ok = verify_password(user.password_hash if user else None, password)
    if ok and user is not None and not user.active:
        ok = False
    if not ok or user is None:
        throttle.record_attempt(email, ip_address, False, now)
        db.session.commit()
        raise AuthError(_("Dit e-mailadres en wachtwoord horen niet bij een actief account."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    needs_code = two_factor.enabled(user) and not two_factor.device_remembered(user, remembered_device, now)
    if not needs_code:
        _logged_in(user, ip_address, now)
    return user, needs_code


def _refuse_while_throttled(email: str, ip_address: str, now: Any) -> None:
    wait = throttle.wait_seconds(email, ip_address, now)
    if wait:
        raise Throttled(ngettext("Te veel mislukte inlogpogingen. Probeer het over %(num)d seconde opnieuw.",
                                 "Te veel mislukte inlogpogingen. Probeer het over %(num)d seconden opnieuw.",
                                 wait), retry_after=wait)


def _logged_in(user: User, ip_address: str, now: Any) -> None:
    throttle.record_attempt(user.email, ip_address, True, now)
    user.last_login_at = now


def second_factor(user: User, code: str, ip_address: str) -> None:
    """The code step of a login: an app code or a recovery code, throttled like the password."""
    now = utcnow()
    throttle.hold(user.email, ip_address)
    _refuse_while_throttled(user.email, ip_address, now)
    if not user.active or not two_factor.check_code(user, code):
        throttle.record_attempt(user.email, ip_address, False, now)
        db.session.commit()
        raise AuthError(_("Deze code klopt niet. Typ de zes cijfers uit je app, of een herstelcode."), "code")
    _logged_in(user, ip_address, now)


def validate_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(_("Kies een wachtwoord van minstens %(n)d tekens.", n=MIN_PASSWORD_LENGTH), "password")


# Signed links. The token carries a fingerprint of the current password hash, so it works
# once: after the password is set, the fingerprint no longer matches.
def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"leernetwerk-{purpose}")


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "none").encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    """A signed link token; the person's id in it is sealed (tokens.seal), not readable."""
    return _serializer(purpose).dumps({"s": seal(purpose, user.id), "f": _fingerprint(user)})


def user_from_token(token: str, purpose: str) -> User:
    max_age = current_app.config["INVITE_MAX_AGE_SECONDS" if purpose == "invite" else "RESET_MAX_AGE_SECONDS"]
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise AuthError(_("Deze link is verlopen. Vraag een nieuwe aan.")) from exc
    except BadSignature as exc:
        raise AuthError(_("Deze link is ongeldig.")) from exc
    if not isinstance(data, dict):
        data = {}
    # A link mailed before ids were sealed carries "u"; it still expires as any link does.
    user_id = unseal(purpose, data.get("s")) if "s" in data else data.get("u")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or data.get("f") != _fingerprint(user):
        raise AuthError(_("Deze link is al gebruikt of niet meer geldig. Vraag een nieuwe aan."))
    return user


def _send_link_mail(user: User, purpose: str, endpoint: str, table: Any = None) -> None:
    link = current_app.config["BASE_URL"] + url_for(endpoint, token=make_token(user, purpose))
    with force_locale(user.locale):
        context = {"user": user, "link": link, "table": table}
        subject = (
            _("Uitnodiging voor het Fries Leernetwerk Kansrijke Start")
            if purpose == "invite"
            else _("Nieuw wachtwoord instellen voor het Leernetwerk")
        )
        queue_mail(
            user.email,
            subject,
            render_template(f"mail/{purpose}.txt", **context),
            render_template(f"mail/{purpose}.html", **context),
        )


def invite_user(
    by: User,
    *,
    email: str,
    name: str,
    organisation_id: int | None,
    is_staff: bool = False,
    is_core_group: bool = False,
    coalition_ids: list[int] | None = None,
    locale: str = "nl",
    table: Any = None,
) -> User:
    """Create an account without a password and mail a signed link to set one.

    With a `table`, the person also gets a seat at it (as a member) and the mail says which
    table they join. Only staff hand out roles: anyone else (a liaison inviting for their own
    table) invites without the staff or core-group role.
    """
    email = normalise_email(email)
    if find_user(email) is not None:
        if table is not None:
            raise AuthError(_("Er bestaat al een account met dit e-mailadres. Zet die persoon aan tafel via "
                              "‘Tafel bewerken’."), "email")
        raise AuthError(_("Er bestaat al een account met dit e-mailadres."), "email")
    if (is_staff or is_core_group) and not by.is_staff:
        raise AuthError(_("Alleen een ROS-medewerker kan iemand de rol van ROS-medewerker of kerngroeplid geven."))
    user = User(
        email=email,
        name=name.strip(),
        organisation_id=organisation_id,
        is_staff=is_staff,
        is_core_group=is_core_group,
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    set_coalitions(user, coalition_ids or [])
    record(by, "user.invite", user, after=snapshot(user, USER_FIELDS))
    if table is not None:
        from ..rounds.models import MemberRole
        from ..rounds.services import seat

        seat(by, table, user, MemberRole.MEMBER)
    _send_link_mail(user, "invite", "auth.set_password", table)
    return user


def set_coalitions(user: User, coalition_ids: list[int]) -> None:
    from ..coalitions.models import CoalitionMember

    existing = {
        m.coalition_id: m
        for m in db.session.execute(select(CoalitionMember).where(CoalitionMember.user_id == user.id)).scalars()
    }
    for cid in set(coalition_ids) - set(existing):
        db.session.add(CoalitionMember(coalition_id=cid, user_id=user.id))
    for cid in set(existing) - set(coalition_ids):
        db.session.delete(existing[cid])


PERSON_FIELDS = ["name", "organisation_id", "is_staff", "is_core_group", "locale"]


def _person_snapshot(user: User, coalition_ids: list[int]) -> dict[str, Any]:
    return snapshot(user, PERSON_FIELDS) | {"coalitions": sorted(coalition_ids)}


def _coalition_ids(user: User) -> list[int]:
    from ..coalitions.models import CoalitionMember

    return list(db.session.execute(
        select(CoalitionMember.coalition_id).where(CoalitionMember.user_id == user.id)
    ).scalars())


def update_person(
    by: User,
    user: User,
    *,
    name: str,
    organisation_id: int | None,
    is_staff: bool,
    is_core_group: bool,
    coalition_ids: list[int],
    locale: str,
) -> User:
    """Staff change a person's name, organisation, roles, coalitions and language (audited).

    Nobody takes away their own staff role, so the network always keeps someone who can manage
    it; and a liaison of a table in an open round stays in the core group (rule R3).
    """
    if not name.strip():
        raise AuthError(_("Vul de naam in."), "name")
    if locale not in current_app.config["LANGUAGES"]:
        raise AuthError(_("Deze taal is niet beschikbaar."), "locale")
    if user.id == by.id and user.is_staff and not is_staff:
        raise AuthError(_("Je kunt je eigen rol als ROS-medewerker niet weghalen; vraag dat een andere "
                          "ROS-medewerker, zodat er altijd iemand het netwerk kan beheren."), "is_staff")
    if user.is_core_group and not is_core_group:
        from ..rounds.models import Round, ThematicTable

        steered = db.session.execute(
            select(ThematicTable.title).join(ThematicTable.round)
            .where(ThematicTable.liaison_id == user.id, Round.closed_at.is_(None), ThematicTable.archived_at.is_(None))
            .order_by(ThematicTable.title).limit(inline(1))
        ).scalar_one_or_none()
        if steered is not None:
            raise AuthError(_("%(name)s is verbindingspersoon van ‘%(table)s’ en blijft daarom in de kerngroep. "
                              "Kies eerst een andere verbindingspersoon voor die tafel.",
                              name=user.name, table=steered), "is_core_group")
    before = _person_snapshot(user, _coalition_ids(user))
    user.name, user.organisation_id = name.strip(), organisation_id
    user.is_staff, user.is_core_group, user.locale = is_staff, is_core_group, locale
    set_coalitions(user, coalition_ids)
    record(by, "user.update", user, before=before, after=_person_snapshot(user, list(set(coalition_ids))))
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link when the account exists and is active; silent otherwise."""
    user = find_user(email)
    if user is not None and user.active:
        _send_link_mail(user, "reset", "auth.reset_password")
        record(None, "user.reset_requested", user)


def request_password_reset_after_response(app: Any, email: str, ip_address: str | None) -> None:
    """`request_password_reset` once the answer has gone out, in its own app context and
    transaction: the asker waits the same time whether the account exists or not."""
    with app.app_context(), app.test_request_context("/wachtwoord-vergeten", method="POST",
                                                      environ_base={"REMOTE_ADDR": ip_address or ""}):
        try:
            request_password_reset(email)
            db.session.commit()
        except Exception:
            db.session.rollback()
            app.logger.exception("password reset request failed after the response")


def set_password(user: User, password: str) -> None:
    validate_new_password(password)
    user.password_hash = hash_password(password)
    # A new password ends every other session of this person, and forgets remembered devices.
    end_all_sessions(user)
    two_factor.forget_devices(user)
    record(user, "user.password_set", user)


def deactivate(by: User, user: User) -> None:
    """A deactivated account cannot log in, and its open sessions end now."""
    if user.id == by.id:
        raise AuthError(_("Je kunt je eigen account niet deactiveren."))
    before = snapshot(user, ["active"])
    user.active = False
    user.deactivated_at = utcnow()
    end_all_sessions(user)
    record(by, "user.deactivate", user, before=before, after=snapshot(user, ["active"]))


def reactivate(by: User, user: User) -> None:
    before = snapshot(user, ["active"])
    user.active = True
    user.deactivated_at = None
    record(by, "user.reactivate", user, before=before, after=snapshot(user, ["active"]))


def create_user(
    *, email: str, name: str, password: str, is_staff: bool = False, is_core_group: bool = False,
    organisation_id: int | None = None,
) -> User:
    """Create an active account with a password (the create-user command, demo data)."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise AuthError(_("Er bestaat al een account met dit e-mailadres."))
    validate_new_password(password)
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        is_staff=is_staff,
        is_core_group=is_core_group,
        organisation_id=organisation_id,
    )
    db.session.add(user)
    db.session.flush()
    record(None, "user.create", user, after=snapshot(user, USER_FIELDS))
    return user


def set_locale(user: User, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise AuthError(_("Deze taal is niet beschikbaar."))
    user.locale = locale
