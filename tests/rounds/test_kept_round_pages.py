"""A round's totals, filtered lists and drawn timeline are kept per process under the rounds' work
generation (rule R32): the page is fast when nothing changed, and shows every change at once, also
one made by another worker or app server."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import create_engine, event, text

from leernetwerk.dates import AMSTERDAM
from leernetwerk.extensions import db as _db
from leernetwerk.rounds import generation as work_generation
from leernetwerk.rounds import overview
from leernetwerk.rounds.models import MemberRole, ProgressUpdate
from tests import factories


@pytest.fixture(autouse=True)
def _nothing_kept(app):
    app.extensions.pop("round_summaries", None)


def _round_with_a_table():
    member = factories.make_user(name="Lid Jansen")
    round_ = factories.make_round()
    table = factories.make_table(round_=round_, members=[(member, MemberRole.LEAD)], title="Tafel Vroeg Erbij")
    wp = factories.make_work_package(table=table)
    factories.make_milestone(wp=wp, title="Eerste gesprek", due_on=round_.starts_on + timedelta(days=10))
    return member, round_, table, wp


def _dutch(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), AMSTERDAM)


def _statements(app, client, url: str) -> tuple[str, list[str]]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        html = client.get(url).text
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    return html, seen


def test_an_unchanged_round_is_not_counted_again(app, client, login):
    member, round_, _table, _wp = _round_with_a_table()
    login(member).get("/mijn")  # shows the welcome message
    url = f"/rondes/{round_.id}"
    first, counted = _statements(app, client, url)
    again, kept = _statements(app, client, url)
    assert again == first
    # The totals (sums over the round's milestones) and the filtered list are not read again.
    assert [s for s in counted if "sum(" in s] and not [s for s in kept if "sum(" in s]
    assert len(kept) < len(counted)


def test_a_new_update_shows_at_once_in_colours_and_totals(client, login):
    member, round_, table, wp = _round_with_a_table()
    login(member)
    url = f"/rondes/{round_.id}"
    before = client.get(url).text
    assert 'class="status status-none"' in before and 'class="status status-vertraagd"' not in before
    response = client.post(f"/werkpakketten/{wp.id}/updates", data={"body": "Loopt vast", "light": "vertraagd"})
    assert response.status_code == 302
    page = client.get(url).text
    assert 'class="status status-vertraagd"' in page and 'class="status status-none"' not in page


def test_a_change_made_by_another_app_server_is_seen(app, client, login):
    """Another server renames the table with SQL and moves the generation: this process still holds
    the drawn page, but reads the moved generation from the database and draws it again."""
    member, round_, table, _wp = _round_with_a_table()
    login(member)
    url = f"/rondes/{round_.id}"
    assert "Tafel Vroeg Erbij" in client.get(url).text
    table_id = table.id
    factories.db.session.commit()  # this test's own session holds no lock while the other server writes
    other_server = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other_server.begin() as conn:
        conn.execute(text("UPDATE tables SET title = 'Tafel Elders Hernoemd' WHERE id = :id"), {"id": table_id})
        conn.execute(text("UPDATE work_state SET generation = generation + 1"))
    other_server.dispose()
    page = client.get(url).text
    assert "Tafel Elders Hernoemd" in page and "Tafel Vroeg Erbij" not in page


def test_what_moves_the_generation_and_what_does_not(client, login, db):
    member, _round, table, wp = _round_with_a_table()
    before = work_generation.current()[0]
    db.session.rollback()
    login(member)  # a login writes the person's row, but nothing the round page shows
    db.session.rollback()
    assert work_generation.current()[0] == before
    table.liaison.name = "Andere Naam"  # a liaison's name is on the table list
    db.session.commit()
    renamed = work_generation.current()[0]
    assert renamed > before
    factories.make_milestone(wp=wp, title="Nog een stap", due_on=wp.due_on)
    assert work_generation.current()[0] > renamed


def test_my_tables_are_kept_per_person(client, login, make_client):
    member, round_, _table, _wp = _round_with_a_table()
    other = factories.make_user(name="Ander Lid")
    factories.make_table(round_=round_, members=[(other, MemberRole.MEMBER)], title="Tafel Van De Ander")
    url = f"/rondes/{round_.id}?mijn=1"
    mine = login(member).get(url).text
    theirs = login(other, c=make_client()).get(url).text
    assert "Tafel Vroeg Erbij" in mine and "Tafel Van De Ander" not in mine
    assert "Tafel Van De Ander" in theirs and "Tafel Vroeg Erbij" not in theirs


def test_the_picture_is_kept_per_language(client, login, db):
    member, round_, _table, _wp = _round_with_a_table()
    login(member)
    url = f"/rondes/{round_.id}"
    assert "Nog geen update" in client.get(url).text
    member.locale = "en"
    db.session.commit()
    page = client.get(url).text
    assert "No progress update yet" in page and "Nog geen update" not in page


def test_quiet_work_and_this_weeks_updates_count_calendar_days_and_the_kept_page_follows_the_day(login, db):
    """"Stil" counts calendar days as the reminder does (it fires 14 days after the day of the last
    update), and "updates deze week" the last seven days, today included. Nothing expires within
    a day: the next morning the kept page shows the new day without any change to the round. (A
    round of three tables shows no totals; they are read from the kept summary.)"""
    today = date(2026, 11, 4)
    with time_machine.travel(_dutch(today, 9), tick=False) as clock:
        staff = factories.make_user(staff=True)
        round_ = factories.make_round(starts_on=today - timedelta(days=30))
        for title, moments in (("Tafel Laat Op De Dag", [_dutch(today - timedelta(days=14), 23, 30)]),
                               ("Tafel Vroeg Op De Dag", [_dutch(today - timedelta(days=13), 0, 30)]),
                               ("Tafel Van Deze Week", [_dutch(today - timedelta(days=7), 23, 50),
                                                        _dutch(today - timedelta(days=6), 0, 10)])):
            wp = factories.make_work_package(table=factories.make_table(round_=round_, title=title))
            for moment in moments:
                db.session.add(ProgressUpdate(work_package=wp, author=staff, body="Stand", light="op_koers",
                                              created_at=moment))
        db.session.commit()
        client = login(staff)
        url = f"/rondes/{round_.id}"

        quiet = client.get(f"{url}?aandacht=stil").text
        assert "Tafel Laat Op De Dag" in quiet
        assert "Tafel Vroeg Op De Dag" not in quiet and "Tafel Van Deze Week" not in quiet
        assert _updates_this_week(round_, staff, today) == 1

        clock.move_to(_dutch(today + timedelta(days=1), 9))
        quiet = client.get(f"{url}?aandacht=stil").text
        assert "Tafel Laat Op De Dag" in quiet and "Tafel Vroeg Op De Dag" in quiet
        assert "Tafel Van Deze Week" not in quiet
        assert _updates_this_week(round_, staff, today + timedelta(days=1)) == 0


def _updates_this_week(round_, user, day: date) -> int:
    return overview.summary(round_, overview.RoundFilters(), user, day).totals.updates_this_week


def test_a_work_packages_history_is_kept_until_its_work_changes(app, client, login):
    """The change history shows nothing personal: drawn once and kept under the rounds' work
    generation, so a second visit does not read it again; a change shows at once."""
    member, _round, _table, wp = _round_with_a_table()
    login(member)
    url = f"/werkpakketten/{wp.id}"
    first, read = _statements(app, client, url)
    again, kept = _statements(app, client, url)
    assert [s for s in read if "audit_events" in s] and not [s for s in kept if "audit_events" in s]
    assert "milestone.create" in first and "milestone.create" in again
    milestone = factories.make_milestone(wp=wp, title="Tweede gesprek", due_on=wp.due_on)
    factories.db.session.commit()
    assert client.post(f"/mijlpalen/{milestone.id}/afvinken").status_code == 302
    page = client.get(url).text
    history = page[page.index('id="wijzigingen"'):]
    assert "milestone.done" in history
