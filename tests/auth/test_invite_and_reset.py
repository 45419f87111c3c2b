"""Staff invite people; invitation and reset links are signed, expire and work once."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
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
    # The mail is only queued: the page says so, and does not claim it was sent.
    people = unescape(client.get("/beheer/mensen").text)
    assert ("Uitnodiging voor Nieuw Lid (nieuw.lid@example.org) staat klaar; de mail gaat binnen enkele minuten "
            "de deur uit.") in people
    assert "verstuurd" not in people

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


def test_staff_may_invite_an_address_on_the_test_domain_the_demo_uses(client, login, db):
    """No DNS or special-use-domain check: `@….test` is a well-formed address."""
    login(factories.make_user(staff=True))
    response = client.post("/beheer/mensen/uitnodigen", data={"name": "Nieuw Tafellid", "organisation_id": 0,
                                                             "email": "nieuw@leernetwerk.test", "locale": "nl"})
    assert response.status_code == 302
    assert User.query.filter_by(email="nieuw@leernetwerk.test").one().name == "Nieuw Tafellid"


# --- inviting someone for a table ------------------------------------------------------------------

def test_a_liaison_invites_someone_for_their_table_who_is_seated_and_told_which_table(client, login, smtp_server,
                                                                                        make_client, db):
    from leernetwerk.audit import AuditEvent

    liaison = factories.make_user(core=True, name="Vera Verbinding")
    table = factories.make_table(liaison=liaison, title="Tafel Taalbarrières")
    login(liaison)
    table_page = unescape(client.get(f"/tafels/{table.id}").text)
    assert "Iemand uitnodigen voor deze tafel" in table_page
    assert f'href="/beheer/mensen/uitnodigen?tafel={table.id}"' in table_page

    form = unescape(client.get(f"/beheer/mensen/uitnodigen?tafel={table.id}").text)
    assert "Iemand uitnodigen voor ‘Tafel Taalbarrières’" in form
    assert "ROS-medewerker" not in form and "Lid van de kerngroep" not in form  # a liaison hands out no roles
    response = client.post(f"/beheer/mensen/uitnodigen?tafel={table.id}", data={
        "name": "Nina Nieuw", "email": "nina@example.org", "organisation_id": 0, "locale": "nl",
        "is_staff": "y",  # not on the form; sent anyway, it is ignored
    })
    assert response.status_code == 302 and response.headers["Location"] == f"/tafels/{table.id}"
    page = unescape(client.get(f"/tafels/{table.id}").text)
    assert "Uitnodiging voor Nina Nieuw (nina@example.org) staat klaar" in page
    assert "Nina Nieuw staat nu als lid bij ‘Tafel Taalbarrières’." in page
    assert re.search(r"<li>Nina Nieuw <span class=\"tag\">lid</span>", page)

    nina = User.query.filter_by(email="nina@example.org").one()
    assert not nina.is_staff and not nina.is_core_group
    seated = db.session.query(AuditEvent).filter_by(action="table.seat").one()
    assert seated.actor_id == liaison.id and seated.object_id == table.id
    assert seated.after == {"user_id": nina.id, "role": "lid"}

    assert deliver_outbox()["sent"] == 1
    [mail] = smtp_server.messages
    text = mail.get_body(("plain",)).get_content()
    assert f"uitgenodigd voor de thematafel ‘Tafel Taalbarrières’ ({table.round.name})" in text
    assert "Tafel Taalbarrières" in mail.get_body(("html",)).get_content()
    newcomer = make_client()
    newcomer.post(_link(mail), data={"password": "een goede lange zin", "confirm": "een goede lange zin"})
    assert "Tafel Taalbarrières" in newcomer.get("/mijn").text


def test_an_invite_for_a_table_keeps_what_was_typed_and_sends_existing_accounts_to_the_table_form(client, login):
    existing = factories.make_user(name="Al Bekend")
    table = factories.make_table(title="Tafel Voeding")
    login(factories.make_user(staff=True))
    response = client.post(f"/beheer/mensen/uitnodigen?tafel={table.id}", data={
        "name": "Al Bekend", "email": existing.email, "organisation_id": 0, "locale": "nl"})
    assert response.status_code == 400
    text = unescape(response.text)
    assert "Er bestaat al een account met dit e-mailadres. Zet die persoon aan tafel via ‘Tafel bewerken’." in text
    assert 'value="Al Bekend"' in text and f'value="{existing.email}"' in text
    assert table.memberships == []


def test_staff_invite_for_a_table_may_also_hand_out_roles(client, login):
    table = factories.make_table(title="Tafel Armoede")
    login(factories.make_user(staff=True))
    assert "Lid van de kerngroep" in client.get(f"/beheer/mensen/uitnodigen?tafel={table.id}").text
    client.post(f"/beheer/mensen/uitnodigen?tafel={table.id}", data={
        "name": "Kees Kern", "email": "kees@example.org", "organisation_id": 0, "locale": "en",
        "is_core_group": "y"})
    kees = User.query.filter_by(email="kees@example.org").one()
    assert kees.is_core_group and [m.user_id for m in table.memberships] == [kees.id]


def test_only_staff_hand_out_roles_and_a_seat_is_given_once_in_an_open_round(db):
    from leernetwerk.auth.services import AuthError, invite_user
    from leernetwerk.database import utcnow
    from leernetwerk.rounds.services import RoundsError, seat

    liaison = factories.make_user(core=True)
    table = factories.make_table(liaison=liaison)
    with pytest.raises(AuthError, match="Alleen een ROS-medewerker"):
        invite_user(liaison, email="x@example.org", name="X", organisation_id=None, is_core_group=True, table=table)
    db.session.rollback()
    person = factories.make_user()
    seat(liaison, table, person, "lid")
    with pytest.raises(RoundsError, match="zit al aan deze tafel"):
        seat(liaison, table, person, "kartrekker")
    db.session.rollback()
    table.round.closed_at = utcnow()
    db.session.commit()
    with pytest.raises(RoundsError, match="afgesloten"):
        seat(liaison, table, factories.make_user(), "lid")


def test_forgot_password_does_the_same_work_whether_or_not_the_account_exists(client, count_queries, monkeypatch):
    """No timing difference to measure: during the request both cases run the same statements
    (none about the account); the look-up and the mail come after the response has gone out."""
    from leernetwerk.auth import services

    later: list[str] = []
    monkeypatch.setattr(services, "request_password_reset_after_response",
                        lambda app, email, ip: later.append(email))
    user = factories.make_user()
    runs = []
    for email in (user.email, "niemand@nergens.test"):
        done_before = len(later)
        with count_queries() as q:
            response = client.post("/wachtwoord-vergeten", data={"email": email})
        assert response.status_code == 302 and len(later) == done_before  # nothing looked up yet
        runs.append([re.sub(r"\d+", "N", s) for s in q.statements])
        response.close()  # the response has gone out: now the work is done
    assert runs[0] == runs[1]
    assert not any("users" in s.lower() for s in runs[0])
    assert later == [user.email, "niemand@nergens.test"]


def test_the_reset_mail_is_queued_after_the_response(client, db):
    from sqlalchemy import func, select

    from leernetwerk.notifications.models import OutboxMail

    user = factories.make_user()
    client.post("/wachtwoord-vergeten", data={"email": user.email}).close()
    client.post("/wachtwoord-vergeten", data={"email": "niemand@nergens.test"}).close()
    recipients = db.session.execute(select(OutboxMail.recipient)).scalars().all()
    assert recipients == [user.email]
    assert db.session.execute(select(func.count()).select_from(OutboxMail)).scalar_one() == 1
