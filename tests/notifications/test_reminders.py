"""Who is reminded of what, and when: the rules of issue 5, on the domain layer (no HTTP)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from leernetwerk.dates import working_days_after, working_days_before
from leernetwerk.extensions import db
from leernetwerk.library.models import DeliverableVersion, VersionStatus
from leernetwerk.notifications import reminders
from leernetwerk.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    OutboxMail,
    ReminderKind,
    ReminderLog,
)
from leernetwerk.notifications.reminders import run_sweep, sweep
from leernetwerk.rounds.models import MemberRole, ProgressUpdate, SupportRequest
from tests import factories

from .conftest import NOW, TODAY, at, days


def notices() -> list[tuple[str, str, str]]:
    """(person, kind, title) of every notice, sorted."""
    from leernetwerk.auth.models import User

    return sorted(db.session.execute(
        select(User.name, Notification.kind, Notification.title).join(User, User.id == Notification.user_id)
    ).tuples())


def who(kind: str) -> list[str]:
    return sorted(name for name, k, _title in notices() if k == kind)


# --- milestones ------------------------------------------------------------------------------------

def test_milestone_due_in_7_days_reminds_its_assignee(scene):
    scene.milestone("Conceptwegwijzer", TODAY + days(7), assignee=scene.member)
    run_sweep(NOW)
    [(name, kind, title)] = notices()
    assert (name, kind) == ("Lars Lid", ReminderKind.MILESTONE_DUE)
    assert title == "Mijlpaal ‘Conceptwegwijzer’ staat over 7 dagen"


def test_milestone_without_assignee_reminds_the_whole_table(scene):
    scene.milestone("Tolkenlijst", TODAY + days(1))
    run_sweep(NOW)
    assert who(ReminderKind.MILESTONE_DUE) == ["Karin Kartrekker", "Lars Lid"]
    assert {t for _n, _k, t in notices()} == {"Mijlpaal ‘Tolkenlijst’ staat voor morgen"}


def test_milestone_is_reminded_at_7_days_and_at_1_day_and_not_in_between(scene, clock):
    scene.milestone("Factsheet", TODAY + days(7), assignee=scene.member)
    for offset in range(7):
        clock.move_to(at(TODAY + days(offset)))
        run_sweep(at(TODAY + days(offset)))
    titles = [t for _n, _k, t in notices()]
    assert titles == ["Mijlpaal ‘Factsheet’ staat over 7 dagen", "Mijlpaal ‘Factsheet’ staat voor morgen"]


def test_missed_sweeps_still_send_the_reminder_within_its_window(scene):
    """The scheduler was down on the seventh day before: the next sweep still reminds."""
    scene.milestone("Factsheet", TODAY + days(4), assignee=scene.member)
    run_sweep(NOW)
    assert [t for _n, _k, t in notices()] == ["Mijlpaal ‘Factsheet’ staat over 4 dagen"]


def test_done_milestone_and_closed_round_get_no_reminder(scene):
    scene.milestone("Al klaar", TODAY + days(1), assignee=scene.member, done=True)
    assert run_sweep(NOW).get("reminders", 0) == 0
    scene.milestone("Open", TODAY + days(1), assignee=scene.member)
    factories.finish_round(scene.staff, scene.round)
    assert run_sweep(NOW).get("reminders", 0) == 0


def test_overdue_milestone_reminds_assignee_and_kartrekker_once(scene, clock):
    scene.milestone("Overleg GGD", TODAY - days(2), assignee=scene.member)
    run_sweep(NOW)
    assert who(ReminderKind.MILESTONE_OVERDUE) == ["Karin Kartrekker", "Lars Lid"]
    clock.move_to(at(TODAY + days(3)))
    run_sweep(at(TODAY + days(3)))
    assert len(who(ReminderKind.MILESTONE_OVERDUE)) == 2


def test_a_moved_due_date_is_a_new_occasion(scene):
    m = scene.milestone("Flyer", TODAY + days(1), assignee=scene.member)
    run_sweep(NOW)
    m.due_on = TODAY
    db.session.commit()
    run_sweep(NOW)
    assert [t for _n, _k, t in notices()] == ["Mijlpaal ‘Flyer’ staat voor morgen",
                                              "Mijlpaal ‘Flyer’ staat voor vandaag"]


# --- work packages, rounds, reviews, support ----------------------------------------------------------

def test_work_package_without_update_for_14_days_reminds_the_table(scene, clock):
    factories.make_update(scene.lead, scene.work_package, "Gestart.", "op_koers", at=NOW - days(13))
    assert run_sweep(NOW).get("reminders", 0) == 0
    clock.move_to(NOW + days(1))
    run_sweep(NOW + days(1))
    assert who(ReminderKind.WORK_PACKAGE_QUIET) == ["Karin Kartrekker", "Lars Lid"]
    # Once per silence: a later sweep stays quiet, a new update starts a new count.
    run_sweep(NOW + days(5))
    assert len(who(ReminderKind.WORK_PACKAGE_QUIET)) == 2
    clock.move_to(NOW + days(5))
    factories.make_update(scene.lead, scene.work_package, "Verder.", "risico")
    run_sweep(NOW + days(19))
    assert len(who(ReminderKind.WORK_PACKAGE_QUIET)) == 4


def test_finished_work_package_is_not_quiet(scene):
    scene.work_package.status = "afgerond"
    factories.backdate(scene.work_package, created_at=NOW - days(40))
    assert run_sweep(NOW).get("reminders", 0) == 0


def _in_review(scene, submitted_at: datetime = NOW) -> DeliverableVersion:
    version = factories.make_deliverable(scene.lead, scene.work_package, title="Wegwijzer tolken", kind="handreiking",
                                         status=VersionStatus.IN_REVIEW)
    return factories.backdate(version, submitted_at=submitted_at)


def test_round_ending_without_end_product_in_review_reminds_lead_and_liaison(scene, clock):
    ends = scene.round.ends_on
    moment = at(ends - days(14))
    clock.move_to(moment)
    run_sweep(moment)
    assert who(ReminderKind.ROUND_ENDING) == ["Karin Kartrekker", "Vera Verbinding"]


def test_round_ending_with_an_end_product_in_review_stays_quiet(scene, clock):
    _in_review(scene)
    moment = at(scene.round.ends_on - days(14))
    clock.move_to(moment)
    run_sweep(moment)
    assert who(ReminderKind.ROUND_ENDING) == []


def test_review_waiting_more_than_5_working_days_reminds_liaison_and_staff(scene, clock):
    submitted = at(date(2026, 10, 27), 10)  # Tuesday
    _in_review(scene, submitted_at=submitted)
    run_sweep(at(date(2026, 11, 3), 9))     # next Tuesday 09:00: 4 working days and 23 hours
    assert who(ReminderKind.REVIEW_WAITING) == []
    run_sweep(at(date(2026, 11, 3), 10, 5))
    assert who(ReminderKind.REVIEW_WAITING) == ["Sanne ROS", "Vera Verbinding"]


def test_support_request_unanswered_for_2_working_days_counts_no_weekend(scene):
    request = factories.make_support_request(scene.member, scene.table, subject="Tolk Pools", body="Wie?",
                                             asked_at=at(date(2026, 10, 30), 15))  # Friday afternoon
    run_sweep(at(date(2026, 11, 3), 14))  # Tuesday 14:00: Mon + almost Tue
    assert who(ReminderKind.SUPPORT_UNANSWERED) == []
    run_sweep(at(date(2026, 11, 3), 15, 1))
    assert who(ReminderKind.SUPPORT_UNANSWERED) == ["Sanne ROS", "Vera Verbinding"]
    request.answered_at = NOW
    db.session.commit()


def test_answered_support_request_gets_no_reminder(scene):
    factories.make_support_request(scene.member, scene.table, subject="Vraag", body="?", asked_at=NOW - days(10),
                                   answer="Zo.", answered_at=NOW - days(9))
    assert who(ReminderKind.SUPPORT_UNANSWERED) == [] and run_sweep(NOW).get("reminders", 0) == 0


def test_round_starting_in_7_days_tells_members_what_is_expected(scene, clock):
    next_round = factories.make_round(scene.staff, starts_on=scene.round.ends_on + days(1), name="Ronde voorjaar")
    table = factories.make_table(scene.staff, next_round, liaison=scene.liaison,
                                 members=[(scene.lead, MemberRole.LEAD), (scene.member, MemberRole.MEMBER)])
    moment = at(next_round.starts_on - days(7))
    clock.move_to(moment)
    run_sweep(moment)
    starting = db.session.execute(select(Notification).where(Notification.kind == ReminderKind.ROUND_STARTING)
                                  .order_by(Notification.user_id)).scalars().all()
    assert {n.user_id for n in starting} == {scene.lead.id, scene.member.id}
    lead_notice = next(n for n in starting if n.user_id == scene.lead.id)
    assert lead_notice.title.startswith("Ronde voorjaar begint op")
    assert "kartrekker" in lead_notice.body and "mijlpalen" in lead_notice.body
    assert lead_notice.url == f"/tafels/{table.id}"


def test_working_days_are_monday_to_friday():
    friday = datetime(2026, 10, 30, 15, tzinfo=timezone.utc)
    assert working_days_before(datetime(2026, 11, 3, 15, tzinfo=timezone.utc), 2) == friday
    assert working_days_after(friday, 2) == datetime(2026, 11, 3, 15, tzinfo=timezone.utc)
    saturday = datetime(2026, 10, 31, 12, tzinfo=timezone.utc)
    assert working_days_after(saturday, 2) == datetime(2026, 11, 4, 0, tzinfo=timezone.utc)


# --- language, links, preferences -------------------------------------------------------------------

def test_texts_are_in_the_persons_language_with_a_direct_link(scene):
    scene.member.locale = "en"
    db.session.commit()
    scene.milestone("Factsheet", TODAY + days(1))
    run_sweep(NOW)
    english = db.session.execute(select(Notification).where(Notification.user_id == scene.member.id)).scalar_one()
    dutch = db.session.execute(select(Notification).where(Notification.user_id == scene.lead.id)).scalar_one()
    assert dutch.title == "Mijlpaal ‘Factsheet’ staat voor morgen"
    assert english.url == dutch.url == f"/werkpakketten/{scene.work_package.id}#mijlpalen"
    mail = db.session.execute(select(OutboxMail).where(OutboxMail.recipient == scene.member.email)).scalar_one()
    assert f"http://localhost/werkpakketten/{scene.work_package.id}#mijlpalen" in mail.text_body
    assert "5 november 2026" in dutch.body
    # Written under the person's language (dates show it even before the English catalogue has the text).
    assert "November 5, 2026" in english.body
    assert '<html lang="en">' in mail.html_body


def test_a_person_who_turned_a_kind_off_gets_no_mail_of_it(scene):
    db.session.add(NotificationPreference(user_id=scene.member.id, kind=ReminderKind.MILESTONE_DUE,
                                          delivery=Delivery.OFF))
    db.session.commit()
    scene.milestone("Factsheet", TODAY + days(1))
    run_sweep(NOW)
    recipients = db.session.execute(select(OutboxMail.recipient)).scalars().all()
    assert recipients == [scene.lead.email]
    # The notice in the app stays: 'uit' is about e-mail.
    assert who(ReminderKind.MILESTONE_DUE) == ["Karin Kartrekker", "Lars Lid"]


def test_inactive_people_get_nothing(scene):
    scene.member.active = False
    db.session.commit()
    scene.milestone("Factsheet", TODAY + days(1))
    run_sweep(NOW)
    assert who(ReminderKind.MILESTONE_DUE) == ["Karin Kartrekker"]


# --- exactly once ----------------------------------------------------------------------------------

def _everything_due(scene) -> None:
    with factories.without_notices():  # the sweeps' writes are counted, not the setup's
        scene.milestone("Zeven", TODAY + days(7), assignee=scene.member)
        scene.milestone("Morgen", TODAY + days(1))
        scene.milestone("Te laat", TODAY - days(3), assignee=scene.member)
        factories.make_support_request(scene.member, scene.table, subject="Hulp", body="?", asked_at=NOW - days(7))
        _in_review(scene, submitted_at=NOW - days(14))
        factories.backdate(scene.work_package, created_at=NOW - days(30))


def _log_and_writes() -> tuple[int, int, int, Counter]:
    logged = db.session.execute(select(ReminderLog.kind, ReminderLog.object_type, ReminderLog.object_id,
                                       ReminderLog.recipient_id, ReminderLog.occasion)).all()
    return (len(logged), db.session.query(Notification).count(), db.session.query(OutboxMail).count(),
            Counter(logged))


def test_each_reminder_is_written_exactly_once_across_repeated_sweeps(scene):
    _everything_due(scene)
    first = run_sweep(NOW)
    assert first["reminders"] == first["mails"] == 11  # 1 + 2 due, 2 overdue, 2 quiet, 2 support, 2 review
    after_first = _log_and_writes()
    for _ in range(3):
        assert run_sweep(NOW) == {}
    assert _log_and_writes() == after_first
    assert max(after_first[3].values()) == 1


def test_a_sweep_killed_half_way_is_rolled_back_and_the_next_one_sends_each_once(scene, monkeypatch):
    _everything_due(scene)
    real_write = sweep._write
    calls = []

    def dies_on_the_third_rule(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            real_write(*args, **kwargs)  # written, then the process dies before the commit
            raise RuntimeError("killed")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(sweep, "_write", dies_on_the_third_rule)
    with pytest.raises(RuntimeError):
        run_sweep(NOW)
    db.session.rollback()
    partial = _log_and_writes()
    assert 0 < partial[0] < 11 and partial[0] == partial[1] == partial[2]  # committed rules only, whole
    monkeypatch.setattr(sweep, "_write", real_write)
    run_sweep(NOW)
    total, notice_count, mail_count, keys = _log_and_writes()
    assert total == notice_count == mail_count == 11 and max(keys.values()) == 1


def test_digest_choice_writes_a_digest_item_instead_of_a_mail(scene):
    db.session.add(NotificationPreference(user_id=scene.member.id, kind=ReminderKind.MILESTONE_DUE,
                                          delivery=Delivery.DIGEST))
    db.session.commit()
    scene.milestone("Factsheet", TODAY + days(1))
    counts = run_sweep(NOW)
    assert counts["mails"] == 1 and counts["digest_items"] == 1
    item = db.session.execute(select(ReminderLog).where(ReminderLog.kind == reminders.DIGEST_ITEM)).scalar_one()
    assert item.recipient_id == scene.member.id and item.occasion == reminders.PENDING


# --- set-based ---------------------------------------------------------------------------------------

def _grow(scene, tables: int) -> None:
    with factories.one_commit():
        for n in range(tables):
            lead, member = factories.make_user(), factories.make_user()
            table = factories.make_table(scene.staff, scene.round, liaison=scene.liaison,
                                         members=[(lead, MemberRole.LEAD), (member, MemberRole.MEMBER)])
            wp = factories.make_work_package(scene.staff, table, title=f"Werk {n}", due_on=scene.round.ends_on,
                                             status="bezig")
            factories.backdate(wp, created_at=NOW - days(20))
            factories.make_milestone(scene.staff, wp, title="zeven", due_on=TODAY + days(7), assignee=member)
            factories.make_milestone(scene.staff, wp, title="morgen", due_on=TODAY + days(1))
            factories.make_milestone(scene.staff, wp, title="te laat", due_on=TODAY - days(2), assignee=member)
            factories.make_support_request(member, table, subject="Hulp", body="?", asked_at=NOW - days(6))


def test_a_sweep_runs_the_same_number_of_queries_for_1_or_40_tables(scene, count_queries):
    _grow(scene, 1)
    with count_queries() as small:
        small_counts = run_sweep(NOW)
    db.session.execute(ReminderLog.__table__.delete())
    db.session.execute(Notification.__table__.delete())
    db.session.execute(OutboxMail.__table__.delete())
    db.session.commit()
    _grow(scene, 39)
    with count_queries() as large:
        large_counts = run_sweep(NOW)
    assert large_counts["reminders"] > 10 * small_counts["reminders"] / 2
    assert small.count == large.count, (small.statements, large.statements)
    assert large.count <= 6 * len(reminders.REMINDER_RULES)


def test_upcoming_shows_what_the_next_days_bring_without_storing_anything(scene):
    scene.milestone("Zeven", TODAY + days(9), assignee=scene.member)
    scene.milestone("Te laat", TODAY - days(3), assignee=scene.member)
    coming = sorted((u for kind in reminders.preview.kinds() for u in reminders.upcoming(NOW, kind, days=7)),
                    key=lambda u: (u.day, u.kind, u.subject, u.person))
    assert reminders.preview.counts(NOW) == {kind: 2 if kind == ReminderKind.MILESTONE_OVERDUE else
                                             1 if kind == ReminderKind.MILESTONE_DUE else 0
                                             for kind in reminders.preview.kinds()}
    assert [(u.day, u.kind, u.person) for u in coming] == [
        (TODAY, ReminderKind.MILESTONE_OVERDUE, "Karin Kartrekker"),
        (TODAY, ReminderKind.MILESTONE_OVERDUE, "Lars Lid"),
        (TODAY + days(2), ReminderKind.MILESTONE_DUE, "Lars Lid"),  # the 1-day one falls after the 7 days
    ]
    assert db.session.query(ReminderLog).count() == 0 and db.session.query(Notification).count() == 0


def test_working_days_skip_weekends_and_dutch_public_holidays():
    from leernetwerk.dates import is_working_day, working_days_after, working_days_before

    assert not is_working_day(date(2026, 12, 25)) and not is_working_day(date(2026, 12, 26))
    assert not is_working_day(date(2027, 4, 27))  # King's Day
    assert is_working_day(date(2026, 12, 24))
    # From Thursday 24 December: Friday 25 is Christmas, then the weekend; Monday 28 is the first
    # working day and Tuesday 29 the second.
    start = datetime(2026, 12, 24, 10, 0)
    assert working_days_after(start, 2) == datetime(2026, 12, 29, 10, 0)
    assert working_days_before(datetime(2026, 12, 29, 10, 0), 2) == start


# --- removed milestones, withdrawn updates and support requests ----------------------------------------

def test_a_removed_milestone_gets_no_reminder_due_or_overdue_and_is_not_upcoming(scene, clock):
    from leernetwerk.rounds import work

    soon = scene.milestone("Weggehaald morgen", TODAY + days(1), assignee=scene.member)
    late = scene.milestone("Weggehaald te laat", TODAY - days(2))
    whole_table = scene.milestone("Weggehaald over een week", TODAY + days(7))
    kept = scene.milestone("Blijft", TODAY + days(1), assignee=scene.member)
    for milestone in (soon, late, whole_table):
        work.remove_milestone(scene.lead, milestone)
    db.session.commit()
    milestone_kinds = (ReminderKind.MILESTONE_DUE, ReminderKind.MILESTONE_OVERDUE)
    assert {u.subject for kind in milestone_kinds for u in reminders.upcoming(NOW, kind, days=14)} == {kept.title}
    for offset in range(10):  # a sweep a day: the removed ones never come up, not even once overdue
        clock.move_to(at(TODAY + days(offset)))
        run_sweep(at(TODAY + days(offset)))
    titles = {title for _n, _k, title in notices()}
    assert {"Mijlpaal ‘Blijft’ staat voor morgen", "Mijlpaal ‘Blijft’ is over tijd"} <= titles
    assert not any("Weggehaald" in title for title in titles)


def test_a_withdrawn_update_does_not_reset_the_quiet_reminder(scene, clock):
    from leernetwerk.rounds import work

    db.session.add(ProgressUpdate(work_package=scene.work_package, author=scene.lead, body="Gestart.",
                                  light="op_koers", created_at=NOW - days(20)))
    db.session.commit()
    clock.move_to(NOW - days(1))
    update = work.post_update(scene.member, scene.work_package, "Per ongeluk hier gezet.", "risico")
    db.session.commit()
    clock.move_to(NOW)
    assert run_sweep(NOW).get("reminders", 0) == 0  # quiet for one day only
    work.withdraw_update(scene.member, update)
    db.session.commit()
    run_sweep(NOW)
    assert who(ReminderKind.WORK_PACKAGE_QUIET) == ["Karin Kartrekker", "Lars Lid"]  # quiet since 20 days


def test_a_withdrawn_support_request_gets_no_reminder(scene):
    from leernetwerk.rounds import work

    withdrawn = SupportRequest(table=scene.table, author=scene.member, subject="Ingetrokken", body="?",
                               created_at=NOW - days(10))
    waiting = SupportRequest(table=scene.table, author=scene.member, subject="Wacht nog", body="?",
                             created_at=NOW - days(10))
    db.session.add_all([withdrawn, waiting])
    db.session.commit()
    work.withdraw_support(scene.member, withdrawn)
    db.session.commit()
    run_sweep(NOW)
    assert {title for _n, kind, title in notices() if kind == ReminderKind.SUPPORT_UNANSWERED} == {
        "Ondersteuningsvraag van Tafel Taalbarrières wacht al twee werkdagen: Wacht nog"}
