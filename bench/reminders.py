"""Benchmark: one reminder sweep over national-scale data (7,500 tables, 100,000 milestones).

Builds a scratch database (SQLite by default, or BENCH_DATABASE_URL for PostgreSQL; it is
emptied first), fills it in bulk — 20,000 people, a running round of 7,500 tables with six
members each, 100,000 milestones, 500,000 progress updates, support requests and end products
in review, and the next round about to start — then times:

- the first sweep after deploying (nothing logged yet: every due reminder is written),
- a sweep five minutes later (the steady state: nothing new), and
- the first sweep of the next day (a day's worth of new reminders).

It prints the time, the reminders written and the number of SQL statements of each. Not a
test: it asserts nothing.

    .venv/bin/python bench/reminders.py
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/reminders.py
"""

from __future__ import annotations

import os
import random
import secrets
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert, text

from leernetwerk import create_app
from leernetwerk.extensions import db

TABLES = int(os.environ.get("BENCH_TABLES", "7500"))
MILESTONES = int(os.environ.get("BENCH_MILESTONES", "100000"))
UPDATES = int(os.environ.get("BENCH_UPDATES", "500000"))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "20000"))
MEMBERS_PER_TABLE = 6
BATCH = 10000


def _bulk(model, rows: list[dict]) -> None:  # noqa: ANN001
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model.__table__), rows[start:start + BATCH])


