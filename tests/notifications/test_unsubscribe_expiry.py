"""An unsubscribe link works a year without logging in; after that it still unsubscribes, but
only its own person, logged in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from flask import url_for
from itsdangerous import URLSafeSerializer

from leernetwerk.notifications.models import ReminderKind
from leernetwerk.notifications.services import preferences, unsubscribe_token
from tests import factories


def _path(app, token: str) -> str:
    with app.test_request_context():
        return url_for("notifications.unsubscribe", token=token)


def test_a_link_older_than_a_year_asks_its_own_person_to_log_in(app, client, login, make_client, db):
    user = factories.make_user()
    with time_machine.travel(datetime.now(UTC) - timedelta(days=366), tick=False):
        path = _path(app, unsubscribe_token(user.id, [ReminderKind.MILESTONE_DUE]))

    stranger = make_client()
    expired = stranger.get(path)
    assert expired.status_code == 403 and "Deze afmeldlink is verlopen" in expired.text
    assert stranger.post(path, data={"List-Unsubscribe": "One-Click"}, csrf=False).status_code == 403
    assert preferences(user).get(ReminderKind.MILESTONE_DUE) != "uit"

    someone_else = login(factories.make_user(), c=make_client())
    assert "hoort bij een ander account" in someone_else.get(path).text
    assert someone_else.post(path).status_code == 403

    response = client.post(f"/inloggen?next={path}", data={"email": user.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == path
    assert "Ja, afmelden" in client.get(path).text
    done = client.post(path)
    assert done.status_code == 200 and "Je bent afgemeld" in done.text
    db.session.expire_all()
    assert preferences(user)[ReminderKind.MILESTONE_DUE] == "uit"


def test_a_link_younger_than_a_year_needs_no_login(app, make_client):
    user = factories.make_user()
    with time_machine.travel(datetime.now(UTC) - timedelta(days=364), tick=False):
        path = _path(app, unsubscribe_token(user.id, [ReminderKind.MILESTONE_DUE]))
    assert make_client().post(path, data={"List-Unsubscribe": "One-Click"}, csrf=False).status_code == 200


def test_a_link_from_before_links_expired_counts_as_expired(app, client, login):
    user = factories.make_user()
    legacy = URLSafeSerializer(app.config["SECRET_KEY"], salt="leernetwerk-unsubscribe").dumps(
        {"u": user.id, "k": [ReminderKind.MILESTONE_DUE]})
    path = _path(app, legacy)
    assert client.get(path).status_code == 403
    login(user)
    assert client.post(path).status_code == 200
