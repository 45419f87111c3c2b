"""Benchmark: the logged-in pages that grow with the network, timed in-process at national scale.

Fills a database with `bench/reminders.py`'s data (20,000 people, 7,500 tables in the running
round, 100,000 milestones, 500,000 updates) plus one reminder sweep (so the outbox and the
reminder log have rows), unless it holds that data already, then opens each page a few times
through the test client as staff, as a liaison (core group) and as a table member and prints
the median time, the size of the HTML and the number of SQL statements.

    .venv/bin/python bench/scale_pages.py                          # SQLite file in $TMPDIR/leernetwerk-bench-pages/
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/scale_pages.py

Not a test: it asserts nothing (the tests that fill many rows are in tests/test_bounded_pages.py).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, os.environ.get("BENCH_APP_ROOT") or str(Path(__file__).resolve().parent.parent))  # the code to measure

from sqlalchemy import event, func, inspect, select, text, update

from leernetwerk import create_app
from leernetwerk.extensions import db

ROOT = Path(sys.path[0])
PASSWORD = "bench-wachtwoord"
STAFF, LIAISON, MEMBER = 1, 11, 401  # ids in reminders.fill: staff 1-10, core group 11-400, members after
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PAGES = [
    ("staff", "/rondes"),
    ("staff", "/rondes/1"),
    ("staff", "/beheer/herinneringen"),
    ("staff", "/mijn"),
    ("liaison", "/mijn"),
    ("member", "/mijn"),
    ("staff", "/beheer/logboek"),
    ("staff", "/kerngroep"),
    ("staff", "/meldingen"),
    ("member", "/meldingen"),
    ("staff", "/tafels/1"),
    ("staff", "/werkpakketten/1"),
    ("staff", "/beheer/mensen"),
]


def main() -> None:
    instance = Path(os.environ.get("BENCH_INSTANCE") or tempfile.gettempdir()) / "leernetwerk-bench-pages"
    instance.mkdir(exist_ok=True)
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{instance / 'bench.sqlite'}"
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench",
                      "BASE_URL": "http://leernetwerk.example",
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1})
    with app.app_context():
        from flask_migrate import upgrade

        from leernetwerk.auth.models import User
        from leernetwerk.auth.passwords import hash_password

        filled = inspect(db.engine).has_table("users") and bool(
            db.session.execute(select(func.count()).select_from(User)).scalar())
        db.session.rollback()  # end the transaction (on SQLite it holds the lock the migration needs)
        if not filled:
            sys.path.insert(0, str(ROOT / "bench"))
            import reminders

            from leernetwerk.notifications.reminders.sweep import run_sweep
            from tests.conftest import reset_schema

            reset_schema(url)
            upgrade()
            now = datetime.now(timezone.utc).replace(microsecond=0)
            started = time.perf_counter()
            reminders.fill(now.date(), now)
            run_sweep(now)
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            print(f"filled in {time.perf_counter() - started:.0f} s")
        else:
            upgrade()  # this branch's indexes, if any
        db.session.execute(update(User).where(User.id.in_([STAFF, LIAISON, MEMBER]))
                           .values(password_hash=hash_password(PASSWORD)))
        db.session.commit()
        emails = dict(db.session.execute(select(User.id, User.email).where(User.id.in_([STAFF, LIAISON, MEMBER]))).all())
        db.session.remove()

    clients = {}
    for role, user_id in (("staff", STAFF), ("liaison", LIAISON), ("member", MEMBER)):
        client = app.test_client()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/inloggen").text).group(1)
        response = client.post("/inloggen", data={"email": emails[user_id], "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.status_code
        clients[role] = client

    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    print(f"{engine.dialect.name}: median of {RUNS} runs")
    print(f"{'as':8} {'page':24} {'status':>6} {'time':>9} {'size':>10} {'queries':>8}")
    for role, path in PAGES:
        times = []
        for _ in range(RUNS):
            statements.clear()
            started = time.perf_counter()
            response = clients[role].get(path)
            times.append(time.perf_counter() - started)
        size = len(response.data)
        print(f"{role:8} {path:24} {response.status_code:>6} {statistics.median(times) * 1000:>7.0f}ms "
              f"{size / 1024:>8.1f}KB {len(statements):>8}")


if __name__ == "__main__":
    main()
