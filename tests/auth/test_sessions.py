"""Server-side session limits (idle and absolute), and "ingelogd op deze apparaten" in settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from leernetwerk import config
from leernetwerk.auth.models import UserSession
from tests import factories

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.1 Mobile/15E148 Safari/604.1")


@pytest.fixture(autouse=True)
def production_limits(app, monkeypatch):
    """The limits a real installation has (the suite's own configuration lets sessions live)."""
    defaults = config.load(Path(app.instance_path), {"SECRET_KEY": "x"})
    assert defaults["SESSION_IDLE_SECONDS"] == 8 * 3600
    assert defaults["SESSION_ABSOLUTE_SECONDS"] == 30 * 24 * 3600
    for key in ("SESSION_IDLE_SECONDS", "SESSION_ABSOLUTE_SECONDS"):
        monkeypatch.setitem(app.config, key, defaults[key])


def test_a_session_ends_after_eight_idle_hours(client, login, app):
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        login(factories.make_user())
        clock.shift(timedelta(hours=7, minutes=59))
        assert client.get("/account").status_code == 200  # in use: the idle time starts again
        clock.shift(timedelta(hours=7, minutes=59))
        assert client.get("/account").status_code == 200
        clock.shift(timedelta(hours=8, minutes=1))
        response = client.get("/account")
        assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen")
        assert "Je sessie is verlopen" in client.get(response.headers["Location"]).text


def test_a_session_ends_30_days_after_login_however_busy(client, login):
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        login(factories.make_user())
        for _ in range(29 * 4):
            clock.shift(timedelta(hours=6))
            assert client.get("/account").status_code == 200
        clock.shift(timedelta(days=1, hours=1))
        assert client.get("/account").status_code == 302


def test_reading_pages_writes_the_last_seen_moment_rarely(client, login, db, count_queries):
    login(factories.make_user())
    client.get("/account")
    with count_queries() as q:
        client.get("/account")
    assert not [s for s in q.statements if s.lstrip().upper().startswith("UPDATE USER_SESSIONS")]


def test_settings_list_the_devices_and_end_one_or_all_others(client, login, make_client, db):
    user = factories.make_user()
    login(user, c=client)
    phone = make_client()
    phone.environ_base["HTTP_USER_AGENT"] = IPHONE
    login(user, c=phone)
    laptop = make_client()
    laptop.environ_base["HTTP_USER_AGENT"] = FIREFOX
    login(user, c=laptop)
    page = client.get("/account").text
    assert "Ingelogd op deze apparaten" in page
    assert "Safari op iPhone" in page and "Firefox op Windows" in page and "dit apparaat" in page
    phone_session = db.session.execute(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.user_agent == IPHONE)).scalar_one()
    assert client.post(f"/account/sessies/{phone_session.id}/beeindigen").status_code == 302
    assert phone.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 200
    assert client.post("/account/sessies/andere-beeindigen").status_code == 302
    assert laptop.get("/account").status_code == 302
    assert client.get("/account").status_code == 200  # this one stays


def test_nobody_ends_someone_elses_session(client, login, make_client, db):
    other = factories.make_user()
    other_browser = login(other, c=make_client())
    login(factories.make_user())
    other_session = db.session.execute(select(UserSession).where(UserSession.user_id == other.id)).scalar_one()
    assert client.post(f"/account/sessies/{other_session.id}/beeindigen").status_code == 404
    assert other_browser.get("/account").status_code == 200
