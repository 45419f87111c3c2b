"""The pages: notices with the unread count in the header, preferences, one-click unsubscribe
without login, the personal calendar feed, and the staff page with the outbox."""

from __future__ import annotations

import re
from html import unescape

from icalendar import Calendar
from sqlalchemy import select

from leernetwerk.extensions import db
from leernetwerk.notifications import reminders
from leernetwerk.notifications.kinds import kinds_for
from leernetwerk.notifications.mail import MAX_ATTEMPTS
from leernetwerk.notifications.models import (
    Delivery,
    EventKind,
    Notification,
    NotificationPreference,
    OutboxMail,
    OutboxStatus,
    ReminderKind,
)
from leernetwerk.notifications.services import calendar_token, notify
from tests import factories

from .conftest import NOW, TODAY, days


def _delivery(user, kind: str) -> str | None:
    db.session.expire_all()
    return db.session.execute(select(NotificationPreference.delivery).where(
        NotificationPreference.user_id == user.id, NotificationPreference.kind == kind)).scalar_one_or_none()


def test_header_shows_the_unread_count_and_the_list_marks_read(scene, client, login):
    scene.milestone("Factsheet", TODAY + days(1))
    scene.milestone("Flyer", TODAY + days(7))
    reminders.run_sweep(NOW)
    login(scene.member)
    page = client.get("/mijn").text
    assert re.search(r'class="badge">2<span class="visually-hidden"> ongelezen', page)

    listing = client.get("/meldingen").text
    assert "Mijlpaal ‘Factsheet’ staat voor morgen" in unescape(listing)
    mine = db.session.execute(select(Notification).where(Notification.user_id == scene.member.id)
                              .order_by(Notification.id)).scalars().all()
    response = client.post(f"/meldingen/{mine[0].id}/gelezen", data={"next": mine[0].url})
    assert response.status_code == 302 and response.headers["Location"] == mine[0].url
    assert 'class="badge">1<' in client.get("/mijn").text
    client.post("/meldingen/alles-gelezen")
    assert 'class="badge"' not in client.get("/mijn").text


def test_marking_read_never_touches_another_persons_notice(scene, client, login):
    [other] = notify([scene.lead], kind="test", title="Voor de kartrekker")
    db.session.commit()
    login(scene.member)
    client.post(f"/meldingen/{other.id}/gelezen")
    client.post("/meldingen/alles-gelezen")
    db.session.expire_all()
    assert db.session.get(Notification, other.id).read_at is None


def test_the_header_count_costs_one_query(scene, client, login, count_queries):
    login(scene.member)
    with count_queries() as with_count:
        client.get("/meldingen/instellingen")
    assert sum("count(notifications.id)" in s for s in with_count.statements) == 1


def test_preferences_per_kind(scene, client, login):
    login(scene.member)
    page = client.get("/meldingen/instellingen").text
    checked = re.findall(r'<input checked id="[a-z_]+-\d" name="[a-z_]+" required type="radio" value="(\w+)"', page)
    assert checked == ["direct"] * len(kinds_for(scene.member))
    choices = dict.fromkeys(kinds_for(scene.member), Delivery.IMMEDIATE.value)
    choices[ReminderKind.WORK_PACKAGE_QUIET] = Delivery.DIGEST.value
    choices[ReminderKind.ROUND_STARTING] = Delivery.OFF.value
    assert client.post("/meldingen/instellingen", data=choices).status_code == 302
    assert _delivery(scene.member, ReminderKind.WORK_PACKAGE_QUIET) == "wekelijks"
    assert _delivery(scene.member, ReminderKind.ROUND_STARTING) == "uit"
    choices[ReminderKind.ROUND_STARTING] = "elk-uur"
    refused = client.post("/meldingen/instellingen", data=choices)
    assert refused.status_code == 200 and 'class="error-summary"' in refused.text
    assert _delivery(scene.member, ReminderKind.ROUND_STARTING) == "uit"


