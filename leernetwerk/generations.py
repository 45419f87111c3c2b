"""Generations: numbers in the database that move whenever a kind of data changes, so that what a
process keeps (a rendered page, a round's totals) can be keyed by them and is never used once the
data behind it has changed, by this process or by any other worker or app server.

Each generation is one row of its own table (`library_state`, `work_state`), read once per request
(kept in `g`) and moved inside the transaction that changes the data: visible when that change
commits, lost with it when it rolls back. A `before_flush` listener moves it for any ORM change to
the models it watches, so a new service cannot forget. The number starts from the clock when its
row is (re)made, so a database emptied and filled again never repeats an old generation.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from flask import current_app, g, has_app_context, has_request_context, request
from sqlalchemy import BigInteger, Engine, create_engine, event, inspect, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .database import insert_or_ignore, utcnow
from .extensions import db


def reader() -> Engine:
    """The engine generations are read with. On PostgreSQL its own small pool in autocommit,
    without a ping at checkout: one round trip per request where the app's pool would make four
    (ping, BEGIN, SELECT, ROLLBACK); a connection the server dropped is retried once. On SQLite
    (a local file, no round trips) the app's engine, through the session."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return engine
    own = current_app.extensions.get("generation_reader")
    if own is None:
        own = current_app.extensions["generation_reader"] = create_engine(
            engine.url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=8, pool_reset_on_return=None)
    return own


_plain = threading.local()


def _plain_reader() -> Any | None:  # a DB-API connection of either database
    """While answering a GET or HEAD: a plain DB-API connection of this thread in autocommit, kept
    open, that reads the committed generation in one statement: on SQLite ~10 µs, on PostgreSQL
    one round trip of a prepared statement, where the session (or a pool) would check a
    connection out, begin, read and roll back: half a cached page's cost. Such a request has
    written nothing yet, so the committed number is the one to use (and the read waits for no
    writer). Elsewhere (a form being saved, the CLI, a database in memory): None, and the session
    reads in its own transaction (see `reader`)."""
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return None
    return _plain_connection()


def _plain_connection() -> Any | None:
    """This thread's plain DB-API connection in autocommit (see `_plain_reader`), or None for a
    database in memory."""
    engine = db.engine
    url = engine.url
    if engine.dialect.name == "sqlite":
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            return None
        target = url.database
    elif engine.dialect.name == "postgresql":
        target = url.set(drivername="postgresql").render_as_string(hide_password=False)
    else:
        return None
    connections = getattr(_plain, "connections", None)
    if connections is None:
        connections = _plain.connections = {}
    connection = connections.get(target)
    if connection is None or getattr(connection, "closed", False):
        if engine.dialect.name == "sqlite":
            connection = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA busy_timeout=15000")
        else:
            import psycopg

            connection = psycopg.connect(target, autocommit=True, prepare_threshold=0)
        connections[target] = connection
    return connection


def _forget_plain_reader() -> None:
    """After an error on a plain connection (the server restarted): the next read opens anew."""
    for connection in getattr(_plain, "connections", {}).values():
        with contextlib.suppress(Exception):  # closing what is already broken
            connection.close()
    _plain.connections = {}


