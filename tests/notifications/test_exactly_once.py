"""Exactly once under a second scheduler: two sweeps racing on the same database, each with its
own app and engine (as two processes would be), and the weekly digest racing itself."""

from __future__ import annotations

import threading
from collections import Counter

from flask import Flask
from sqlalchemy import select

from leernetwerk import create_app
from leernetwerk.extensions import db
from leernetwerk.notifications import reminders
from leernetwerk.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    OutboxMail,
    ReminderKind,
    ReminderLog,
)
from leernetwerk.notifications.reminders import digest, sweep

from .conftest import NOW, TODAY, at, days


def _worker(app: Flask) -> Flask:
    return create_app({key: app.config[key] for key in ("DATABASE_URL", "SECRET_KEY", "BASE_URL")}
                      | {"INSTANCE_PATH": app.instance_path, "TESTING": True})


def _race(app: Flask, work, monkeypatch, read: tuple = (sweep, "due")) -> list:
    """Run `work()` in two workers at once. Both read what is due (`read`: module and function)
    before either writes (on PostgreSQL); SQLite lets the second writer in only after the first
    committed, which the barrier's timeout allows for."""
    barrier = threading.Barrier(2)
    module, name = read
    real_read = getattr(module, name)

    def read_then_wait(*args):
        rows = real_read(*args)
        if not barrier.broken:
            try:
                barrier.wait(timeout=1.5)
            except threading.BrokenBarrierError:
                pass  # the other worker waits for our write lock (SQLite)
        return rows

    monkeypatch.setattr(module, name, read_then_wait)
    results, errors = [], []
    workers = [_worker(app), _worker(app)]

    def run(worker: Flask) -> None:
        with worker.app_context():
            try:
                results.append(work())
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()
                db.engine.dispose()

    db.session.commit()  # the test's own session must not hold SQLite's write lock
    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    return results


def test_two_sweeps_racing_write_each_reminder_once(app, scene, monkeypatch):
    for n in range(5):
        scene.milestone(f"Mijlpaal {n}", TODAY + days(1))
        scene.milestone(f"Te laat {n}", TODAY - days(1), assignee=scene.member)
    results = _race(app, lambda: reminders.run_sweep(NOW), monkeypatch)

    expected = 5 * 2 + 5 * 2  # due tomorrow: the two members; overdue: assignee and kartrekker
    assert sum(r.get("reminders", 0) for r in results) == expected
    keys = Counter(db.session.execute(select(ReminderLog.kind, ReminderLog.object_id, ReminderLog.recipient_id,
                                             ReminderLog.occasion)).tuples())
    assert len(keys) == expected and set(keys.values()) == {1}
    assert db.session.query(Notification).count() == expected
    mails = db.session.execute(select(OutboxMail.message_id)).scalars().all()
    assert len(mails) == len(set(mails)) == expected


def test_two_digests_racing_send_one_mail_per_person(app, scene, clock, monkeypatch):
    db.session.add(NotificationPreference(user_id=scene.member.id, kind=ReminderKind.MILESTONE_DUE,
                                          delivery=Delivery.DIGEST))
    db.session.commit()
    scene.milestone("Factsheet", TODAY + days(1))
    reminders.run_sweep(NOW)
    monday = at(TODAY + days(5), 8)
    clock.move_to(monday)
    results = _race(app, lambda: reminders.send_digests(monday), monkeypatch, read=(digest, "_pending_digest_items"))
    assert sorted(results) == [0, 1]
    assert db.session.query(OutboxMail).filter(OutboxMail.recipient == scene.member.email).count() == 1
