"""Reminders as mail over a real SMTP server on loopback: arriving once, surviving an outage,
with an unsubscribe link and header; the weekly digest as one mail with everything in it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from leernetwerk.extensions import db
from leernetwerk.notifications import reminders
from leernetwerk.notifications.mail import BACKOFF, deliver_outbox
from leernetwerk.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    OutboxMail,
    OutboxStatus,
    ReminderKind,
    ReminderLog,
)
from tests import factories

from ..conftest import free_port
from .conftest import NOW, TODAY, at, days


def _prefer(user, kind: str, delivery: str) -> None:
    db.session.add(NotificationPreference(user_id=user.id, kind=kind, delivery=delivery))
    db.session.commit()


def test_reminder_mails_arrive_once_with_text_html_and_one_click_unsubscribe(scene, smtp_server):
    scene.milestone("Factsheet", TODAY + days(1))
    reminders.run_sweep(NOW)
    assert deliver_outbox() == {"sent": 2, "retry": 0, "failed": 0}
    reminders.run_sweep(NOW)
    assert deliver_outbox() == {"sent": 0, "retry": 0, "failed": 0}

    assert sorted(m["To"] for m in smtp_server.messages) == sorted([scene.lead.email, scene.member.email])
    message = next(m for m in smtp_server.messages if m["To"] == scene.member.email)
    assert message["Subject"] == "Mijlpaal ‘Factsheet’ staat voor morgen"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"http://localhost/werkpakketten/{scene.work_package.id}#mijlpalen" in text
    assert f'href="http://localhost/werkpakketten/{scene.work_package.id}#mijlpalen"' in html
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http://localhost/meldingen/afmelden/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text and unsubscribe in html


def test_a_mail_client_unsubscribes_with_one_click_from_the_raw_list_unsubscribe_header(scene, smtp_server,
                                                                                         make_client):
    scene.milestone("Factsheet", TODAY + days(1), assignee=scene.member)
    reminders.run_sweep(NOW)
    assert deliver_outbox()["sent"] == 1
    [raw] = smtp_server.raw
    headers = raw.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")
    [line] = [h for h in headers if h.startswith("List-Unsubscribe:")]
    assert "=?" not in line  # not RFC 2047-encoded: mail clients read the URL as it stands
    assert line.startswith("List-Unsubscribe: <http://localhost/meldingen/afmelden/") and line.endswith(">")
    assert not headers[headers.index(line) + 1].startswith((" ", "\t"))  # and not folded
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in headers

    # RFC 8058: the client POSTs exactly this body to the URL, without cookies or a CSRF token.
    url = line.removeprefix("List-Unsubscribe: <").removesuffix(">")
    response = make_client().post(url.removeprefix("http://localhost"), data="List-Unsubscribe=One-Click",
                                  content_type="application/x-www-form-urlencoded", csrf=False)
    assert response.status_code == 200
    preference = db.session.execute(select(NotificationPreference).where(
        NotificationPreference.user_id == scene.member.id,
        NotificationPreference.kind == ReminderKind.MILESTONE_DUE)).scalar_one()
    assert preference.delivery == Delivery.OFF


def test_smtp_down_for_a_while_loses_nothing_and_sends_each_once(app, scene, clock, smtp_server):
    scene.milestone("Factsheet", TODAY + days(1))
    with factories.without_notices():  # asked a week ago: its mail to the liaison went out then
        factories.make_support_request(scene.member, scene.table, subject="Tolk", body="?", asked_at=NOW - days(7))
    working = app.config["MAIL_URL"]
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}?timeout=2"  # nobody listens there
    try:
        reminders.run_sweep(NOW)
        assert deliver_outbox() == {"sent": 0, "retry": 4, "failed": 0}
        for minutes in (10, 20, 30):  # sweeps go on during the outage; nothing is added twice
            clock.move_to(NOW + timedelta(minutes=minutes))
            reminders.run_sweep(NOW + timedelta(minutes=minutes))
            deliver_outbox()
    finally:
        app.config["MAIL_URL"] = working
    assert smtp_server.messages == []
    assert {m.status for m in db.session.execute(select(OutboxMail)).scalars()} == {OutboxStatus.PENDING}

    clock.move_to(NOW + timedelta(hours=2) + BACKOFF[-1])
    assert deliver_outbox()["sent"] == 4
    assert deliver_outbox() == {"sent": 0, "retry": 0, "failed": 0}
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == len(set(ids)) == 4


def test_a_person_who_turned_a_kind_off_receives_none_of_it(scene, smtp_server):
    _prefer(scene.member, ReminderKind.MILESTONE_DUE, Delivery.OFF)
    scene.milestone("Factsheet", TODAY + days(7))
    scene.milestone("Tolkenlijst", TODAY + days(1))
    reminders.run_sweep(NOW)
    deliver_outbox()
    assert [m["To"] for m in smtp_server.messages] == [scene.lead.email, scene.lead.email]


def test_digest_users_get_one_mail_with_all_their_items_on_monday_morning(scene, clock, smtp_server):
    _prefer(scene.member, ReminderKind.MILESTONE_DUE, Delivery.DIGEST)
    _prefer(scene.member, ReminderKind.MILESTONE_OVERDUE, Delivery.DIGEST)
    scene.milestone("Factsheet", TODAY + days(1))                          # due: both members
    scene.milestone("Tolkenlijst", TODAY + days(3), assignee=scene.member)  # 7-day reminder now
    scene.milestone("Overleg GGD", TODAY - days(1), assignee=scene.member)  # overdue
    reminders.run_sweep(NOW)
    clock.move_to(at(TODAY + days(2)))                                       # Friday: the 1-day one
    reminders.run_sweep(at(TODAY + days(2)))
    deliver_outbox()
    assert {m["To"] for m in smtp_server.messages} == {scene.lead.email}     # the kartrekker chose direct
    smtp_server.messages.clear()

    sunday = at(TODAY + days(4), 20)
    clock.move_to(sunday)
    assert reminders.send_digests(sunday) == 0  # last Monday's digest had nothing for anyone
    monday = at(TODAY + days(5), 8)
    clock.move_to(monday)
    assert reminders.send_digests(monday) == 1
    assert reminders.send_digests(monday) == 0
    clock.move_to(monday + timedelta(hours=3))
    assert reminders.send_digests(monday + timedelta(hours=3)) == 0
    deliver_outbox()

    [digest] = smtp_server.messages
    assert digest["To"] == scene.member.email
    assert digest["Subject"] == "Je weekoverzicht van het Leernetwerk: 5 herinneringen"
    text = digest.get_body(("plain",)).get_content()
    for title in ("Mijlpaal ‘Factsheet’ staat voor morgen", "Mijlpaal ‘Tolkenlijst’ staat over 3 dagen",
                  "Mijlpaal ‘Tolkenlijst’ staat voor morgen", "Mijlpaal ‘Overleg GGD’ is over tijd",
                  "Mijlpaal ‘Factsheet’ is over tijd"):  # by Friday, Thursday's milestone was late
        assert title in text
    assert digest["List-Unsubscribe"]
    items = db.session.execute(select(ReminderLog.occasion).where(ReminderLog.kind == reminders.DIGEST_ITEM))
    assert set(items.scalars()) == {"2026-W46"}


def test_items_after_monday_8_wait_for_next_week_and_kinds_switched_off_are_left_out(scene, clock):
    _prefer(scene.member, ReminderKind.MILESTONE_DUE, Delivery.DIGEST)
    _prefer(scene.member, ReminderKind.MILESTONE_OVERDUE, Delivery.DIGEST)
    scene.milestone("Overleg GGD", TODAY - days(1), assignee=scene.member)
    reminders.run_sweep(NOW)
    monday = at(TODAY + days(5), 8)
    scene.milestone("Late toevoeging", TODAY + days(6), assignee=scene.member)
    clock.move_to(monday + timedelta(minutes=1))
    reminders.run_sweep(monday + timedelta(minutes=1))  # after 08:00: for next week's digest
    db.session.execute(NotificationPreference.__table__.update()
                       .where(NotificationPreference.kind == ReminderKind.MILESTONE_OVERDUE)
                       .values(delivery=Delivery.OFF))
    db.session.commit()
    assert reminders.send_digests(monday + timedelta(minutes=2)) == 0
    next_monday = monday + timedelta(days=7)
    clock.move_to(next_monday)
    assert reminders.send_digests(next_monday) == 1
    mail = db.session.execute(select(OutboxMail).where(OutboxMail.recipient == scene.member.email)).scalars().all()
    assert len(mail) == 1 and "Late toevoeging" in mail[0].text_body and "Overleg GGD" not in mail[0].text_body
    assert db.session.query(Notification).filter(Notification.user_id == scene.member.id).count() == 2
