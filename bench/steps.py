"""What every request pays, step by step, in-process (no HTTP): a profile to read beside
bench/pages.py. Each line is the median of several rounds of many WSGI calls, straight into
`app.wsgi_app` (no test client), on the national SQLite database (bench/national.py) or
BENCH_DATABASE_URL. Not a test: it asserts nothing.

    .venv/bin/python bench/steps.py
    BENCH_APP_DIR=/tmp/main-checkout .venv/bin/python bench/steps.py   # the same steps, other code
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import national  # noqa: E402

# BENCH_APP_DIR: profile another checkout of the app (say, main before a change) on the same data.
APP_DIR = Path(os.environ.get("BENCH_APP_DIR", str(HERE.parent))).resolve()
sys.path.insert(0, str(APP_DIR))

ROUNDS, CALLS = int(os.environ.get("BENCH_ROUNDS", "7")), int(os.environ.get("BENCH_CALLS", "200"))


def per_call(fn) -> float:  # noqa: ANN001
    """Median over rounds of the mean milliseconds per call."""
    fn()
    rounds = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for _ in range(CALLS):
            fn()
        rounds.append((time.perf_counter() - t0) / CALLS * 1000)
    return statistics.median(rounds)


def caller(app, path: str, headers: dict | None = None):  # noqa: ANN001, ANN201
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path=path, headers=headers or {}).get_environ()
    status = []

    def start_response(s, _h, _e=None):  # noqa: ANN001, ANN202
        status.append(s)

    def call() -> None:
        body = app.wsgi_app(dict(environ), start_response)
        b"".join(body)
        getattr(body, "close", lambda: None)()

    call()
    return call, status[-1]


def main() -> None:
    from flask import Flask, session

    url = os.environ.get("BENCH_DATABASE_URL") or national.database_urls()[0]
    if not national.is_built(url):
        national.build(url)

    bare = Flask("bare")
    bare.add_url_rule("/bench/bare", "bare", lambda: "ok")
    app = national.make_app(url)
    app.add_url_rule("/bench/bare", "bench_bare", lambda: "ok")
    uncached = national.make_app(url, PAGE_CACHE_SECONDS=0)

    from leernetwerk.auth.models import User
    from leernetwerk.auth.sessions import start_session
    from leernetwerk.extensions import db

    with app.app_context():
        from sqlalchemy import text

        member = db.session.execute(text("SELECT min(user_id) FROM table_memberships")).scalar()
        slug = db.session.execute(text("SELECT min(slug) FROM library_entries WHERE visibility = 'openbaar'")).scalar()
        with app.test_request_context("/inloggen", method="POST"):
            start_session(db.session.get(User, member))
            db.session.commit()
            cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
        db.session.remove()
    logged_in = {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}

    steps = [
        ("bare Flask app, bare route", bare, "/bench/bare", None),
        ("this app, bare route (every hook, no DB)", app, "/bench/bare", None),
        ("this app, bare route, logged in (+ session row)", app, "/bench/bare", logged_in),
        ("/healthz", app, "/healthz", None),
        ("static file (WhiteNoise)", app, "/static/css/app.css", None),
        ("/bibliotheek, anonymous, page cache off", uncached, "/bibliotheek", None),
        ("/bibliotheek, anonymous (page cache)", app, "/bibliotheek", None),
        ("/bibliotheek, anonymous, If-None-Match (304)", app, "/bibliotheek", "etag"),
        ("end product, anonymous", app, f"/bibliotheek/{slug}", None),
        ("/api/v1/eindproducten, anonymous", app, "/api/v1/eindproducten", None),
    ]
    import leernetwerk

    print(f"{url.split('@')[-1]}, code in {Path(leernetwerk.__file__).parent.parent}: "
          f"ms per request, median of {ROUNDS} rounds of {CALLS}")
    print(f"{'step':52} {'GC on':>8} {'frozen':>8}")
    results = []
    for name, target, path, headers in steps:
        if headers == "etag":
            headers = {"If-None-Match": target.test_client().get(path).headers.get("ETag", "")}
        call, status = caller(target, path, headers)
        on = per_call(call)
        results.append((name, status, on, call))
    gc.collect()
    gc.freeze()
    for name, status, on, call in results:
        print(f"{name:52} {on:8.3f} {per_call(call):8.3f}  {status}")


if __name__ == "__main__":
    main()