def test_settings_offer_only_the_kinds_that_can_reach_a_person(client, login, db):
    """A coalition member without a table hears only about the library and their coalition's
    questions; a table member about their table's work too; a liaison, the core group and staff
    about what they steer."""
    from leernetwerk.rounds.models import MemberRole

    coalition_member = factories.make_coalition_member()
    assert kinds_for(coalition_member) == [EventKind.LIBRARY_PUBLISHED, EventKind.QUESTION_MOVED,
                                           EventKind.QUESTION_ANSWERED]
    login(coalition_member)
    page = client.get("/meldingen/instellingen").text
    assert 'name="library_published"' in page and 'name="milestone_due"' not in page and "Herinneringen</h2>" not in page
    assert client.post("/meldingen/instellingen", data={"library_published": "wekelijks", "question_moved": "direct",
                                                        "question_answered": "direct"}).status_code == 302
    assert _delivery(coalition_member, EventKind.LIBRARY_PUBLISHED) == "wekelijks"

    staff, member = factories.make_user(staff=True), factories.make_user()
    table = factories.make_table(staff, members=[(member, MemberRole.MEMBER)])
    assert set(kinds_for(member)) == {ReminderKind.MILESTONE_DUE, ReminderKind.MILESTONE_OVERDUE,
                                      ReminderKind.WORK_PACKAGE_QUIET, ReminderKind.ROUND_STARTING,
                                      ReminderKind.ROUND_ENDING, EventKind.TABLE_SEAT, EventKind.SUPPORT_ANSWER,
                                      EventKind.REVIEW_DONE, EventKind.LIBRARY_PUBLISHED}
    assert EventKind.SUPPORT_REQUEST in kinds_for(table.liaison)
    assert ReminderKind.MILESTONE_DUE not in kinds_for(staff) and EventKind.REVIEW_REQUESTED in kinds_for(staff)


def test_unsubscribe_link_works_without_login_get_confirms_and_post_unsubscribes(scene, make_client):
    scene.milestone("Factsheet", TODAY + days(1), assignee=scene.member)
    reminders.run_sweep(NOW)
    mail = db.session.execute(select(OutboxMail)).scalar_one()
    path = mail.unsubscribe_url.removeprefix("http://localhost")
    stranger = make_client()

    confirm = stranger.get(path)
    assert confirm.status_code == 200 and "Ja, afmelden" in confirm.text
    assert _delivery(scene.member, ReminderKind.MILESTONE_DUE) is None  # a GET (a link scanner) changes nothing

    # RFC 8058: the mail client POSTs this body, without cookies and without a CSRF token.
    done = stranger.post(path, data={"List-Unsubscribe": "One-Click"}, csrf=False)
    assert done.status_code == 200 and "Je bent afgemeld" in done.text
    assert _delivery(scene.member, ReminderKind.MILESTONE_DUE) == "uit"
    assert _delivery(scene.member, ReminderKind.MILESTONE_OVERDUE) is None  # only that kind

    tampered = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    assert stranger.post(tampered, csrf=False).status_code == 400


def _ics(client, url: str) -> Calendar:
    response = client.get(url.removeprefix("http://localhost"))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def test_calendar_feed_is_valid_icalendar_and_a_renewed_or_revoked_link_stops(scene, client, login, make_client):
    m = scene.milestone("Factsheet", TODAY + days(3), assignee=scene.member)
    scene.milestone("Van een ander", TODAY + days(4), assignee=scene.lead)
    login(scene.member)
    assert "Agenda-link maken" in client.get("/meldingen/instellingen").text
    assert client.post("/meldingen/agenda").status_code == 302
    db.session.expire_all()
    url = "http://localhost/agenda/%s.ics" % calendar_token(scene.member)
    assert url in client.get("/meldingen/instellingen").text

    calendar = _ics(make_client(), url)  # a calendar app: no login
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    milestone = events[f"milestone-{m.id}@localhost"]
    assert milestone.decoded("dtstart") == m.due_on and str(milestone["summary"]) == "Mijlpaal: Factsheet"
    assert f"work-package-{scene.work_package.id}@localhost" in events
    assert events[f"round-end-{scene.round.id}@localhost"].decoded("dtstart") == scene.round.ends_on
    assert not any("Van een ander" in str(e["summary"]) for e in events.values())
    assert calendar["version"] == "2.0" and calendar["prodid"]

    client.post("/meldingen/agenda")  # renew
    assert make_client().get(url.removeprefix("http://localhost")).status_code == 404
    db.session.expire_all()
    renewed = "/agenda/%s.ics" % calendar_token(scene.member)
    assert make_client().get(renewed).status_code == 200
    client.post("/meldingen/agenda/uitzetten")
    assert make_client().get(renewed).status_code == 404
    assert make_client().get("/agenda/onzin.ics").status_code == 404


