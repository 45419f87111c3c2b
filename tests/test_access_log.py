"""Tokens in links (calendar feed, unsubscribe, reset, invitation) stay out of access logs, and
carry no readable person id."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from leernetwerk.access_log import RedactingFilter, redact
from leernetwerk.auth.services import make_token
from leernetwerk.extensions import db
from leernetwerk.notifications.models import ReminderKind
from leernetwerk.notifications.services import calendar_token, renew_calendar_token, unsubscribe_token
from tests import factories
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


def _payload(token: str) -> str:
    """What anyone can read in a signed token: its first part, base64-decoded."""
    part = token.split(".")[0].lstrip(".")
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode("utf-8", "replace")


def test_tokens_name_nobody(app, db):
    user = factories.make_user()
    for _ in range(3):
        factories.make_user()  # ids past 1, so a bare id would show
    renew_calendar_token(user)
    db.session.commit()
    for token in (make_token(user, "reset"), make_token(user, "invite"), calendar_token(user),
                  unsubscribe_token(user.id, [ReminderKind.MILESTONE_DUE])):
        data = json.loads(_payload(token))
        assert "u" not in data and user.id not in data.values(), data
        assert user.email not in token


def test_redact_hides_each_kind_of_token():
    lines = {
        "GET /agenda/eyJuIjoiYWJjIn0.Zx1.abc-_.ics HTTP/1.1": "GET /agenda/[token] HTTP/1.1",
        "GET /meldingen/afmelden/eyJzIjoi.Zx.sig HTTP/1.1": "GET /meldingen/afmelden/[token] HTTP/1.1",
        "POST /wachtwoord-herstellen/abc.def.ghi HTTP/1.1": "POST /wachtwoord-herstellen/[token] HTTP/1.1",
        "GET /uitnodiging/abc.d-e_f": "GET /uitnodiging/[token]",
        "GET /inloggen?next=%2Fmeldingen%2Fafmelden%2FeyJ.a.b HTTP/1.1":
            "GET /inloggen?next=%2Fmeldingen%2Fafmelden%2F[token] HTTP/1.1",
        "GET /agenda HTTP/1.1": "GET /agenda HTTP/1.1",
    }
    for line, expected in lines.items():
        assert redact(line) == expected


def test_the_dev_server_log_is_redacted_too(app):
    import logging

    assert any(isinstance(f, RedactingFilter) for f in logging.getLogger("werkzeug").filters)


def test_gunicorn_with_the_production_config_logs_no_tokens(app, database_url, tmp_path):
    """The production command (gunicorn, which reads gunicorn.conf.py) writes access lines
    with the tokens replaced."""
    db.session.rollback()  # hold no SQLite lock while the server answers
    port = free_port()
    log = tmp_path / "access.log"
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key-not-for-production",
           "MAIL_URL": f"file://{tmp_path}/mail"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "--access-logfile", str(log),
         "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    secrets = ["eyJuIjoiZ2VoZWltMSJ9.c2lnMQ", "eyJzIjoiZ2VoZWltMiJ9.c2lnMg", "Z2VoZWltMw.c2lnMw"]
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=20)
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        for path in (f"/agenda/{secrets[0]}.ics", f"/meldingen/afmelden/{secrets[1]}",
                     f"/wachtwoord-herstellen/{secrets[2]}"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=20)
            except urllib.error.HTTPError:
                pass  # made-up tokens: refused, but logged
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text()
    assert text.count("[token]") == 3, text
    assert not any(s in text for s in secrets), text


def test_links_mailed_before_ids_were_sealed_still_work_until_they_expire(app, client, db):
    """A calendar link and a reset link in the old form (a readable id) keep working."""
    from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

    from leernetwerk.auth.services import _fingerprint, user_from_token

    user = factories.make_user()
    renew_calendar_token(user)
    db.session.commit()
    old_calendar = URLSafeSerializer(app.config["SECRET_KEY"], salt="leernetwerk-calendar").dumps(
        {"u": user.id, "n": user.calendar_token})
    assert client.get(f"/agenda/{old_calendar}.ics").status_code == 200
    old_reset = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="leernetwerk-reset").dumps(
        {"u": user.id, "f": _fingerprint(user)})
    assert user_from_token(old_reset, "reset").id == user.id
