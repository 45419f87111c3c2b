"""A request that only read ends its transaction with a commit, so that psycopg keeps the
statements it prepared (a rollback makes it forget them all) and PostgreSQL does not plan every
statement of every request anew (leernetwerk/database.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select, text

from leernetwerk.auth.models import User
from leernetwerk.database import end_reading_transaction, utcnow
from leernetwerk.extensions import db
from leernetwerk.rounds.models import TableRole
from tests import factories


def test_a_page_that_only_reads_commits_and_keeps_its_prepared_statements(app, client, login, monkeypatch):
    monkeypatch.setitem(app.config, "PERSONAL_PAGE_SECONDS", 0)  # Flask makes /mijn each time
    login(factories.make_user(name="Lezer"))
    ended: list[str] = []
    prepared: list[int] = []

    def on_commit(_conn) -> None:
        ended.append("commit")

    def on_rollback(_conn) -> None:
        ended.append("rollback")

    def look(conn, cursor, *_args) -> None:
        if conn.dialect.name == "postgresql":  # on the request's own connection, as it is now
            prepared.append(cursor.connection.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()[0])

    for _ in range(6):  # psycopg prepares a statement at its fifth run on a connection
        assert client.get("/mijn").status_code == 200
    event.listen(db.engine, "commit", on_commit)
    event.listen(db.engine, "rollback", on_rollback)
    event.listen(db.engine, "after_cursor_execute", look)
    try:
        assert client.get("/mijn").status_code == 200
    finally:
        event.remove(db.engine, "commit", on_commit)
        event.remove(db.engine, "rollback", on_rollback)
        event.remove(db.engine, "after_cursor_execute", look)
    assert ended == ["commit"]
    if db.engine.dialect.name == "postgresql":
        assert max(prepared) > 0


def test_a_transaction_that_wrote_is_not_committed_by_the_end_of_the_request(db):
    session = db.session()
    user = factories.make_user(name="Voor")  # committed
    user_id = user.id
    user.name = "Na"
    session.flush()  # written, not committed: the request's own code did not commit it
    end_reading_transaction(session)
    session.rollback()
    assert db.session.execute(select(User.name).where(User.id == user_id)).scalar_one() == "Voor"
    # Pending, not flushed: not committed either.
    user.name = "Weer anders"
    end_reading_transaction(session)
    session.rollback()
    assert db.session.execute(text("SELECT name FROM users WHERE id = :id"), {"id": user_id}).scalar_one() == "Voor"


def test_limits_are_written_into_the_statements_so_postgresql_keeps_one_plan(app, client, login):
    """/mijn's panels read "the first few": sent as a parameter, PostgreSQL cannot know how many
    rows a prepared statement asks for and plans it anew on every run (database.inline)."""
    staff = factories.make_user(staff=True, name="Staf")
    member = factories.make_user(name="Lid")
    table = factories.make_table(staff, members=[(member, TableRole.MEMBER)])
    factories.make_support_request(member, table, subject="Hulp nodig")
    login(staff)
    page, seen = _recording(lambda: client.get("/mijn").get_data(as_text=True))
    assert "Hulp nodig" in page
    limited = [s for s in seen if "LIMIT" in s]
    assert limited
    # On national data PostgreSQL then planned /mijn's joined reads on every run (1-3 ms each);
    # too few rows here to tell a generic plan from a custom one, so the statement text is checked.
    assert not [s for s in limited if any(p in s for p in ("LIMIT ?", "LIMIT %(", "LIMIT $"))]


def test_a_work_package_pages_limits_and_offsets_are_written_into_its_statements(app, client, login):
    """The work-package page's statements are built once per process; the page of updates asked
    for still comes into the SQL as text (database.inline_param), not as a parameter."""
    member = factories.make_user(name="Lid")
    table = factories.make_table(members=[(member, TableRole.MEMBER)])
    wp = factories.make_work_package(table=table)
    with factories.one_commit():
        for n in range(1, 23):
            factories.make_update(member, wp, f"Stap {n:02d}", at=utcnow() - timedelta(days=30 - n))
    login(member)
    page, seen = _recording(lambda: client.get(f"/werkpakketten/{wp.id}?pagina=2").get_data(as_text=True))
    assert "Stap 02" in page and "Stap 03" not in page  # the second page: the two oldest
    paged = [s for s in seen if "OFFSET" in s]
    assert paged and all("OFFSET 20" in s for s in paged if "progress_updates" in s)
    assert not [s for s in seen if any(p in s for p in ("LIMIT ?", "LIMIT %(", "LIMIT $", "OFFSET ?",
                                                        "OFFSET %(", "OFFSET $"))]


def _recording(call):
    """What `call` returns, and the SQL statements it ran."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(db.engine, "after_cursor_execute", record)
    try:
        return call(), seen
    finally:
        event.remove(db.engine, "after_cursor_execute", record)