def _moment(value: str | datetime | None) -> datetime | None:
    """A moment as the driver gives it: SQLite's text (UTC, without zone: see
    database.UTCDateTime) or PostgreSQL's aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


Watched = tuple[type | tuple[type, tuple[str, ...]], ...]


class Generation:
    """One generation: the `model` (a table with a single row, id 1: generation, changed_at) and
    what moves it (`watched`, a function so that it can import late): models, any change to
    which moves it, and (model, attribute names) pairs, only a change to one of which moves it
    (a person's name, say, and not the moment they last logged in)."""

    def __init__(self, key: str, model: type, watched: Callable[[], Watched] | None) -> None:
        self.key = key  # the name in `g`
        self.model = model
        self._watched = watched
        self._watched_models: tuple[type, ...] = ()
        self._watched_attributes: dict[type, tuple[str, ...]] = {}
        self._read_statement = select(model.generation, model.changed_at).where(model.id == 1)
        self._plain_statement = f"SELECT generation, changed_at FROM {model.__tablename__} WHERE id = 1"  # nosec B608 - a model's own table name
        if watched is not None:  # None: something else moves it (DATA: `watch_writes`)
            event.listen(Session, "before_flush", self._bump_on_change)

    def _read(self, plain: Any | None = None):  # noqa: ANN202
        plain = plain or _plain_reader()
        if plain is not None:
            try:
                row = plain.execute(self._plain_statement).fetchone()
            except Exception:  # noqa: BLE001 - any driver's error: once more on a new connection
                _forget_plain_reader()
                row = _plain_connection().execute(self._plain_statement).fetchone()
            return (row[0], _moment(row[1])) if row is not None else None
        engine = reader()
        if engine is db.engine:
            # SQLite: in the session's own transaction. A second connection would begin a transaction
            # of its own, and outside a request (CLI, tests) that one takes the write lock at BEGIN,
            # which the session may hold already.
            return db.session.connection().execute(self._read_statement).one_or_none()
        with engine.connect() as connection:
            return connection.execute(self._read_statement).one_or_none()

    def current(self) -> tuple[int, datetime | None]:
        """(generation, moment of the last change); one query per request."""
        if has_app_context() and self.key in g:
            return g.get(self.key)
        # Read before anything the page shows, so what is kept under a generation is never older
        # than that generation.
        try:
            row = self._read()
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            row = self._read()  # the database restarted since: once more, on a new connection
        value = (row[0], row[1]) if row is not None else (0, None)
        if has_app_context():
            setattr(g, self.key, value)
        return value

    def committed(self) -> int:
        """The committed generation, for a reader outside a request that has written nothing (a
        GET answered before Flask sees it, page_cache.Replays): on the plain connection; needs
        an app context. 0 without a generation row."""
        plain = _plain_connection()
        if plain is None:
            return self.current()[0]
        row = self._read(plain)
        return row[0] if row is not None else 0

    def bump(self, session: Session | None = None) -> None:
        """Move the generation in the current transaction (made if the row is missing)."""
        connection = (session or db.session).connection()
        now = utcnow()
        model = self.model
        moved = connection.execute(
            update(model).where(model.id == 1).values(generation=model.generation + 1, changed_at=now)
        ).rowcount
        if not moved:
            connection.execute(insert_or_ignore(model.__table__).values(
                id=1, generation=time.time_ns() // 1000, changed_at=now))
        if has_app_context():
            g.pop(self.key, None)

    def watched(self) -> tuple[type, ...]:
        if not self._watched_models:
            entries = self._watched()
            self._watched_attributes = {entry[0]: entry[1] for entry in entries if isinstance(entry, tuple)}
            self._watched_models = tuple(entry for entry in entries if not isinstance(entry, tuple))
        return self._watched_models

    def _changes(self, obj: object, *, added_or_deleted: bool) -> bool:
        if isinstance(obj, self.watched()):
            return not isinstance(obj, self.model)
        names = self._watched_attributes.get(type(obj))
        if not names:
            return False
        attrs = inspect(obj).attrs
        return added_or_deleted or any(attrs[name].history.has_changes() for name in names)

    def _bump_on_change(self, session: Session, _context, _instances) -> None:  # noqa: ANN001
        if (any(self._changes(obj, added_or_deleted=True) for obj in (*session.new, *session.deleted))
                or any(self._changes(obj, added_or_deleted=False) for obj in session.dirty)):
            self.bump(session)


# --- the generation of all data --------------------------------------------------------------------
# A person's page can show anything (their tables, a name, an unread count, a role): what is kept
# of it is keyed by a generation that moves on every write of any kind, not by what one area
# watches. A listener notes any statement that writes (the ORM's flushes, bulk statements and
# text alike); the transaction's commit moves the generation first, on the same connection, so
# it becomes visible exactly with the data. Only a session's "last seen" moment, which reading
# pages moves, does not count.

class DataState(db.Model):
    """One row: the generation of all data and the moment it last moved, by every transaction
    that wrote anything (see `watch_writes`). Personal pages are kept per process under it
    (personal_pages.py)."""

    __tablename__ = "data_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime | None]


DATA = Generation("data_generation", DataState, None)

_WROTE = "leernetwerk.wrote"  # in a connection's info: its transaction wrote data
SKIP_DATA_GENERATION = "leernetwerk.skip_data_generation"  # in a connection's info: migrations
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "TRUNCATE", "COPY", "UPSERT")
_LEADING = re.compile(r"(?:\s+|\(|/\*.*?\*/|--[^\n]*\n)*", re.S)  # space, brackets and comments before a keyword
_DML_WORD = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", re.I)
_SESSION_TOUCH = re.compile(r"UPDATE user_sessions SET last_seen_at=[^,]+? WHERE user_sessions\.id = \S+$")
# One round trip on PostgreSQL, also for a database of an older release (not yet upgraded, or being
# restored) without the table; a missing row (a database made by create_all) is made from the
# clock, and two first writers at once do not collide.
_BUMP_POSTGRESQL = ("DO $$ BEGIN IF to_regclass('data_state') IS NOT NULL THEN "
                    "UPDATE data_state SET generation = generation + 1, changed_at = now() WHERE id = 1; "
                    "IF NOT FOUND THEN INSERT INTO data_state (id, generation, changed_at) VALUES (1, {clock}, now()) "
                    "ON CONFLICT (id) DO NOTHING; END IF; END IF; END $$")
# SQLite keeps a moment as text in UTC (database.UTCDateTime).
_BUMP_SQLITE = "UPDATE data_state SET generation = generation + 1, changed_at = '{moment}' WHERE id = 1"
_MAKE_SQLITE = "INSERT OR IGNORE INTO data_state (id, generation, changed_at) VALUES (1, {clock}, '{moment}')"


def writes(statement: str) -> bool:
    """Whether a statement changes data that a page could show: its first keyword (after spaces,
    brackets and comments) inserts, updates or deletes, or a WITH holds such a statement. Reads
    (a SELECT, a UNION in brackets, a WITH that only selects) and schema statements do not (a
    migration's process restarts), nor does moving a session's last-seen moment."""
    start = _LEADING.match(statement).end()
    head = statement[start:start + 8].upper()
    if head.startswith("WITH"):
        return bool(_DML_WORD.search(statement))
    return head.startswith(_WRITES) and not _SESSION_TOUCH.match(statement, start) \
        and not statement.startswith("UPDATE data_state", start)


def watch_writes(engine: Engine) -> None:
    """Move DATA in every transaction on `engine` that wrote, as its commit begins."""

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:  # noqa: ANN001
        connection.info.pop(_WROTE, None)

    @event.listens_for(engine, "before_cursor_execute")
    def _note(connection, _cursor, statement, _parameters, _context, _many) -> None:  # noqa: ANN001
        if _WROTE not in connection.info and writes(statement):
            connection.info[_WROTE] = True

    @event.listens_for(engine, "commit")
    def _commit(connection) -> None:  # noqa: ANN001
        info = connection.info
        if not info.pop(_WROTE, None) or info.get(SKIP_DATA_GENERATION):
            return
        # On the driver's cursor: the transaction is still open here, and SQLAlchemy's own
        # execution would start its events again inside this one. The row is locked from here
        # until the commit is written: writing commits take turns on it.
        cursor = connection.connection.dbapi_connection.cursor()
        clock = time.time_ns() // 1000
        try:
            if connection.dialect.name == "postgresql":
                cursor.execute(_BUMP_POSTGRESQL.format(clock=clock))
            else:
                moment = utcnow().replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
                cursor.execute(_BUMP_SQLITE.format(moment=moment))
                if cursor.rowcount == 0:
                    cursor.execute(_MAKE_SQLITE.format(clock=clock, moment=moment))
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):  # a database of an older release: nothing to move
                raise
        finally:
            cursor.close()
        if has_app_context():
            g.pop(DATA.key, None)
