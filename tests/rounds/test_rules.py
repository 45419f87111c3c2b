"""The working cycle's rules (docs/architecture.md, rules R1–R5 and R10), tested on the domain
layer without HTTP."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from leernetwerk.audit import AuditEvent
from leernetwerk.errors import EditConflict
from leernetwerk.notifications.models import Notification
from leernetwerk.rounds import services, work
from leernetwerk.rounds.models import Light, MemberRole, Milestone, RoundPhase, ThematicTable, WorkPackageStatus
from tests import factories


@pytest.fixture
def staff():
    return factories.make_user(staff=True)


def _round(staff, start: date, end: date, name: str = "Ronde"):
    r = services.create_round(staff, name=name, starts_on=start, ends_on=end)
    return r


def test_round_of_three_to_four_calendar_months_is_accepted(staff, db):
    _round(staff, date(2027, 1, 1), date(2027, 3, 31), "Precies drie maanden")
    _round(staff, date(2027, 5, 1), date(2027, 8, 31), "Precies vier maanden")
    db.session.commit()


def test_round_shorter_than_three_months_is_refused(staff):
    with pytest.raises(services.RoundsError, match="minstens drie maanden") as err:
        _round(staff, date(2027, 1, 1), date(2027, 3, 30))
    assert err.value.field == "ends_on"
    assert "31 maart 2027" in str(err.value)


def test_round_longer_than_four_months_is_refused(staff):
    with pytest.raises(services.RoundsError, match="hoogstens vier maanden"):
        _round(staff, date(2027, 1, 1), date(2027, 5, 1))


def test_round_ending_before_it_starts_is_refused(staff):
    with pytest.raises(services.RoundsError, match="na de begindatum"):
        _round(staff, date(2027, 3, 1), date(2027, 1, 1))


def test_overlapping_rounds_are_refused_but_adjacent_ones_are_fine(staff, db):
    _round(staff, date(2027, 1, 1), date(2027, 3, 31), "Eerste")
    db.session.commit()
    with pytest.raises(services.RoundsError, match="overlappen met Eerste"):
        _round(staff, date(2027, 3, 31), date(2027, 6, 30), "Tweede")
    _round(staff, date(2027, 4, 1), date(2027, 6, 30), "Tweede")


def test_editing_a_round_into_an_overlap_is_refused(staff, db):
    first = _round(staff, date(2027, 1, 1), date(2027, 3, 31), "Eerste")
    second = _round(staff, date(2027, 4, 1), date(2027, 6, 30), "Tweede")
    db.session.commit()
    with pytest.raises(services.RoundsError, match="overlappen"):
        services.update_round(staff, second, version=second.version, name="Tweede", starts_on=date(2027, 3, 15),
                              ends_on=date(2027, 6, 30), goal="")
    # Editing a round against itself is no overlap.
    services.update_round(staff, first, version=first.version, name="Eerste", starts_on=date(2027, 1, 1),
                          ends_on=date(2027, 3, 31), goal="nieuw doel")


def test_round_phase_follows_the_dates_until_it_is_closed(staff, db):
    r = _round(staff, date(2027, 1, 1), date(2027, 3, 31))
    assert r.phase_on(date(2026, 12, 31)) == RoundPhase.PLANNED
    assert r.phase_on(date(2027, 1, 1)) == RoundPhase.RUNNING
    assert r.phase_on(date(2027, 3, 17)) == RoundPhase.RUNNING
    assert r.phase_on(date(2027, 3, 18)) == RoundPhase.CLOSING  # its last 14 days
    assert r.phase_on(date(2027, 5, 1)) == RoundPhase.CLOSING  # past the end but not closed yet
    services.close_round(staff, r)
    assert r.phase_on(date(2027, 2, 1)) == RoundPhase.CLOSED


def test_a_round_cannot_close_while_an_evaluation_is_missing(staff, db):
    t = factories.make_table(staff, title="Tafel zonder evaluatie")
    with pytest.raises(services.RoundsError, match="Tafel zonder evaluatie"):
        services.close_round(staff, t.round)
    services.record_evaluation(staff, t, delivered="Een zorgpad", what_worked="Korte lijnen", decision="doorgaan")
    services.close_round(staff, t.round)
    assert t.round.closed_at is not None


def test_a_closed_round_is_read_only_for_everyone(staff, db):
    member = factories.make_user()
    t = factories.make_table(staff, members=[(member, MemberRole.LEAD)])
    wp = factories.make_work_package(staff, t)
    services.record_evaluation(staff, t, delivered="x", what_worked="y", decision="stoppen")
    services.close_round(staff, t.round)
    core = factories.make_user(core=True)
    attempts = [
        lambda: services.create_table(staff, t.round, title="Nieuw", theme="T", action_line="na_geboorte",
                                      description="", liaison=core, members=[]),
        lambda: work.post_update(member, wp, "Nog iets", Light.ON_TRACK),
        lambda: work.add_milestone(member, wp, title="Later", due_on=t.round.starts_on, assignee=None),
        lambda: work.update_work_package(staff, wp, version=wp.version, title="Anders", goal="", description="",
                                             owner=None, due_on=wp.due_on, status=WorkPackageStatus.DONE),
        lambda: services.record_evaluation(staff, t, delivered="a", what_worked="b", decision="doorgaan"),
        lambda: work.ask_support(member, t, subject="Hulp", body="?"),
        lambda: services.update_round(staff, t.round, version=t.round.version, name="x", starts_on=t.round.starts_on,
                                      ends_on=t.round.ends_on, goal=""),
    ]
    for attempt in attempts:
        with pytest.raises(services.RoundsError, match="afgesloten"):
            attempt()


def test_liaison_must_be_a_core_group_member(staff, db):
    r = factories.make_round(staff)
    plain = factories.make_user()
    with pytest.raises(services.RoundsError, match="kerngroep") as err:
        services.create_table(staff, r, title="T", theme="Thema", action_line="na_geboorte", description="",
                              liaison=plain, members=[])
    assert err.value.field == "liaison_id"
    core = factories.make_user(core=True)
    table = services.create_table(staff, r, title="T", theme="Thema", action_line="na_geboorte", description="",
                                  liaison=core, members=[(plain, MemberRole.LEAD)])
    assert table.liaison_id == core.id and table.memberships[0].role == MemberRole.LEAD


def test_same_person_twice_at_a_table_is_refused(staff):
    r, core, person = factories.make_round(staff), factories.make_user(core=True), factories.make_user()
    with pytest.raises(services.RoundsError, match="twee keer"):
        services.create_table(staff, r, title="T", theme="Thema", action_line="na_geboorte", description="",
                              liaison=core, members=[(person, MemberRole.LEAD), (person, MemberRole.MEMBER)])


def test_work_package_and_milestones_lie_inside_the_round(staff, db):
    t = factories.make_table(staff)
    r = t.round
    with pytest.raises(services.RoundsError, match="binnen de ronde"):
        work.create_work_package(staff, t, title="WP", goal="", description="", owner=None,
                                     due_on=r.ends_on + timedelta(days=1))
    wp = work.create_work_package(staff, t, title="WP", goal="", description="", owner=None, due_on=r.ends_on)
    with pytest.raises(services.RoundsError, match="binnen de ronde"):
        work.add_milestone(staff, wp, title="Te vroeg", due_on=r.starts_on - timedelta(days=1), assignee=None)
    work.update_work_package(staff, wp, version=wp.version, title="WP", goal="", description="", owner=None,
                                 due_on=r.ends_on - timedelta(days=20), status=WorkPackageStatus.IN_PROGRESS)
    with pytest.raises(services.RoundsError, match="na de einddatum van het werkpakket"):
        work.add_milestone(staff, wp, title="Na het werkpakket", due_on=r.ends_on - timedelta(days=5),
                               assignee=None)
    work.add_milestone(staff, wp, title="Op tijd", due_on=r.starts_on, assignee=None)


def test_a_stale_save_of_a_work_package_is_refused_with_what_is_stored_now(staff, db):
    wp = factories.make_work_package(staff)
    loaded_version = wp.version
    work.update_work_package(staff, wp, version=loaded_version, title="Eerste opslag", goal="", description="",
                                 owner=None, due_on=wp.due_on, status=WorkPackageStatus.IN_PROGRESS)
    db.session.commit()
    with pytest.raises(EditConflict) as err:
        work.update_work_package(staff, wp, version=loaded_version, title="Tweede opslag", goal="",
                                     description="", owner=None, due_on=wp.due_on, status=WorkPackageStatus.DONE)
    assert err.value.current["title"] == "Eerste opslag"
    assert err.value.version == loaded_version + 1


def test_carry_over_brings_members_open_milestones_and_history_link(staff, db):
    lead, member = factories.make_user(), factories.make_user()
    old_round = factories.make_round(staff, starts_on=date(2027, 1, 1))
    t = factories.make_table(staff, old_round, members=[(lead, MemberRole.LEAD), (member, MemberRole.MEMBER)],
                             title="Geldzorgen")
    wp = factories.make_work_package(staff, t, title="Route naar schuldhulp")
    work.add_milestone(staff, wp, title="Klaar", due_on=date(2027, 1, 20), assignee=lead)
    work.add_milestone(staff, wp, title="Nog open", due_on=date(2027, 2, 10), assignee=member)
    work.set_milestone_done(staff, wp.milestones[0], True)
    next_round = services.create_round(staff, name="Volgende", starts_on=date(2027, 5, 1), ends_on=date(2027, 8, 15))
    db.session.commit()

    new = services.carry_over(staff, t, next_round)
    db.session.commit()
    assert new.round_id == next_round.id and new.carried_over_from_id == t.id
    assert {(m.user_id, m.role) for m in new.memberships} == {(lead.id, "kartrekker"), (member.id, "lid")}
    [new_wp] = new.work_packages
    assert new_wp.title == "Route naar schuldhulp"
    [carried] = new_wp.milestones
    assert carried.title == "Nog open" and carried.assignee_id == member.id
    assert next_round.starts_on <= carried.due_on <= next_round.ends_on
    assert carried.due_on == date(2027, 6, 10)  # same place relative to the round's start
    # The old table is untouched and still readable.
    assert len(t.work_packages[0].milestones) == 2 and t.round_id == old_round.id
    with pytest.raises(services.RoundsError, match="al doorgezet"):
        services.carry_over(staff, t, next_round)


def test_carry_over_only_into_a_later_round(staff, db):
    t = factories.make_table(staff, factories.make_round(staff, starts_on=date(2027, 5, 1)))
    earlier = services.create_round(staff, name="Eerder", starts_on=date(2026, 12, 1), ends_on=date(2027, 3, 1))
    with pytest.raises(services.RoundsError, match="latere ronde"):
        services.carry_over(staff, t, earlier)


def test_progress_update_starts_the_work_and_needs_text_and_a_light(staff, db):
    wp = factories.make_work_package(staff)
    with pytest.raises(services.RoundsError, match="Schrijf kort"):
        work.post_update(staff, wp, "   ", Light.ON_TRACK)
    with pytest.raises(services.RoundsError, match="op koers"):
        work.post_update(staff, wp, "tekst", "groen")
    work.post_update(staff, wp, "We zijn begonnen", Light.AT_RISK)
    assert wp.status == WorkPackageStatus.IN_PROGRESS


def test_support_request_reaches_the_liaison_at_once_and_the_answer_reaches_the_author(staff, db):
    member = factories.make_user()
    t = factories.make_table(staff, members=[(member, MemberRole.MEMBER)], title="Taal")
    request = work.ask_support(member, t, subject="Tolkbudget", body="Kan dat?")
    db.session.commit()
    notices = db.session.query(Notification).filter_by(user_id=t.liaison_id).all()
    assert [n.kind for n in notices] == ["support_request"] and "Tolkbudget" in notices[0].title
    assert notices[0].url.startswith(f"/tafels/{t.id}")
    assert request.is_open
    work.answer_support(t.liaison, request, "Ja, via ROS.")
    assert not request.is_open
    assert db.session.query(Notification).filter_by(user_id=member.id, kind="support_answer").count() == 1
    with pytest.raises(services.RoundsError, match="al beantwoord"):
        work.answer_support(t.liaison, request, "Nogmaals")


def test_every_change_is_audited_with_before_and_after(staff, db):
    wp = factories.make_work_package(staff, title="Oud")
    work.update_work_package(staff, wp, version=wp.version, title="Nieuw", goal="", description="", owner=None,
                                 due_on=wp.due_on, status=WorkPackageStatus.IN_PROGRESS)
    db.session.commit()
    event = db.session.query(AuditEvent).filter_by(action="work_package.update").one()
    assert event.actor_id == staff.id and event.object_id == wp.id
    assert event.before["title"] == "Oud" and event.after["title"] == "Nieuw"
    assert event.before["status"] == "niet_gestart" and event.after["status"] == "bezig"


def test_the_audit_of_a_new_or_changed_table_names_its_real_liaison_and_members(staff, db):
    r, lead = factories.make_round(staff), factories.make_user()
    core, other_core = factories.make_user(core=True), factories.make_user(core=True)
    table = services.create_table(staff, r, title="Tafel", theme="Thema", action_line="na_geboorte", description="",
                                  liaison=core, members=[(lead, MemberRole.LEAD)])
    db.session.commit()
    created = db.session.query(AuditEvent).filter_by(action="table.create").one()
    assert created.object_id == table.id
    assert created.after["liaison_id"] == core.id
    assert created.after["members"] == {str(lead.id): MemberRole.LEAD}

    services.update_table(staff, table, version=table.version, title="Tafel", theme="Thema",
                          action_line="na_geboorte", description="", liaison=other_core,
                          members=[(lead, MemberRole.MEMBER)])
    db.session.commit()
    updated = db.session.query(AuditEvent).filter_by(action="table.update").one()
    assert updated.before["liaison_id"] == core.id and updated.after["liaison_id"] == other_core.id
    assert updated.after["members"] == {str(lead.id): MemberRole.MEMBER}


def test_round_rules_hold_at_month_ends(staff, db):
    with time_machine.travel(date(2028, 1, 31)):
        # From 31 January, three calendar months reach into late April (there is no 31 April).
        services.create_round(staff, name="Januari", starts_on=date(2028, 1, 31), ends_on=date(2028, 4, 30))
        with pytest.raises(services.RoundsError):
            services.create_round(staff, name="Te kort", starts_on=date(2028, 5, 31), ends_on=date(2028, 8, 29))
    assert db.session.query(ThematicTable).count() == 0
    assert db.session.query(Milestone).count() == 0


def test_a_table_form_opened_before_someone_was_seated_gets_a_conflict_not_a_silent_undo(staff, db):
    """Seating someone (an invitation for the table) or changing only the members gives the table
    a new version, so an older table form cannot quietly take the new member off again."""
    lead, newcomer = factories.make_user(), factories.make_user()
    t = factories.make_table(members=[(lead, MemberRole.LEAD)])
    loaded_version = t.version
    services.seat(staff, t, newcomer, MemberRole.MEMBER)
    db.session.commit()
    with pytest.raises(EditConflict):
        services.update_table(staff, t, version=loaded_version, title=t.title, theme=t.theme,
                              action_line=t.action_line, description=t.description, liaison=t.liaison,
                              members=[(lead, MemberRole.LEAD)])


def test_who_can_own_or_do_a_tables_work_is_its_members_and_its_liaison(db):
    """The choices of a work package's owner and a milestone's assignee: the table's members and
    its liaison, by name; not the people of another table."""
    from leernetwerk.rounds.queries import table_people

    liaison = factories.make_user(name="Ans Verbinder", core=True)
    lead, member = factories.make_user(name="Cor Trekker", core=True), factories.make_user(name="Bea Lid")
    table = factories.make_table(liaison=liaison, members=[(lead, MemberRole.LEAD), (member, MemberRole.MEMBER)])
    factories.make_table(members=[(factories.make_user(name="Dirk Elders"), MemberRole.MEMBER)])
    assert [p.name for p in table_people(table)] == ["Ans Verbinder", "Bea Lid", "Cor Trekker"]
    # A liaison who also sits at the table is listed once.
    other = factories.make_table(liaison=lead, members=[(lead, MemberRole.MEMBER)])
    assert [p.name for p in table_people(other)] == ["Cor Trekker"]