def test_staff_page_shows_upcoming_reminders_and_retries_failed_mail(scene, client, login):
    scene.milestone("Factsheet", TODAY + days(3), assignee=scene.member)
    reminders.run_sweep(NOW)
    failed = db.session.execute(select(OutboxMail)).scalar_one()
    failed.status, failed.attempts, failed.last_error = OutboxStatus.FAILED, MAX_ATTEMPTS, "SMTPServerDisconnected"
    db.session.commit()
    login(scene.staff)
    page = unescape(client.get("/beheer/herinneringen").text)
    assert "SMTPServerDisconnected" in page and "Mislukt" in page
    assert "Factsheet" in page and "Lars Lid" in page  # its 1-day reminder, coming in two days

    assert client.post("/beheer/herinneringen/opnieuw", data={"mail_id": failed.id}).status_code == 302
    db.session.expire_all()
    again = db.session.get(OutboxMail, failed.id)
    assert again.status == OutboxStatus.PENDING and again.attempts == 0


def test_only_staff_see_the_reminders_page(scene, client, login):
    login(scene.liaison)
    assert client.get("/beheer/herinneringen").status_code == 403


def test_staff_send_the_queue_now_and_hear_honestly_what_happened(scene, client, login, app, monkeypatch):
    from leernetwerk.audit import AuditEvent
    from leernetwerk.database import utcnow
    from leernetwerk.notifications.mail import queue_mail
    from tests.conftest import free_port

    def send_now() -> str:
        response = client.post("/beheer/herinneringen/versturen")
        assert response.status_code == 302 and response.headers["Location"].endswith("/beheer/herinneringen#uitgaand")
        return unescape(client.get("/beheer/herinneringen").text)

    login(scene.staff)
    assert "Wachtrij nu versturen" in client.get("/beheer/herinneringen").text
    assert "Er stond geen mail klaar om te versturen." in send_now()

    queue_mail("een@example.org", "Een", "tekst")
    queue_mail("twee@example.org", "Twee", "tekst")
    db.session.commit()
    assert "2 mails verstuurd." in send_now()

    stuck = queue_mail("drie@example.org", "Drie", "tekst")
    db.session.commit()
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{free_port()}?timeout=2")  # nobody listens
    assert "0 mails verstuurd; 1 mail kon nu niet weg en wordt later opnieuw geprobeerd." in send_now()

    stuck = db.session.get(OutboxMail, stuck.id)
    stuck.attempts, stuck.next_attempt_at = MAX_ATTEMPTS - 1, utcnow()
    db.session.commit()
    page = send_now()
    assert "0 mails verstuurd; 1 mail is definitief mislukt (zie hieronder)." in page
    assert "Mails die nog niet verstuurd zijn, mislukte eerst" in page and "drie@example.org" in page

    reports = db.session.execute(select(AuditEvent.after).where(AuditEvent.action == "outbox.deliver")
                                 .order_by(AuditEvent.id)).scalars().all()
    assert reports == [{"sent": 0, "retry": 0, "failed": 0}, {"sent": 2, "retry": 0, "failed": 0},
                       {"sent": 0, "retry": 1, "failed": 0}, {"sent": 0, "retry": 0, "failed": 1}]
