"""SQLite under several worker processes: WAL, busy timeout, foreign keys, and writes that take
the lock up front, so concurrent read-then-write transactions never fail with "database is locked"
and never lose an update.

These tests make their own SQLite file, so they run on the SQLite and on the PostgreSQL pass alike.
"""

from __future__ import annotations

import multiprocessing
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from leernetwerk import create_app
from leernetwerk.auth.models import LoginAttempt
from leernetwerk.extensions import db
from leernetwerk.notifications.models import OutboxMail

WORKERS = 4
WRITES_PER_WORKER = 25


def _make_app(path: Path) -> Flask:
    return create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "x", "TESTING": True,
                       "INSTANCE_PATH": str(path.parent / "instance")})


@contextmanager
def sqlite_app(path: Path) -> Iterator[Flask]:
    """An app on its own SQLite file, migrated, with its app context pushed."""
    app = _make_app(path)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    path = tmp_path / "concurrency.sqlite"
    with sqlite_app(path):
        upgrade()
    return path


def test_app_connections_use_wal_busy_timeout_and_foreign_keys(sqlite_file):
    with sqlite_app(sqlite_file):
        # Two connections checked out at once: the pragmas hold for every pooled connection.
        # (Raw DBAPI connections: they start no transaction, so neither takes the write lock.)
        connections = [db.engine.raw_connection(), db.engine.raw_connection()]
        try:
            for conn in connections:
                cursor = conn.cursor()
                assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
                assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
                cursor.close()
        finally:
            for conn in connections:
                conn.close()


def test_foreign_keys_are_enforced(sqlite_file):
    from leernetwerk.auth.models import UserSession

    with sqlite_app(sqlite_file):
        db.session.add(UserSession(token_hash="x" * 64, user_id=999))
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            db.session.commit()
        db.session.rollback()


def test_a_transaction_outside_a_request_takes_the_write_lock_at_its_start(sqlite_file):
    with sqlite_app(sqlite_file):
        db.session.execute(select(func.count(LoginAttempt.id)))  # only a read so far
        other = sqlite3.connect(sqlite_file, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
            db.session.commit()
            other.execute("BEGIN IMMEDIATE")  # free once the transaction ends
            other.execute("ROLLBACK")
        finally:
            other.close()


def test_pages_stay_readable_while_another_worker_writes(sqlite_file):
    app = _make_app(sqlite_file)
    writer = sqlite3.connect(sqlite_file, timeout=0, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO login_attempts (email, ip_address, attempted_at, succeeded) "
                       "VALUES ('x@y.nl', '127.0.0.1', '2026-01-01 00:00:00', 0)")
        started = time.monotonic()
        for path in ("/healthz", "/inloggen", "/"):
            assert app.test_client().get(path).status_code == 200, path
        assert time.monotonic() - started < 5  # no waiting for the writer's lock
        writer.execute("COMMIT")
    finally:
        writer.close()
        with app.app_context():
            db.engine.dispose()


def _worker(path: str, worker: int, counter_id: int, barrier, results) -> None:
    """One worker process: its own app and engine; read, think, then write, 25 times."""
    errors: list[str] = []
    app = _make_app(Path(path))
    with app.app_context():
        barrier.wait(timeout=60)
        for n in range(WRITES_PER_WORKER):
            try:
                mail = db.session.get(OutboxMail, counter_id)
                seen = mail.attempts
                time.sleep(random.uniform(0, 0.003))  # widen the read-to-write window
                mail.attempts = seen + 1
                db.session.add(LoginAttempt(email=f"worker{worker}-{n}@leernetwerk.test", ip_address="127.0.0.1"))
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
                db.session.rollback()
                errors.append(f"{type(exc).__name__}: {exc}")
        db.session.remove()
        db.engine.dispose()
    results.put((worker, errors))


def test_concurrent_read_then_write_from_several_processes_all_succeed(sqlite_file):
    with sqlite_app(sqlite_file):
        counter = OutboxMail(message_id="<counter@localhost>", recipient="x@y.nl", subject="teller", text_body="")
        db.session.add(counter)
        db.session.commit()
        counter_id = counter.id

    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    processes = [ctx.Process(target=_worker, args=(str(sqlite_file), w, counter_id, barrier, results))
                 for w in range(WORKERS)]
    for p in processes:
        p.start()
    reports = dict(results.get(timeout=120) for _ in processes)
    for p in processes:
        p.join(timeout=30)
        assert p.exitcode == 0

    assert sorted(reports) == list(range(WORKERS))
    errors = [e for worker_errors in reports.values() for e in worker_errors]
    assert errors == [], errors[:3]
    with sqlite_app(sqlite_file):
        total = WORKERS * WRITES_PER_WORKER
        assert db.session.execute(select(func.count(LoginAttempt.id))).scalar_one() == total
        # Every read-then-write saw the previous one's result: no lost update.
        assert db.session.get(OutboxMail, counter_id).attempts == total
        assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
