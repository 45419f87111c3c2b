"""Database engine set-up: SQLite pragmas and up-front write locks, shared helpers."""

from __future__ import annotations

import enum
from datetime import datetime, timezone

from flask import has_request_context, request
from sqlalchemy import CheckConstraint, DateTime, Engine, event
from sqlalchemy.engine import Connection
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


def enum_check(column: str, values: type[enum.StrEnum], name: str | None = None) -> CheckConstraint:
    """A named CHECK constraint that keeps a string column inside an enum's values."""
    allowed = ", ".join(f"'{v.value}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or f"{column}_valid")


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
