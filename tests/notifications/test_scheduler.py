"""One scheduler only (advisory lock on PostgreSQL, file lock on SQLite), its jobs, and the
commands that run the work once."""

from __future__ import annotations

import time
from datetime import datetime

import click
import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from leernetwerk import create_app
from leernetwerk.dates import AMSTERDAM
from leernetwerk.extensions import db
from leernetwerk.notifications.models import Notification
from leernetwerk.notifications.scheduler import (
    SchedulerLock,
    SchedulerLocked,
    build_scheduler,
    should_run_embedded,
    start_embedded,
)

from .conftest import TODAY, days


def test_a_second_scheduler_is_refused_until_the_first_stops(app):
    first = SchedulerLock(app).acquire()
    try:
        with pytest.raises(SchedulerLocked, match="er mag er maar één draaien"):
            SchedulerLock(app).acquire()
    finally:
        first.release()
    SchedulerLock(app).acquire().release()


def test_the_scheduler_command_refuses_with_a_clear_message_and_exit_code(app):
    held = SchedulerLock(app).acquire()
    try:
        result = app.test_cli_runner().invoke(args=["scheduler"])
    finally:
        held.release()
    assert result.exit_code == 1
    assert "Er draait al een scheduler" in result.output


def test_reminders_run_command_does_one_sweep(scene, app):
    scene.milestone("Factsheet", TODAY + days(1))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reminders", "run"])
    assert result.exit_code == 0, result.output
    assert "herinneringen: 2 (mail direct: 2" in result.output
    assert "herinneringen: 0" in app.test_cli_runner().invoke(args=["reminders", "run"]).output
    assert app.test_cli_runner().invoke(args=["reminders", "digest"]).output.strip() == "weekoverzichten: 0"


def test_jobs_sweep_every_five_minutes_deliver_every_minute_read_text_often_and_digest_on_monday_8_amsterdam(app):
    lock = SchedulerLock(app).acquire()
    try:
        scheduler = build_scheduler(app, BackgroundScheduler, lock)
        jobs = {job.id: job for job in scheduler.get_jobs()}
    finally:
        lock.release()
    assert set(jobs) == {"reminders", "mail", "extract", "digest", "lock"}
    assert jobs["reminders"].trigger.interval.total_seconds() == 300
    assert jobs["mail"].trigger.interval.total_seconds() == 60
    assert jobs["extract"].trigger.interval.total_seconds() == 15  # attachment text, soon after an upload
    sunday = datetime(2026, 3, 29, 12, tzinfo=AMSTERDAM)  # the day summer time starts
    monday = jobs["digest"].trigger.get_next_fire_time(None, sunday)
    assert monday == datetime(2026, 3, 30, 8, tzinfo=AMSTERDAM) and monday.utcoffset().total_seconds() == 7200


def _serving_app(app: Flask) -> Flask:
    worker = create_app({key: app.config[key] for key in ("DATABASE_URL", "SECRET_KEY", "BASE_URL")}
                        | {"INSTANCE_PATH": app.instance_path})
    worker.config["SCHEDULER_ENABLED"] = True
    return worker


def test_the_web_app_starts_a_scheduler_only_when_enabled_and_serving(app, monkeypatch):
    worker = _serving_app(app)
    assert should_run_embedded(worker)  # under gunicorn: no click context
    worker.config["SCHEDULER_ENABLED"] = False
    assert not should_run_embedded(worker)  # the default: never once per web worker
    worker.config["SCHEDULER_ENABLED"] = True

    def in_command(name: str, **params: object) -> bool:
        with click.Context(click.Command(name), info_name=name) as ctx:
            ctx.params.update(params)
            return should_run_embedded(worker)

    assert in_command("run", reload=False)          # make run
    assert not in_command("run", reload=True)       # the reloader's watching parent
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    assert in_command("run", reload=True)           # the reloader's serving child
    assert not in_command("upgrade")                # flask db upgrade loads the app too
    assert not in_command("flask")                  # flask scheduler, while its command is looked up


def test_the_embedded_scheduler_runs_a_sweep_and_holds_the_lock(app, scene):
    scene.milestone("Factsheet", TODAY + days(1))
    db.session.commit()
    stop = start_embedded(_serving_app(app))
    assert stop is not None
    try:
        # A second web process finds the lock taken and serves on without a scheduler.
        assert start_embedded(_serving_app(app)) is None
        deadline = time.monotonic() + 20
        while db.session.query(Notification).count() < 2 and time.monotonic() < deadline:
            db.session.rollback()
            time.sleep(0.2)
        assert db.session.query(Notification).count() == 2
    finally:
        stop()
    SchedulerLock(app).acquire().release()
