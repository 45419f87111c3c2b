"""Notices caused by people's actions follow each person's choice: a mail now, the weekly
digest, or only the notice in the app."""

from __future__ import annotations

from leernetwerk.extensions import db
from leernetwerk.library import services as library
from leernetwerk.notifications.mail import deliver_outbox
from leernetwerk.notifications.models import Delivery, Notification, OutboxMail, ReminderLog
from leernetwerk.notifications.services import set_preferences
from leernetwerk.rounds import services as rounds
from leernetwerk.rounds import work
from leernetwerk.rounds.models import MemberRole
from tests import factories
from tests.library.helpers import Team


def test_a_support_request_mails_the_liaison_at_once(smtp_server):
    member = factories.make_user()
    table = factories.make_table(members=[(member, MemberRole.MEMBER)], title="Taal en tolken")
    work.ask_support(member, table, subject="Budget voor tolken", body="Kan dat?")
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
    work.ask_support(member, table, subject="Vraag", body="?")
    db.session.rollback()
    assert db.session.query(Notification).count() == 0 and db.session.query(OutboxMail).count() == 0


def test_approval_tells_staff_it_waits_and_publication_tells_the_table(db):
    """The review loop closes: staff hear an end product is ready to publish; the table that made
    it hears it is in the library, with a link to it."""
    team = Team()
    member = factories.make_user(name="Tafellid")
    team.table.memberships.append(factories_membership(member))
    version = team.draft("Sociale kaart geldzorgen")
    library.submit_for_review(team.lead, version)
    library.review(team.liaison, version, approve=True, comment="")
    db.session.commit()
    ready = db.session.query(Notification).filter(Notification.title.startswith("Klaar om te publiceren")).all()
    assert [n.user_id for n in ready] == [team.staff.id]
    assert ready[0].url.endswith(f"/eindproducten/{version.deliverable_id}")

    library.publish(team.staff, version)
    db.session.commit()
    told = db.session.query(Notification).filter(Notification.title.startswith("Gepubliceerd in de bibliotheek"))
    assert {n.user_id for n in told} == {team.lead.id, member.id}
    assert all(n.url.endswith(f"/bibliotheek/{version.deliverable.slug}") for n in told)


def factories_membership(user):
    from leernetwerk.rounds.models import TableMembership

    return TableMembership(user=user, role=MemberRole.MEMBER)


def test_a_person_seated_at_a_table_is_told_once_with_a_link(db):
    """Added when the table is made, or later: each new member hears it once; nobody already
    seated hears it again when the table is saved."""
    staff = factories.make_user(staff=True)
    first, later = factories.make_user(name="Eerste lid"), factories.make_user(name="Later lid")
    table = rounds.create_table(staff, factories.make_round(), title="Taal en tolken", theme="Taal",
                                action_line="tijdens_zwangerschap", description="",
                                liaison=factories.make_user(core=True), members=[(first, MemberRole.LEAD)])
    db.session.commit()
    rounds.update_table(staff, table, version=table.version, title=table.title, theme=table.theme,
                        action_line=table.action_line, description="", liaison=table.liaison,
                        members=[(first, MemberRole.LEAD), (later, MemberRole.MEMBER)])
    db.session.commit()
    told = db.session.query(Notification).filter_by(kind="table_seat").all()
    assert sorted(n.user_id for n in told) == sorted([first.id, later.id])
    assert all(table.title in n.title and n.url.endswith(f"/tafels/{table.id}") for n in told)
