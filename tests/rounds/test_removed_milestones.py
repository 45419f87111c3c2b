"""Removing an open milestone: it leaves every page, list and feed, and its history stays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from leernetwerk.audit import AuditEvent
from leernetwerk.database import utcnow
from leernetwerk.extensions import db as _db
from leernetwerk.notifications.services import calendar_token, renew_calendar_token
from leernetwerk.rounds import services, work
from leernetwerk.rounds.models import MemberRole, Milestone, ThematicTable, WorkPackage
from tests import factories


@dataclass
class Setup:
    member: object
    table: ThematicTable
    wp: WorkPackage
    gone: Milestone   # the one that is removed
    kept: Milestone


@pytest.fixture
def setup(db) -> Setup:
    member = factories.make_user(name="Lid")
    table = factories.make_table(members=[(member, MemberRole.LEAD)], title="Tafel Taal")
    wp = factories.make_work_package(None, table, title="Wegwijzer")
    today = date.today()
    gone = Milestone(work_package=wp, title="Oude stap", due_on=today + timedelta(days=3))
    kept = Milestone(work_package=wp, title="Blijvende stap", due_on=today + timedelta(days=4))
    _db.session.add_all([gone, kept])
    _db.session.commit()
    return Setup(member=member, table=table, wp=wp, gone=gone, kept=kept)


def _milestones_section(page: str) -> str:
    return page[page.index('id="mijlpalen"'):page.index('id="updates"')]


def test_a_member_removes_an_open_milestone_after_a_confirm_and_its_history_stays(setup, client, login):
    login(setup.member)
    page = client.get(f"/werkpakketten/{setup.wp.id}").text
    remove = f'action="/mijlpalen/{setup.gone.id}/verwijderen"'
    assert remove in page
    button = page[page.index(remove):page.index("</form>", page.index(remove))]
    assert "data-confirm=" in button and "Verwijderen" in button

    response = client.post(f"/mijlpalen/{setup.gone.id}/verwijderen")
    assert response.status_code == 302
    assert "Mijlpaal ‘Oude stap’ verwijderd." in client.get(response.headers["Location"]).text
    page = client.get(f"/werkpakketten/{setup.wp.id}").text
    assert "Oude stap" not in _milestones_section(page) and "Blijvende stap" in _milestones_section(page)
    # The change history says who removed which milestone.
    history = page[page.index('id="wijzigingen"'):]
    assert "milestone.remove" in history and "‘Oude stap’" in history and "Lid" in history

    _db.session.expire_all()
    stored = _db.session.get(Milestone, setup.gone.id)  # soft: the row is still there
    assert stored.removed_at is not None and stored.removed_by_id == setup.member.id
    event = _db.session.query(AuditEvent).filter_by(action="milestone.remove").one()
    assert (event.before["removed"], event.after["removed"]) == (False, True)
    assert event.after["title"] == "Oude stap" and event.actor_id == setup.member.id


def test_a_removed_milestone_cannot_be_removed_again_edited_or_ticked_off(setup, client, login):
    login(setup.member)
    client.post(f"/mijlpalen/{setup.gone.id}/verwijderen")
    again = client.post(f"/mijlpalen/{setup.gone.id}/verwijderen", follow_redirects=True)
    assert "Deze mijlpaal was al verwijderd." in again.text
    tick = client.post(f"/mijlpalen/{setup.gone.id}/afvinken", follow_redirects=True)
    assert "Deze mijlpaal is verwijderd." in tick.text
    edit = client.get(f"/mijlpalen/{setup.gone.id}/bewerken")  # an old link: back to the list, told why
    assert edit.status_code == 302 and edit.headers["Location"].endswith(f"/werkpakketten/{setup.wp.id}#mijlpalen")
    _db.session.expire_all()
    assert _db.session.get(Milestone, setup.gone.id).done_at is None
    assert _db.session.query(AuditEvent).filter_by(action="milestone.remove").count() == 1


def test_a_ticked_off_milestone_is_not_removed_and_shows_no_remove_button(setup, client, login):
    login(setup.member)
    client.post(f"/mijlpalen/{setup.gone.id}/afvinken")
    page = client.get(f"/werkpakketten/{setup.wp.id}").text
    assert f"/mijlpalen/{setup.gone.id}/verwijderen" not in page
    refused = client.post(f"/mijlpalen/{setup.gone.id}/verwijderen", follow_redirects=True)
    assert "Een afgevinkte mijlpaal blijft staan" in refused.text
    _db.session.expire_all()
    assert _db.session.get(Milestone, setup.gone.id).removed_at is None


def test_outsiders_and_a_closed_round_cannot_remove(setup, client, login, make_client, db):
    login(factories.make_user())  # in the network, not at this table
    assert client.post(f"/mijlpalen/{setup.gone.id}/verwijderen").status_code == 403
    assert "/verwijderen" not in client.get(f"/werkpakketten/{setup.wp.id}").text
    setup.table.round.closed_at = utcnow()
    db.session.commit()
    member = login(setup.member, c=make_client())
    assert member.post(f"/mijlpalen/{setup.gone.id}/verwijderen").status_code == 403
    db.session.expire_all()
    assert db.session.get(Milestone, setup.gone.id).removed_at is None


def _remove(setup: Setup) -> None:
    work.remove_milestone(setup.member, setup.gone)
    _db.session.commit()


def test_a_removed_milestone_leaves_my_overview_the_table_count_and_the_round_picture(setup, client, login):
    login(setup.member)
    assert "Oude stap" in client.get("/mijn").text
    assert "0 van 2 mijlpalen klaar" in client.get(f"/tafels/{setup.table.id}").text
    marks = client.get(f"/rondes/{setup.table.round_id}").text.count('class="mark-open"')
    _remove(setup)

    overview = client.get("/mijn").text
    assert "Oude stap" not in overview and "Blijvende stap" in overview
    assert "0 van 1 mijlpalen klaar" in client.get(f"/tafels/{setup.table.id}").text
    round_page = client.get(f"/rondes/{setup.table.round_id}").text  # the timeline and the table under it
    assert "Oude stap" not in round_page and "Blijvende stap" in round_page
    assert round_page.count('class="mark-open"') == marks - 1
    rounds_page = client.get("/rondes").text  # the current round's picture
    assert "Oude stap" not in rounds_page and "Blijvende stap" in rounds_page


def test_a_removed_milestone_leaves_the_calendar_feed(setup, client):
    renew_calendar_token(setup.member)
    _db.session.commit()
    url = f"/agenda/{calendar_token(setup.member)}.ics"

    def summaries() -> set[str]:
        response = client.get(url)
        assert response.status_code == 200
        return {str(e["summary"]) for e in Calendar.from_ical(response.data).walk("VEVENT")}

    assert {"Mijlpaal: Oude stap", "Mijlpaal: Blijvende stap"} <= summaries()
    _remove(setup)
    assert "Mijlpaal: Oude stap" not in summaries() and "Mijlpaal: Blijvende stap" in summaries()


def test_carrying_a_table_over_leaves_a_removed_milestone_behind(setup, db):
    staff = factories.make_user(staff=True)
    _remove(setup)
    old_round = setup.table.round
    next_round = factories.make_round(starts_on=old_round.ends_on + timedelta(days=1))
    new = services.carry_over(staff, setup.table, next_round)
    db.session.commit()
    [new_wp] = new.work_packages
    assert [m.title for m in new_wp.milestones] == ["Blijvende stap"]


def test_a_removed_milestone_does_not_hold_back_new_dates_for_the_round_or_work_package(setup, db):
    staff = factories.make_user(staff=True)
    round_ = setup.table.round
    late = Milestone(work_package=setup.wp, title="Late stap", due_on=setup.wp.due_on)
    early = Milestone(work_package=setup.wp, title="Vroege stap", due_on=round_.starts_on)
    db.session.add_all([late, early])
    db.session.commit()
    earlier = setup.wp.due_on - timedelta(days=1)

    def move_work_package() -> None:
        work.update_work_package(staff, setup.wp, version=setup.wp.version, title=setup.wp.title, goal="",
                                     description="", owner=None, due_on=earlier, status=setup.wp.status)

    def move_round() -> None:
        services.update_round(staff, round_, version=round_.version, name=round_.name,
                              starts_on=round_.starts_on + timedelta(days=1), ends_on=round_.ends_on, goal="")

    with pytest.raises(services.RoundsError, match="Late stap"):
        move_work_package()
    db.session.rollback()
    with pytest.raises(services.RoundsError, match="Vroege stap"):
        move_round()
    db.session.rollback()

    work.remove_milestone(setup.member, late)
    work.remove_milestone(setup.member, early)
    db.session.commit()
    move_work_package()
    move_round()
    db.session.commit()


def test_a_milestone_list_loaded_before_the_removal_no_longer_holds_it(setup, db):
    assert {m.title for m in setup.wp.milestones} == {"Oude stap", "Blijvende stap"}
    work.remove_milestone(setup.member, setup.gone)
    assert [m.title for m in setup.wp.milestones] == ["Blijvende stap"]
