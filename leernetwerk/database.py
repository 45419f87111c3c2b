"""Database engine set-up: SQLite pragmas and up-front write locks, shared helpers.

Where SQLite and PostgreSQL differ in SQL, the difference is written here once: the text forms
of dates (`iso_date`, `iso_utc`), INSERT … ON CONFLICT DO NOTHING (`insert_or_ignore`) and
INSERT … ON CONFLICT DO UPDATE (`insert_or_update`).
"""

from __future__ import annotations

import enum
from datetime import datetime, timezone

from flask import Flask, has_request_context, request
from sqlalchemy import (
    BindParameter,
    CheckConstraint,
    DateTime,
    Engine,
    Integer,
    String,
    Table,
    bindparam,
    event,
    literal,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Aware UTC now; every timestamp in the database is UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timestamps stored as UTC and always read back timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use database.utcnow()")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def inline(n: int) -> BindParameter[int]:
    """A LIMIT or OFFSET written into the SQL text when the statement runs (SQLAlchemy still
    compiles the statement once for every value). Sent as a parameter, PostgreSQL cannot know how
    many rows a prepared statement asks for: it then judges its generic plan worse than one made
    for the values and plans the statement anew on every execution (/mijn: 1-3 ms of planning
    for each of its joined reads, against 0.1 ms of execution)."""
    return literal(int(n), Integer, literal_execute=True)


def inline_param(name: str) -> BindParameter[int]:
    """`inline` for a statement built once per process: the LIMIT or OFFSET comes with the
    execution's parameters under `name` and is written into the SQL text when the statement runs."""
    return bindparam(name, type_=Integer, literal_execute=True)


def enum_check(column: str, values: type[enum.StrEnum], name: str | None = None) -> CheckConstraint:
    """A named CHECK constraint that keeps a string column inside an enum's values."""
    allowed = ", ".join(f"'{v.value}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or f"{column}_valid")


# --- portable text forms of dates, so a value is the same string on both databases ---------------

class iso_date(FunctionElement):  # noqa: N801 - reads as a SQL function
    """A DATE as 'YYYY-MM-DD', independent of PostgreSQL's DateStyle."""

    type = String()
    inherit_cache = True


@compiles(iso_date)
def _iso_date_sqlite(element, compiler, **kw) -> str:  # noqa: ANN001, ANN003
    return "strftime('%%Y-%%m-%%d', %s)" % compiler.process(element.clauses, **kw)


@compiles(iso_date, "postgresql")
def _iso_date_pg(element, compiler, **kw) -> str:  # noqa: ANN001, ANN003
    return "to_char(%s, 'YYYY-MM-DD')" % compiler.process(element.clauses, **kw)


class iso_utc(FunctionElement):  # noqa: N801
    """A timestamp as 'YYYY-MM-DDTHH:MM:SS' in UTC, independent of the session's time zone."""

    type = String()
    inherit_cache = True


@compiles(iso_utc)
def _iso_utc_sqlite(element, compiler, **kw) -> str:  # noqa: ANN001, ANN003
    return "strftime('%%Y-%%m-%%dT%%H:%%M:%%S', %s)" % compiler.process(element.clauses, **kw)


@compiles(iso_utc, "postgresql")
def _iso_utc_pg(element, compiler, **kw) -> str:  # noqa: ANN001, ANN003
    return "to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')" % compiler.process(element.clauses, **kw)


def insert_or_ignore(table: Table) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING into `table`, in the dialect of the app's database.

    A row whose unique key is already there is skipped, also when a concurrent transaction
    inserted it (PostgreSQL waits for that one to commit or roll back; on SQLite writers take
    turns anyway). With `.returning(…)` it answers only the rows this statement inserted.
    """
    from .extensions import db  # extensions imports this module

    return _dialect_insert(db.engine.dialect.name)(table).on_conflict_do_nothing()


def insert_or_update(table: Table, key: list[str], update: list[str]) -> Insert:
    """INSERT … ON CONFLICT (key) DO UPDATE SET each column of `update` to the value this
    statement tried to insert: a row that is there already, or that a concurrent transaction
    just inserted (PostgreSQL waits for it), is updated instead of failing on the unique key."""
    from .extensions import db

    statement = _dialect_insert(db.engine.dialect.name)(table)
    return statement.on_conflict_do_update(index_elements=key,
                                           set_={name: statement.excluded[name] for name in update})


def _dialect_insert(name: str):  # noqa: ANN202
    return postgresql_insert if name == "postgresql" else sqlite_insert


def configure_sqlite(engine: Engine) -> None:
    """WAL, busy timeout, foreign keys and BEGIN IMMEDIATE for writing transactions.

    pysqlite's own transaction handling is switched off so that we emit BEGIN ourselves.
    Requests with a safe method (GET, HEAD) only read and begin DEFERRED, so readers never
    wait for a writer in WAL mode; everything else (forms, CLI, scheduler) takes the write
    lock at BEGIN, so two workers never both read and then fail to upgrade ("database is
    locked").
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if has_request_context() and request.method in ("GET", "HEAD", "OPTIONS"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


# --- ending a request's transaction ------------------------------------------------------------
# psycopg forgets every prepared statement when a transaction is rolled back (it cannot know
# what the rollback undid), and a request that only read ended with a rollback: its session is
# removed. So no statement stayed prepared, and PostgreSQL planned every statement of every
# request anew: 2-7 ms each for the logged-in pages' joined loads, most of their database time.
# A request that wrote nothing now ends its transaction with a commit (for a reader the same as
# a rollback; on SQLite too), and the statements psycopg prepared stay for the next request.

_WROTE = "leernetwerk.wrote"


@event.listens_for(Session, "after_flush")
def _mark_written(session: Session, _context) -> None:  # noqa: ANN001
    session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_written(session: Session, transaction) -> None:  # noqa: ANN001
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def end_reading_transaction(session: Session) -> None:
    """Commit the session's transaction when it only read: nothing flushed, nothing pending. A
    transaction that wrote is left alone (rolled back when the session is removed, as before)."""
    if (session.in_transaction() and not session.info.get(_WROTE)
            and not (session.new or session.dirty or session.deleted)):
        session.commit()


def end_reading_transactions(app: Flask, sessions: scoped_session) -> None:
    """At the end of each request that raised nothing, before Flask-SQLAlchemy removes the session
    (its teardown_appcontext runs after teardown_request): end_reading_transaction."""

    @app.teardown_request
    def _end(error: BaseException | None) -> None:
        if error is None and sessions.registry.has():  # no session: nothing to end
            end_reading_transaction(sessions())
