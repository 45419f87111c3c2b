"""A logged-in person's pages kept for the same browser (leernetwerk/personal_pages.py): a second
look is answered without Flask, and nothing changed by anyone, nor the clock moving past an edit
window, midnight or the end of a login, is ever answered from what was kept."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import text

from leernetwerk.database import utcnow
from leernetwerk.dates import AMSTERDAM
from leernetwerk.extensions import db
from leernetwerk.generations import DATA, DataState, writes
from leernetwerk.rounds.models import ProgressUpdate, TableMembership
from tests import factories


def _member_at_work():
    member = factories.make_user(name="Tafellid Anna")
    liaison = factories.make_user(core=True, name="Verbinder Bram")
    table = factories.make_table(title="Tafel Voeding", liaison=liaison, members=[(member, "lid")])
    wp = factories.make_work_package(table=table, title="Voedingsadvies")
    return member, liaison, table, wp


def _without_tokens(page: bytes) -> bytes:
    return re.sub(rb'<input name="once" type="hidden" value="[^"]+">', b"", page)


def test_a_second_look_is_the_same_page_without_flask(client, login, flask_requests):
    member, _liaison, table, wp = _member_at_work()
    login(member)
    assert "Set-Cookie" in client.get("/mijn").headers  # a session's first look at /mijn notes the moment
    for path in ("/mijn", "/rondes", f"/rondes/{table.round_id}", f"/tafels/{table.id}",
                 f"/werkpakketten/{wp.id}", "/bibliotheek"):
        first = client.get(path)
        assert first.status_code == 200, path
        flask_requests.clear()
        again = client.get(path)
        assert flask_requests == [], path
        assert again.status_code == 200
        assert _without_tokens(again.data) == _without_tokens(first.data), path  # its one-time tokens are new
        assert again.headers["Cache-Control"] == "no-store", path
        assert "Set-Cookie" not in again.headers


def test_a_page_not_marked_personal_is_always_drawn_by_flask(client, login, flask_requests):
    login(factories.make_user())
    client.get("/meldingen")
    client.get("/meldingen")
    assert flask_requests.count("/meldingen") == 2


def test_what_anyone_changes_shows_at_the_next_look(client, login, flask_requests):
    member, liaison, table, wp = _member_at_work()
    login(member)
    path = f"/werkpakketten/{wp.id}"
    assert "Eerste stap gezet" not in client.get(path).text
    client.get(path)

    # Another person posts an update (the ORM, another request or worker: the same database).
    factories.make_update(liaison, wp, "Eerste stap gezet")
    assert "Eerste stap gezet" in client.get(path).text

    # A plain SQL statement, outside the ORM: the person's own name in the page's header.
    client.get(path)
    db.session.execute(text("UPDATE users SET name = 'Anna de Vries' WHERE id = :id"), {"id": member.id})
    db.session.commit()
    assert "Anna de Vries" in client.get(path).text

    # Taken off the table: the page no longer offers the update form.
    assert 'name="body"' in client.get(path).text
    client.get(path)
    db.session.query(TableMembership).filter_by(user_id=member.id, table_id=table.id).delete()
    db.session.commit()
    assert 'name="body"' not in client.get(path).text


def test_a_rolled_back_change_keeps_the_generation_and_a_committed_one_moves_it_at_commit(app):
    before = DATA.committed()
    db.session.execute(text("INSERT INTO municipalities (name, slug) VALUES ('Harlingen', 'harlingen')"))
    assert DATA.committed() == before  # read on another connection: nothing committed yet
    db.session.rollback()
    assert DATA.committed() == before
    db.session.execute(text("INSERT INTO municipalities (name, slug) VALUES ('Harlingen', 'harlingen')"))
    db.session.commit()
    assert DATA.committed() > before
    moved_at = db.session.get(DataState, 1).changed_at
    assert abs((moved_at - utcnow()).total_seconds()) < 60  # the moment it last moved


@pytest.mark.parametrize(("statement", "changes"), [
    ("SELECT * FROM users", False),
    ("  select 1", False),
    ("PRAGMA foreign_keys=ON", False),
    ("SAVEPOINT sa_savepoint_1", False),
    ("CREATE TABLE x (id INTEGER)", False),
    ("UPDATE user_sessions SET last_seen_at=? WHERE user_sessions.id = ?", False),
    ("UPDATE user_sessions SET last_seen_at=%(last_seen_at)s::TIMESTAMP WITH TIME ZONE "
     "WHERE user_sessions.id = %(id_1)s::INTEGER", False),
    ("UPDATE user_sessions SET ended_at=? WHERE user_sessions.user_id = ?", True),
    ("UPDATE user_sessions SET last_seen_at=?, ended_at=? WHERE user_sessions.id = ?", True),
    ("INSERT INTO progress_updates (body) VALUES (?)", True),
    ("DELETE FROM table_memberships WHERE id = ?", True),
    ("WITH gone AS (SELECT 1) DELETE FROM follows", True),
    ("-- a note\nINSERT INTO follows (facet) VALUES (?)", True),
    ("(SELECT id FROM tables LIMIT 5) UNION (SELECT id FROM tables ORDER BY id LIMIT 5)", False),
    ("/* a note */ SELECT 1", False),
    ("WITH recent AS (SELECT id FROM progress_updates) SELECT count(*) FROM recent", False),
    ("SET LOCAL statement_timeout = 1000", False),
])
def test_which_statements_count_as_a_change(statement, changes):
    assert writes(statement) is changes


def test_reading_pages_and_a_login_being_kept_alive_change_nothing(app, client, login, monkeypatch):
    member, _liaison, table, wp = _member_at_work()
    login(member)
    paths = ("/mijn", "/rondes", f"/rondes/{table.round_id}", f"/tafels/{table.id}", f"/werkpakketten/{wp.id}",
             "/bibliotheek", "/bibliotheek?q=voeding")
    for path in paths:  # the first look at /mijn of a session notes the moment (a change)
        assert client.get(path).status_code == 200
    monkeypatch.setitem(app.config, "PERSONAL_PAGE_SECONDS", 0)  # Flask draws each page again
    before = DATA.committed()
    with time_machine.travel(datetime.now(AMSTERDAM) + timedelta(minutes=20), tick=False):
        for path in paths:  # the session's last-seen moment moves on the first of these
            assert client.get(path).status_code == 200
    assert DATA.committed() == before
    # Had nothing been kept, a page would be drawn after each look, every worker writing.


def test_another_browser_of_the_same_person_gets_its_own_page(app, client, login, flask_requests):
    member, *_rest = _member_at_work()
    login(member)
    client.get("/mijn")
    other = login(member, c=app.test_client())
    flask_requests.clear()
    other.get("/mijn")
    assert flask_requests == ["/mijn"]


def test_logging_out_ends_the_kept_pages_also_for_a_copied_cookie(app, client, login, flask_requests):
    member, *_rest = _member_at_work()
    login(member)
    client.get("/mijn")
    client.get("/mijn")
    assert client.get("/mijn").status_code == 200
    copy = app.test_client()
    name = app.config["SESSION_COOKIE_NAME"]
    copy.set_cookie(name, client.get_cookie(name).value)
    flask_requests.clear()
    assert copy.get("/mijn").status_code == 200
    assert flask_requests == []  # the copy is the same request: answered from what was kept

    assert client.post("/uitloggen").status_code == 302

    response = copy.get("/mijn")
    assert response.status_code == 302
    assert "/inloggen" in response.headers["Location"]


def test_a_flashed_message_shows_once(client, login):
    member, _liaison, _table, wp = _member_at_work()
    login(member)
    path = f"/werkpakketten/{wp.id}"
    client.get(path)
    client.get(path)
    posted = client.post(f"{path}/updates", data={"body": "Start gemaakt", "light": "op_koers"})
    assert posted.status_code == 302
    assert "Update geplaatst." in client.get(path).text
    assert "Update geplaatst." not in client.get(path).text
    assert "Update geplaatst." not in client.get(path).text


def test_an_edit_window_that_closes_ends_the_kept_page(client, login, flask_requests):
    member, _liaison, _table, wp = _member_at_work()
    posted_at = datetime.now(AMSTERDAM).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=1)
    with time_machine.travel(posted_at, tick=False):
        update = factories.make_update(member, wp, "Gesprek gepland")
    path = f"/werkpakketten/{wp.id}"
    edit = f"/updates/{update.id}/bewerken"
    with time_machine.travel(posted_at + timedelta(hours=24) - timedelta(seconds=20), tick=False):
        login(member)
        assert edit in client.get(path).text  # the first form after a login starts its token (a cookie)
        assert edit in client.get(path).text
        flask_requests.clear()
        assert edit in client.get(path).text
        assert flask_requests == []
    with time_machine.travel(posted_at + timedelta(hours=24, seconds=1), tick=False):
        assert edit not in client.get(path).text
        assert flask_requests == [path]


def test_a_new_day_ends_the_kept_page(client, login, flask_requests):
    member, *_rest = _member_at_work()
    evening = datetime.now(AMSTERDAM).replace(hour=23, minute=59, second=20, microsecond=0)
    with time_machine.travel(evening, tick=False):
        login(member)
        client.get("/mijn")
        client.get("/mijn")
        flask_requests.clear()
        client.get("/mijn")
        assert flask_requests == []
    with time_machine.travel(evening + timedelta(seconds=50), tick=False):
        client.get("/mijn")
        assert flask_requests == ["/mijn"]


def test_a_page_is_kept_no_longer_than_personal_page_seconds(app, client, login, flask_requests, monkeypatch):
    monkeypatch.setitem(app.config, "PERSONAL_PAGE_SECONDS", 60)
    member, *_rest = _member_at_work()
    noon = datetime.now(AMSTERDAM).replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(noon, tick=False):
        login(member)
        client.get("/mijn")
        client.get("/mijn")
    with time_machine.travel(noon + timedelta(seconds=59), tick=False):
        flask_requests.clear()
        client.get("/mijn")
        assert flask_requests == []
    with time_machine.travel(noon + timedelta(seconds=61), tick=False):
        client.get("/mijn")
        assert flask_requests == ["/mijn"]


def test_the_end_of_a_login_session_ends_the_kept_page(app, client, login, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_SECONDS", 30)
    member, *_rest = _member_at_work()
    noon = datetime.now(AMSTERDAM).replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(noon, tick=False):
        login(member)
        client.get("/mijn")
        assert client.get("/mijn").status_code == 200
    with time_machine.travel(noon + timedelta(seconds=45), tick=False):
        response = client.get("/mijn")
        assert response.status_code == 302
        assert "/inloggen" in response.headers["Location"]


def test_two_tabs_with_the_same_kept_page_each_save_their_update(client, login, flask_requests):
    """A page answered again is another showing of its forms: its one-time tokens are new, so
    the second tab's update is saved too (with the kept token it was refused as already sent)."""
    member, _liaison, _table, wp = _member_at_work()
    login(member)
    path = f"/werkpakketten/{wp.id}"
    client.get(path)
    client.get(path)
    flask_requests.clear()
    tabs = [client.get(path).text, client.get(path).text]
    assert flask_requests == []
    tokens = [re.findall(r'<input name="once" type="hidden" value="([^"]+)"', tab) for tab in tabs]
    assert len(tokens[0]) == 2 and len(set(tokens[0] + tokens[1])) == 4  # update and milestone form, each new
    assert tabs[0].replace(tokens[0][0], "").replace(tokens[0][1], "") == \
        tabs[1].replace(tokens[1][0], "").replace(tokens[1][1], "")  # nothing else differs

    for body, tab_tokens in (("Uit het eerste tabblad", tokens[0]), ("Uit het tweede tabblad", tokens[1])):
        posted = client.post(f"{path}/updates", data={"body": body, "light": "op_koers", "once": tab_tokens[1]})
        assert posted.status_code == 302
    page = client.get(path).text
    assert "Uit het eerste tabblad" in page and "Uit het tweede tabblad" in page
    assert "Dit was al verstuurd" not in page
    assert db.session.query(ProgressUpdate).filter_by(work_package_id=wp.id).count() == 2
