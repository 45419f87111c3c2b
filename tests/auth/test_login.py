"""Logging in and out: sessions that really end, throttling that holds across workers."""

from __future__ import annotations

from leernetwerk import create_app
from leernetwerk.auth.models import LoginAttempt, User
from leernetwerk.auth.passwords import hash_password
from tests import factories


def test_login_and_logout(client, login):
    user = factories.make_user(name="Tafellid Een")
    response = client.post("/inloggen", data={"email": user.email.upper(), "password": factories.PASSWORD})
    assert response.status_code == 302
    page = client.get("/", follow_redirects=True).text
    assert "Welkom, Tafellid Een" in page
    client.post("/uitloggen")
    assert "Inloggen" in client.get("/").text
    assert client.get("/account").status_code == 302


def test_wrong_password_gives_a_dutch_message_and_keeps_the_email(client):
    user = factories.make_user()
    response = client.post("/inloggen", data={"email": user.email, "password": "verkeerd"})
    assert response.status_code == 200
    assert "Dit e-mailadres en wachtwoord horen niet bij een actief account." in response.text
    assert f'value="{user.email}"' in response.text


def test_empty_form_names_the_missing_fields(client):
    response = client.post("/inloggen", data={"email": "", "password": ""})
    assert "Vul je e-mailadres in." in response.text and "Vul je wachtwoord in." in response.text
    assert 'aria-invalid="true"' in response.text and "error-summary" in response.text


def test_login_without_csrf_token_is_refused(client):
    user = factories.make_user()
    response = client.post("/inloggen", data={"email": user.email, "password": factories.PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert client.get("/account").status_code == 302


def test_logout_is_not_possible_over_get(client, login):
    login(factories.make_user())
    assert client.get("/uitloggen").status_code == 405
    assert client.get("/account").status_code == 200


def test_session_is_renewed_at_login(client, login):
    client.get("/inloggen")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(factories.make_user())
    with client.session_transaction() as session:
        assert "planted" not in session


def test_replayed_cookie_after_logout_is_refused(client, login, make_client):
    login(factories.make_user())
    cookie = client.get_cookie("leernetwerk_session").value
    client.post("/uitloggen")
    thief = make_client()
    thief.set_cookie("leernetwerk_session", cookie)
    assert thief.get("/account").status_code == 302


def test_deactivation_ends_open_sessions_and_blocks_login(client, login, make_client):
    staff = factories.make_user(staff=True)
    member = factories.make_user()
    member_browser = login(member, c=make_client())
    assert member_browser.get("/account").status_code == 200

    staff_browser = login(staff, c=make_client())
    response = staff_browser.post(f"/beheer/mensen/{member.id}/deactiveren")
    assert response.status_code == 302

    assert member_browser.get("/account").status_code == 302
    again = make_client().post("/inloggen", data={"email": member.email, "password": factories.PASSWORD})
    assert "horen niet bij een actief account" in again.text


def test_next_only_redirects_to_our_own_paths(client):
    user = factories.make_user()
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        r = client.post("/inloggen", query_string={"next": evil},
                        data={"email": user.email, "password": factories.PASSWORD})
        assert r.headers["Location"] == "/", evil
        client.post("/uitloggen")
    r = client.post("/inloggen?next=/account", data={"email": user.email, "password": factories.PASSWORD})
    assert r.headers["Location"] == "/account"


def test_throttle_holds_across_worker_processes(client, app, db):
    """Another worker (its own app and engine on the same database) sees the same failures."""
    email = factories.make_user().email
    db.session.rollback()  # the test's own session must not hold SQLite's write lock
    other_worker = create_app({key: app.config[key] for key in ("DATABASE_URL", "SECRET_KEY")}
                              | {"INSTANCE_PATH": app.instance_path, "TESTING": True})
    for _ in range(3):
        client.post("/inloggen", data={"email": email, "password": "fout"})
    with other_worker.app_context():
        other_client = other_worker.test_client()
        with other_client.session_transaction() as session:
            session["csrf_token"] = "x" * 40
        from itsdangerous import URLSafeTimedSerializer

        token = URLSafeTimedSerializer(other_worker.secret_key, salt="wtf-csrf-token").dumps("x" * 40)
        response = other_client.post("/inloggen", data={"email": email, "password": factories.PASSWORD,
                                                        "csrf_token": token})
        assert response.status_code == 429
        from leernetwerk.extensions import db as other_db

        other_db.session.remove()
    assert db.session.query(LoginAttempt).filter_by(email=email, succeeded=False).count() == 3


def test_password_is_rehashed_at_login_when_parameters_change(client, app, db):
    user = factories.make_user()
    app.config["ARGON2_TIME_COST"] = 2
    try:
        old_hash = user.password_hash
        client.post("/inloggen", data={"email": user.email, "password": factories.PASSWORD})
        db.session.expire_all()
        new_hash = db.session.get(User, user.id).password_hash
        assert new_hash != old_hash and "t=2" in new_hash and new_hash.startswith("$argon2id$")
    finally:
        app.config["ARGON2_TIME_COST"] = 1


def test_production_hash_parameters_are_argon2id_rfc9106(app):
    from pathlib import Path

    from leernetwerk import config

    defaults = config.load(Path(app.instance_path), {"SECRET_KEY": "x"})
    assert defaults["ARGON2_MEMORY_COST"] >= 64 * 1024 and defaults["ARGON2_TIME_COST"] >= 3
    with app.app_context():
        assert hash_password("iets").startswith("$argon2id$")


def test_session_cookie_flags(client, login):
    login(factories.make_user())
    cookie = client.get_cookie("leernetwerk_session")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure  # served over http here; BASE_URL https:// turns Secure on


def test_secure_cookie_under_https_base_url(app):
    from pathlib import Path

    from leernetwerk import config

    settings = config.load(Path(app.instance_path), {"SECRET_KEY": "x", "BASE_URL": "https://leernetwerk.example"})
    assert settings["SESSION_COOKIE_SECURE"] is True
