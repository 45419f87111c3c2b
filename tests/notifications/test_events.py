"""Notices caused by people's actions follow each person's choice: a mail now, the weekly
digest, or only the notice in the app."""

from __future__ import annotations

from leernetwerk.extensions import db
from leernetwerk.library import services as library
from leernetwerk.notifications.mail import deliver_outbox
from leernetwerk.notifications.models import Delivery, Notification, OutboxMail, ReminderLog
from leernetwerk.notifications.services import set_preferences
from leernetwerk.rounds import services as rounds
from leernetwerk.rounds.models import MemberRole
from tests import factories
from tests.library.helpers import Team


def test_a_support_request_mails_the_liaison_at_once(smtp_server):
    member = factories.make_user()
    table = factories.make_table(members=[(member, MemberRole.MEMBER)], title="Taal en tolken")
    rounds.ask_support(member, table, subject="Budget voor tolken", body="Kan dat?")
    db.session.commit()
    assert deliver_outbox()["sent"] == 1
    [mail] = smtp_server.messages
    assert mail["To"] == table.liaison.email and "Budget voor tolken" in mail["Subject"]
    assert f"/tafels/{table.id}" in mail.get_body(("plain",)).get_content()
    assert mail["List-Unsubscribe"]


def test_followers_get_the_publication_by_mail_digest_or_not_at_all(db):
    now, weekly, quiet = factories.make_user(), factories.make_user(), factories.make_user()
    set_preferences(weekly, {"library_published": Delivery.DIGEST.value})
    set_preferences(quiet, {"library_published": Delivery.OFF.value})
    for person in (now, weekly, quiet):
        library.follow(person, "soort", "factsheet")
    db.session.commit()
    Team().publish("Factsheet tolken", kind="factsheet")

    notices = {n.user_id for n in db.session.query(Notification).filter_by(kind="library_published")}
    assert notices == {now.id, weekly.id, quiet.id}  # the notice in the app is always there
    mails = [m.recipient for m in db.session.query(OutboxMail) if m.subject.startswith("Nieuw in de bibliotheek")]
    assert mails == [now.email]
    digest = db.session.query(ReminderLog).filter_by(kind="digest_item", recipient_id=weekly.id).count()
    assert digest == 1


def test_a_rolled_back_change_notifies_nobody(db):
    member = factories.make_user()
    table = factories.make_table(members=[(member, MemberRole.MEMBER)])
    db.session.commit()
    rounds.ask_support(member, table, subject="Vraag", body="?")
    db.session.rollback()
    assert db.session.query(Notification).count() == 0 and db.session.query(OutboxMail).count() == 0