def fill(today: date, now: datetime) -> None:
    from leernetwerk.auth.models import User
    from leernetwerk.library.models import Deliverable, DeliverableVersion
    from leernetwerk.rounds.models import (
        Milestone,
        ProgressUpdate,
        Round,
        SupportRequest,
        TableMembership,
        ThematicTable,
        WorkPackage,
    )

    rng = random.Random(5)  # nosec B311 # made-up benchmark data, the same every run; no secret
    people = [{"id": i, "email": f"persoon{i}@bench.test", "name": f"Persoon {i}", "is_staff": i <= 10,
               "is_core_group": 10 < i <= 400, "active": True, "locale": "en" if i % 10 == 0 else "nl",
               "created_at": now} for i in range(1, PEOPLE + 1)]
    _bulk(User, people)
    running_start, running_end = today - timedelta(days=100), today + timedelta(days=6)
    next_start = running_end + timedelta(days=1)
    _bulk(Round, [
        {"id": 1, "name": "Landelijke ronde", "starts_on": running_start, "ends_on": running_end, "goal": "",
         "created_at": now, "version": 1},
        {"id": 2, "name": "Volgende ronde", "starts_on": next_start, "ends_on": next_start + timedelta(days=100),
         "goal": "", "created_at": now, "version": 1},
    ])
    next_tables = TABLES // 4
    tables, memberships, packages = [], [], []
    for t in range(1, TABLES + next_tables + 1):
        round_id = 1 if t <= TABLES else 2
        tables.append({"id": t, "round_id": round_id, "title": f"Tafel {t}", "theme": "Thema",
                       "action_line": "tijdens_zwangerschap", "description": "", "liaison_id": rng.randint(11, 400),
                       "created_at": now, "version": 1})
        for position, person in enumerate(rng.sample(range(401, PEOPLE + 1), MEMBERS_PER_TABLE)):
            memberships.append({"table_id": t, "user_id": person, "role": "kartrekker" if position == 0 else "lid",
                                "joined_at": now})
        if round_id == 1:
            packages.append({"id": t, "table_id": t, "title": f"Werkpakket {t}", "goal": "", "description": "",
                             "due_on": running_end, "status": "bezig", "created_at": now - timedelta(days=100),
                             "updated_at": now, "version": 1})
    _bulk(ThematicTable, tables)
    _bulk(TableMembership, memberships)
    _bulk(WorkPackage, packages)
    member_of = {}
    for m in memberships:
        member_of.setdefault(m["table_id"], []).append(m["user_id"])

    milestones = []
    for i in range(1, MILESTONES + 1):
        wp = rng.randint(1, TABLES)
        due = running_start + timedelta(days=rng.randint(0, 106))
        past = due < today
        milestones.append({"id": i, "work_package_id": wp, "title": f"Mijlpaal {i}", "due_on": due,
                           "assignee_id": rng.choice(member_of[wp]) if rng.random() < 0.7 else None,
                           "done_at": now if past and rng.random() < 0.85 else None, "created_at": now})
    _bulk(Milestone, milestones)

    # Most packages get updates every few days; one in five has gone quiet for more than two weeks.
    updates = []
    quiet = set(rng.sample(range(1, TABLES + 1), TABLES // 5))
    for i in range(1, UPDATES + 1):
        wp = rng.randint(1, TABLES)
        age = rng.randint(15, 100) if wp in quiet else rng.randint(0, 100)
        updates.append({"id": i, "work_package_id": wp, "author_id": member_of[wp][0], "body": "Update.",
                        "light": "op_koers", "created_at": now - timedelta(days=age, minutes=rng.randint(0, 1440))})
    _bulk(ProgressUpdate, updates)

    requests = [{"id": i, "table_id": rng.randint(1, TABLES), "author_id": 401, "subject": f"Vraag {i}", "body": "?",
                 "created_at": now - timedelta(hours=rng.randint(1, 400)),
                 "answered_at": now if rng.random() < 0.7 else None} for i in range(1, 3001)]
    for r in requests:
        r["author_id"] = member_of[r["table_id"]][1]
    _bulk(SupportRequest, requests)

    # Half the tables already have an end product in review (or further); some wait for long.
    deliverables, versions = [], []
    for t in range(1, TABLES + 1, 2):
        deliverables.append({"id": t, "slug": f"eindproduct-{t}", "work_package_id": t, "created_by_id": 401,
                             "created_at": now})
        versions.append({"id": t, "deliverable_id": t, "number": 1, "title": f"Eindproduct {t}", "summary": "",
                         "body": "", "kind": "handreiking", "action_line": "tijdens_zwangerschap",
                         "visibility": "netwerk", "all_of_friesland": False, "status": "in_review",
                         "created_by_id": 401, "created_at": now, "updated_at": now,
                         "submitted_at": now - timedelta(days=rng.randint(0, 20)), "lock_version": 1})
    _bulk(Deliverable, deliverables)
    _bulk(DeliverableVersion, versions)
    db.session.commit()


def timed_sweep(now: datetime) -> tuple[float, dict, int]:
    from leernetwerk.notifications.reminders.sweep import run_sweep

    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        started = time.perf_counter()
        counts = run_sweep(now)
        return time.perf_counter() - started, counts, len(statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    instance = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    url = url or f"sqlite:///{instance / 'bench.sqlite'}"
    from tests.conftest import reset_schema

    reset_schema(url)
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": secrets.token_hex(16),
                      "BASE_URL": "https://leernetwerk.example"})
    now = datetime.now(timezone.utc).replace(microsecond=0)
    today = now.date()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        started = time.perf_counter()
        fill(today, now)
        # A live database has planner statistics (PostgreSQL's autovacuum keeps them); a freshly
        # bulk-loaded one has none until this runs.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        print(f"{db.engine.dialect.name}: {TABLES} tables (+{TABLES // 4} in the next round), {MILESTONES} milestones, "
              f"{UPDATES} updates, {PEOPLE} people; filled in {time.perf_counter() - started:.1f} s")
        for label, moment in (("first sweep (nothing logged yet)", now),
                              ("next sweep (steady state)", now + timedelta(minutes=5)),
                              ("first sweep of the next day", now + timedelta(days=1))):
            seconds, counts, statements = timed_sweep(moment)
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k not in ("reminders", "mails",
                                                                                        "digest_items"))
            print(f"{label}: {seconds:.2f} s, {counts.get('reminders', 0)} reminders "
                  f"({counts.get('mails', 0)} mails), {statements} SQL statements"
                  + (f"\n    {kinds}" if kinds else ""))
        db.session.remove()


if __name__ == "__main__":
    main()
