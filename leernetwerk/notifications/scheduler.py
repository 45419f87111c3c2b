"""The one scheduler: reminders every few minutes, the mail outbox every minute, attachment text
(the library's extraction queue) every 15 seconds, the weekly digest on Monday 08:00
Europe/Amsterdam (and once at start, to catch up after downtime).

Only one scheduler may run against a database: it holds a PostgreSQL session advisory lock on
a dedicated connection, or on SQLite an fcntl lock on a file in instance/. A second one is
refused (SchedulerLocked). The work itself is idempotent too, so even a brief overlap sends
nothing twice; the lock just keeps the work from being done twice over.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool
from werkzeug.serving import is_running_from_reloader

from ..database import utcnow
from ..dates import AMSTERDAM
from ..extensions import db
from ..library.extraction import run_queue
from .mail import deliver_outbox
from .reminders.digest import send_digests
from .reminders.sweep import run_sweep

log = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(minutes=5)
DELIVER_EVERY = timedelta(minutes=1)
EXTRACT_EVERY = timedelta(seconds=15)
# pg_try_advisory_lock takes a bigint; this one is ours ("LNSC").
ADVISORY_LOCK_KEY = 0x4C4E5343


class SchedulerLocked(Exception):
    """Another scheduler already runs against this database."""


class SchedulerLock:
    """Held for the life of the scheduler; released on exit, or by the OS/database if the
    process dies (the file closes, the connection ends)."""

    def __init__(self, app: Flask) -> None:
        self.url = app.config["SQLALCHEMY_DATABASE_URI"]
        self.path = Path(app.instance_path) / "scheduler.lock"
        self._connection: Connection | None = None
        self._file = None

    def acquire(self) -> SchedulerLock:
        if self.url.startswith("postgresql"):
            # A dedicated, unpooled connection: the lock lives exactly as long as this session.
            connection = create_engine(self.url, poolclass=NullPool).connect()
            got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}).scalar()
            connection.commit()
            if not got:
                connection.close()
                raise SchedulerLocked(
                    "Er draait al een scheduler op deze database (PostgreSQL advisory lock "
                    f"{ADVISORY_LOCK_KEY} is bezet). Stop die eerst; er mag er maar één draaien.")
            self._connection = connection
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+")  # noqa: SIM115 - kept open while the lock is held
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "?"
                handle.close()
                raise SchedulerLocked(
                    f"Er draait al een scheduler (proces {holder}, slot {self.path}). "
                    "Stop die eerst; er mag er maar één draaien.") from None
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            self._file = handle
        return self

    def held(self) -> bool:
        """Still ours? A PostgreSQL lock is lost with its connection (a database restart)."""
        if self._file is not None:
            return True
        if self._connection is None:
            return False
        try:
            held = self._connection.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                "AND objid = :key AND granted"), {"key": ADVISORY_LOCK_KEY}).scalar()
            self._connection.commit()
            return bool(held)
        except Exception:  # noqa: BLE001 - a broken connection means the lock is gone
            return False

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()  # ends the session, and with it the advisory lock
            finally:
                self._connection = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def _in_app_context(app: Flask, work: Callable[[], object], name: str) -> Callable[[], None]:
    def job() -> None:
        with app.app_context():
            try:
                result = work()
                log.info("%s: %s", name, result)
            except Exception:
                log.exception("%s failed; the next run tries again", name)
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    return job


def build_scheduler(app: Flask, scheduler_class: type[BaseScheduler], lock: SchedulerLock) -> BaseScheduler:
    """The jobs: sweep, delivery, text extraction and digest run once at start, then on their schedule."""
    scheduler = scheduler_class(
        timezone=AMSTERDAM,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    now = utcnow()
    scheduler.add_job(_in_app_context(app, lambda: run_sweep(utcnow()), "reminders"), IntervalTrigger(
        seconds=SWEEP_EVERY.total_seconds(), timezone=AMSTERDAM), id="reminders", next_run_time=now)
    scheduler.add_job(_in_app_context(app, deliver_outbox, "mail"), IntervalTrigger(
        seconds=DELIVER_EVERY.total_seconds(), timezone=AMSTERDAM), id="mail", next_run_time=now)
    scheduler.add_job(_in_app_context(app, run_queue, "extract"), IntervalTrigger(
        seconds=EXTRACT_EVERY.total_seconds(), timezone=AMSTERDAM), id="extract", next_run_time=now)
    scheduler.add_job(_in_app_context(app, lambda: send_digests(utcnow()), "digest"), CronTrigger(
        day_of_week="mon", hour=8, minute=0, timezone=AMSTERDAM), id="digest", next_run_time=now)

    def check_lock() -> None:
        if not lock.held():
            log.error("scheduler lock lost (database connection gone?); stopping so a supervisor restarts us")
            scheduler.shutdown(wait=False)

    scheduler.add_job(check_lock, IntervalTrigger(minutes=1, timezone=AMSTERDAM), id="lock")
    return scheduler


def should_run_embedded(app: Flask) -> bool:
    """SCHEDULER_ENABLED runs the scheduler inside a serving process (the dev server of
    `make run`). Other CLI commands load the app too (`db upgrade`, `scheduler` itself) and must
    not start one, nor must the reloader's watching parent process: only its child serves."""
    if not app.config["SCHEDULER_ENABLED"] or app.testing:
        return False
    ctx = click.get_current_context(silent=True)
    if ctx is None:  # a WSGI server (gunicorn) importing wsgi.py
        return True
    if ctx.info_name != "run":
        return False
    reload = ctx.params.get("reload")
    uses_reloader = app.debug if reload is None else reload
    return not uses_reloader or is_running_from_reloader()


def start_embedded(app: Flask) -> Callable[[], None] | None:
    """Start a background scheduler in this process, unless another one holds the lock.
    Returns the function that stops it (also run at exit), or None."""
    try:
        lock = SchedulerLock(app).acquire()
    except SchedulerLocked as exc:
        app.logger.warning("scheduler not started in this process: %s", exc)
        return None
    scheduler = build_scheduler(app, BackgroundScheduler, lock)
    scheduler.start()

    def stop() -> None:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        lock.release()

    atexit.register(stop)
    app.logger.info("scheduler runs in this process (reminders, mail, attachment text, weekly digest)")
    return stop


def init_scheduler(app: Flask) -> None:
    if should_run_embedded(app):
        app.extensions["scheduler_stop"] = start_embedded(app)
