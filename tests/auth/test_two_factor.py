"""Two-factor login: set-up with a QR code, codes at login, recovery codes, remembered devices,
the requirement for staff and the core group, and the staff reset (audited)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from leernetwerk.audit import AuditEvent
from leernetwerk.auth import two_factor
from leernetwerk.auth.models import RecoveryCode, User
from leernetwerk.extensions import db
from tests import factories


def enable_for(user: User) -> list[str]:
    """Two-factor login on for `user`; returns the recovery codes."""
    return factories.make_two_factor(user)


def code_now(user: User) -> str:
    db.session.refresh(user)
    return pyotp.TOTP(user.totp_secret).now()


@pytest.fixture
def required(app):
    app.config["TWO_FACTOR_REQUIRED"] = True
    yield
    app.config["TWO_FACTOR_REQUIRED"] = False


def _password(client, user: User, **kwargs):
    return client.post("/inloggen", data={"email": user.email, "password": factories.PASSWORD}, **kwargs)


def test_set_up_with_a_qr_code_and_get_recovery_codes_once(client, login, db):
    user = factories.make_user()
    login(user)
    page = client.get("/account/tweestaps")
    assert page.status_code == 200
    assert '<svg role="img" aria-label="QR-code voor je authenticator-app"' in page.text
    assert "<script" not in page.text.split("<main", 1)[-1].split("</main>", 1)[0]
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page.text).group(1).replace(" ", "")

    wrong = client.post("/account/tweestaps", data={"code": "123456"})
    assert wrong.status_code == 400 and "Deze code klopt niet" in wrong.text
    assert db.session.get(User, user.id).totp_secret is None

    done = client.post("/account/tweestaps", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9-]{19})</code></li>", done.text)
    assert len(codes) == 10
    stored = db.session.execute(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).scalars().all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept
    assert db.session.get(User, user.id).totp_secret == secret
    # The newest entry about this person (without an order, PostgreSQL may give the rows in any order).
    assert db.session.execute(
        select(AuditEvent.action).where(AuditEvent.object_type == "users", AuditEvent.object_id == user.id)
        .order_by(AuditEvent.id.desc()).limit(1)).scalar_one() == "user.two_factor_enable"
    # Shown once: the settings page tells how many are left, never the codes themselves.
    account = client.get("/account").text
    assert "Je hebt nog 10 ongebruikte herstelcodes." in account and codes[0] not in account


def test_login_asks_for_the_code_after_the_password(client, db):
    user = factories.make_user()
    enable_for(user)
    response = _password(client, user)
    assert response.status_code == 302 and response.headers["Location"] == "/inloggen/code"
    assert client.get("/account").status_code == 302  # not logged in yet
    wrong = client.post("/inloggen/code", data={"code": "000000"})
    assert wrong.status_code == 200 and "Deze code klopt niet" in wrong.text
    assert client.post("/inloggen/code", data={"code": code_now(user)}).status_code == 302
    assert client.get("/account").status_code == 200


def test_a_code_is_accepted_once(client, make_client, db):
    user = factories.make_user()
    enable_for(user)
    code = code_now(user)
    _password(client, user)
    assert client.post("/inloggen/code", data={"code": code}).status_code == 302
    thief = make_client()
    _password(thief, user)
    assert thief.post("/inloggen/code", data={"code": code}).status_code == 200
    assert thief.get("/account").status_code == 302


def test_a_recovery_code_works_once(client, make_client, db):
    user = factories.make_user()
    codes = enable_for(user)
    _password(client, user)
    assert client.post("/inloggen/code", data={"code": codes[0].upper()}).status_code == 302
    other = make_client()
    _password(other, user)
    assert other.post("/inloggen/code", data={"code": codes[0]}).status_code == 200
    assert two_factor.recovery_codes_left(db.session.get(User, user.id)) == 9


def test_the_code_step_expires_after_five_minutes(client, db):
    user = factories.make_user()
    enable_for(user)
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        _password(client, user)
        clock.shift(timedelta(minutes=5, seconds=1))
        response = client.post("/inloggen/code", data={"code": code_now(user)})
    assert response.status_code == 302 and response.headers["Location"] == "/inloggen"
    assert client.get("/account").status_code == 302


def test_a_remembered_device_skips_the_code_for_at_most_30_days(client, make_client, db):
    user = factories.make_user()
    enable_for(user)
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        _password(client, user)
        response = client.post("/inloggen/code", data={"code": code_now(user), "remember": "y"})
        cookie = client.get_cookie(two_factor.DEVICE_COOKIE)
        assert cookie is not None and cookie.http_only
        device_header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(two_factor.DEVICE_COOKIE))
        assert "Max-Age=2592000" in device_header  # 30 days
        client.post("/uitloggen")
        again = _password(client, user)
        assert again.headers["Location"] == "/"  # straight in, no code
        client.post("/uitloggen")

        # Another person's password on this device still needs their own code.
        colleague = factories.make_user()
        enable_for(colleague)
        assert _password(client, colleague).headers["Location"] == "/inloggen/code"

        # A forged cookie counts for nothing.
        forger = make_client()
        forger.set_cookie(two_factor.DEVICE_COOKIE, "nep.nep.nep")
        assert _password(forger, user).headers["Location"] == "/inloggen/code"

        clock.shift(timedelta(days=30, seconds=1))
        fresh = make_client()
        fresh.set_cookie(two_factor.DEVICE_COOKIE, cookie.value)
        assert _password(fresh, user).headers["Location"] == "/inloggen/code"


def test_staff_and_core_group_must_set_it_up_before_anything_else(client, make_client, login, required, db):
    for person in (factories.make_user(staff=True), factories.make_user(core=True)):
        browser = login(person, c=make_client())
        for path in ("/", "/mijn", "/beheer/mensen", "/bibliotheek", "/account"):
            response = browser.get(path)
            assert response.status_code == 302 and response.headers["Location"] == "/account/tweestaps", path
        page = browser.get("/account/tweestaps", follow_redirects=True)
        assert "Voor ROS-medewerkers en de kerngroep is tweestapsverificatie verplicht" in page.text
        secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page.text).group(1).replace(" ", "")
        assert browser.post("/account/tweestaps", data={"code": pyotp.TOTP(secret).now()}).status_code == 200
        assert browser.get("/mijn").status_code == 200
        assert browser.post("/account/tweestaps/uitzetten", data={"code": "x"}).status_code == 302
        assert db.session.get(User, person.id).totp_secret is not None  # cannot switch it off


def test_others_are_not_forced_and_may_switch_it_off(client, login, required, db):
    member = factories.make_user()
    login(member)
    assert client.get("/mijn").status_code == 200
    enable_for(member)
    assert client.post("/account/tweestaps/uitzetten", data={"code": "000000"}).status_code == 302
    assert db.session.get(User, member.id).totp_secret is not None
    client.post("/account/tweestaps/uitzetten", data={"code": code_now(member)})
    assert db.session.get(User, member.id).totp_secret is None


def test_demo_logins_are_not_forced(client, login, required, db):
    staff = factories.make_user(staff=True)
    staff.demo_account = True
    db.session.commit()
    login(staff)
    assert client.get("/mijn").status_code == 200


def test_staff_reset_someones_two_factor_audited(client, login, make_client, required, db):
    staff = factories.make_user(staff=True)
    enable_for(staff)
    kern = factories.make_user(core=True)
    enable_for(kern)
    kern_browser = make_client()
    _password(kern_browser, kern)
    kern_browser.post("/inloggen/code", data={"code": code_now(kern)})
    assert kern_browser.get("/mijn").status_code == 200

    _password(client, staff)
    client.post("/inloggen/code", data={"code": code_now(staff)})
    page = client.get(f"/beheer/mensen/{kern.id}/bewerken")
    assert "Tweestapsverificatie herstellen" in page.text
    response = client.post(f"/beheer/mensen/{kern.id}/tweestaps-herstellen")
    assert response.status_code == 302
    assert db.session.get(User, kern.id).totp_secret is None
    assert kern_browser.get("/mijn").status_code == 302  # logged out everywhere
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "user.two_factor_reset")).scalar_one()
    assert event.actor_id == staff.id and event.object_id == kern.id
    assert "Tweestapsverificatie hersteld door ROS" in client.get("/beheer/logboek").text
    # Next login: password, then straight to setting it up again.
    again = make_client()
    assert _password(again, kern).headers["Location"] == "/"
    assert again.get("/mijn").headers["Location"] == "/account/tweestaps"
    # Nobody resets their own.
    assert client.post(f"/beheer/mensen/{staff.id}/tweestaps-herstellen").status_code == 403


def test_a_reset_link_sets_the_password_but_the_code_still_comes(client, db):
    from leernetwerk.auth.services import make_token

    user = factories.make_user()
    enable_for(user)
    path = f"/wachtwoord-herstellen/{make_token(user, 'reset')}"
    db.session.commit()
    response = client.post(path, data={"password": "een heel nieuw wachtwoord", "confirm": "een heel nieuw wachtwoord"})
    assert response.status_code == 302 and response.headers["Location"] == "/inloggen/code"
    assert client.get("/account").status_code == 302  # the mailbox alone does not log in
    assert client.post("/inloggen/code", data={"code": code_now(user)}).status_code == 302
    assert client.get("/account").status_code == 200
