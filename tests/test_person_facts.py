"""What nearly every page asks about the person logged in (unread notices, coalitions, seats at
tables) is read in one statement per request (leernetwerk/person_facts.py)."""

from __future__ import annotations

from flask_login import AnonymousUserMixin

from leernetwerk.notifications import services as notifications
from leernetwerk.person_facts import NOTHING, person_facts
from leernetwerk.rounds.models import MemberRole
from tests import factories


def test_the_facts_of_a_person_in_a_coalition_and_at_two_tables(app, db, count_queries):
    coalition = factories.make_coalition()
    person = factories.make_coalition_member(coalition, name="Wietske")
    other = factories.make_user(name="Sjoerd")
    staff = factories.make_user(staff=True)
    lead_at = factories.make_table(staff, members=[(person, MemberRole.LEAD), (other, MemberRole.MEMBER)])
    member_at = factories.make_table(staff, members=[(person, MemberRole.MEMBER)])
    factories.make_table(staff, members=[(other, MemberRole.LEAD)])
    unread = notifications.notify([person, other], kind="table.joined", title="Welkom")
    notifications.notify([person], kind="table.joined", title="Nog een")
    notifications.mark_read(person, unread[0].id)
    db.session.commit()
    db.session.refresh(person)  # the person as loaded for a request (not counted below)
    expected_tables = {lead_at.id: MemberRole.LEAD, member_at.id: MemberRole.MEMBER}

    with app.test_request_context(), count_queries() as queries:
        facts = person_facts(person)
        assert person_facts(person) is facts  # kept for the rest of the request
    assert queries.count == 1, queries.statements
    assert facts.unread_notifications == 1
    assert facts.coalition_ids == frozenset({coalition.id})
    assert facts.table_roles == expected_tables


def test_nobody_logged_in_has_no_facts_and_costs_no_query(app, count_queries):
    with app.test_request_context(), count_queries() as queries:
        assert person_facts(AnonymousUserMixin()) is NOTHING
        assert person_facts(None) is NOTHING
    assert queries.count == 0
