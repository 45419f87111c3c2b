"""Staff invite people; invitation and reset links are signed, expire and work once."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine

from leernetwerk.auth.models import User
from leernetwerk.database import utcnow
from leernetwerk.notifications.mail import deliver_outbox
from tests import factories


def _link(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"http://localhost(/\S+)", text).group(1)


def test_staff_invite_a_person_who_sets_a_password_and_logs_in(client, login, smtp_server, make_client, db):
    coalition = factories.make_coalition("Leeuwarden")
    org = factories.make_organisation("JGZ Fryslân")
    login(factories.make_user(staff=True))
    form = client.get("/beheer/mensen/uitnodigen").text
    assert "Leeuwarden" in form and "JGZ Fryslân" in form
    response = client.post("/beheer/mensen/uitnodigen", data={
        "name": "Nieuw Lid", "email": "Nieuw.Lid@Example.org", "organisation_id": org.id,
        "is_core_group": "y", "coalition_ids": [coalition.id], "locale": "nl",
    })
    assert response.status_code == 302
    assert "Uitnodiging verstuurd naar nieuw.lid@example.org" in client.get("/beheer/mensen").text

    assert deliver_outbox()["sent"] == 1
    [mail] = smtp_server.messages
    assert mail["To"] == "nieuw.lid@example.org"
    assert "Uitnodiging" in mail["Subject"]
    assert mail.get_body(("html",)) is not None
    path = _link(mail)

    newcomer = make_client()
    page = newcomer.get(path)
    assert page.status_code == 200 and "Welkom, Nieuw Lid" in page.text
    response = newcomer.post(path, data={"password": "een goede lange zin", "confirm": "een goede lange zin"})
    assert response.status_code == 302
    assert "Welkom, Nieuw Lid" in newcomer.get("/", follow_redirects=True).text

    user = db.session.query(User).filter_by(email="nieuw.lid@example.org").one()
    assert user.is_core_group and not user.is_staff
    assert [c.id for c in user.coalitions] == [coalition.id]
    # The link worked once.
    assert make_client().get(path).status_code == 400


def test_invite_form_keeps_the_typed_text_on_errors(client, login):
    existing = factories.make_user()
    login(factories.make_user(staff=True))
    response = client.post("/beheer/mensen/uitnodigen", data={"name": "Iemand", "email": existing.email,
                                                             "organisation_id": 0, "locale": "nl"})
    assert "Er bestaat al een account met dit e-mailadres." in response.text
    assert 'value="Iemand"' in response.text
    response = client.post("/beheer/mensen/uitnodigen", data={"name": "Iemand Anders", "email": "geen-adres",
                                                             "organisation_id": 0, "locale": "nl"})
    assert "Dit is geen geldig e-mailadres." in response.text and 'value="Iemand Anders"' in response.text


def test_only_staff_may_invite(client, login):
    login(factories.make_user(core=True))
    assert client.get("/beheer/mensen/uitnodigen").status_code == 403
    assert client.post("/beheer/mensen/uitnodigen", data={"name": "X", "email": "x@x.test",
                                                          "organisation_id": 0}).status_code == 403


def test_invitation_link_expires_after_seven_days(client, login, app, make_client):
    login(factories.make_user(staff=True))
    client.post("/beheer/mensen/uitnodigen", data={"name": "Laat", "email": "laat@example.org", "organisation_id": 0,
                                                  "locale": "nl"})
    deliver_outbox()
    mail_dir = app.config["MAIL_URL"].removeprefix("file://")
    from email import message_from_bytes, policy
    from pathlib import Path

    [eml] = sorted(Path(mail_dir).glob("*.eml"), key=lambda p: p.stat().st_mtime)[-1:]
    path = _link(message_from_bytes(eml.read_bytes(), policy=policy.default))
    with time_machine.travel(utcnow() + timedelta(days=8)):
        page = make_client().get(path)
    assert page.status_code == 400 and "verlopen" in page.text


def test_forgot_password_sends_a_link_and_does_not_reveal_accounts(client, smtp_server, make_client):
    user = factories.make_user()
    for email in (user.email, "niemand@nergens.test"):
        response = client.post("/wachtwoord-vergeten", data={"email": email}, follow_redirects=True)
        assert "Als dit adres bij een account hoort" in response.text
    deliver_outbox()
    assert len(smtp_server.messages) == 1
    path = _link(smtp_server.messages[0])
    browser = make_client()
    response = browser.post(path, data={"password": "kort", "confirm": "kort"})
    assert "minstens 12 tekens" in response.text
    response = browser.post(path, data={"password": "nog een nieuw wachtwoord", "confirm": "nog een nieuw wachtwoord"})
    assert response.status_code == 302
    fresh = make_client()
    assert fresh.post("/inloggen", data={"email": user.email, "password": factories.PASSWORD}).status_code == 200
    assert fresh.post("/inloggen", data={"email": user.email, "password": "nog een nieuw wachtwoord"}).status_code == 302


def test_a_tampered_link_is_refused(client):
    user = factories.make_user()
    response = client.get("/wachtwoord-herstellen/nep-token")
    assert response.status_code == 400 and "ongeldig" in response.text
    assert user.password_hash
