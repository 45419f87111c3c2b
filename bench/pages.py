"""Benchmark over real HTTP: pages of the national-scale database against a bare Flask route.

For each database (SQLite always, PostgreSQL when BENCH_DATABASE_URL is set) it builds or reuses
the national data (bench/national.py), serves the app (`wsgi:app`, the production entry point)
and a bare Flask app with the same gunicorn settings on loopback, and drives both from another
process with `wrk` (installed with apt-get when missing) at real concurrency. Logged-in pages use
a session cookie made by the app's own login code (`auth.sessions.start_session`) for a member of
a table and for staff. Prints a table per database and writes it as JSON to bench/results/.
Not a test: it asserts nothing.

    .venv/bin/python bench/pages.py
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/pages.py

"first ms" is the slowest of the first requests (each worker builds its caches: facet counts,
the page cache); the rest is measured warm.

Settings: BENCH_WORKERS (gunicorn workers, 2), BENCH_CONNECTIONS (8), BENCH_THREADS (wrk threads,
2), BENCH_SECONDS (per page, 10), BENCH_APP_DIR (serve another checkout of the app, to compare),
BENCH_PUBLIC_ONLY (only the anonymous pages), BENCH_ONLY (only pages whose name contains it; several
separated by |), BENCH_LOGGED_IN_ONLY (only the logged-in pages).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import national  # noqa: E402

WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
APP_DIR = Path(os.environ.get("BENCH_APP_DIR", str(ROOT))).resolve()
SECRET = "bench-secret-key"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

BARE_APP = '''
from flask import Flask

app = Flask(__name__)


@app.route("/bench/bare")
def bare():
    return "ok"
'''


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: apt-get install wrk", flush=True)
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*prefix, "apt-get", "install", "-y", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "wrk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn on loopback with the bench's settings; the same for the app and the bare route."""

    def __init__(self, module: str, cwd: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [GUNICORN, "-w", str(WORKERS), "-b", f"127.0.0.1:{self.port}", "--worker-class", "sync",
             "--backlog", "2048", "--timeout", "120", "--log-level", "warning", module],
            cwd=cwd, env={**os.environ, **(env or {})}, start_new_session=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait(self, path: str) -> None:
        for _ in range(600):
            try:
                urllib.request.urlopen(self.url(path), timeout=5).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"gunicorn ended ({self.process.returncode})") from None
                time.sleep(0.2)
        raise SystemExit("gunicorn did not answer")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker still busy with a page that takes minutes
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def warm(url: str, cookie: str | None) -> float:
    """Every worker builds the page once (its caches), before anything is timed: as many
    simultaneous requests as there are workers, twice. Answers the slowest, in ms."""
    from concurrent.futures import ThreadPoolExecutor

    def one(_: int) -> float:
        t0 = time.perf_counter()
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip", **({"Cookie": cookie} if cookie else {})})
        urllib.request.urlopen(request, timeout=120).read()
        return (time.perf_counter() - t0) * 1000

    with ThreadPoolExecutor(WORKERS * 2) as pool:
        return max([*pool.map(one, range(WORKERS * 2)), *pool.map(one, range(WORKERS * 2))])


def after_a_look(url: str, cookie: str) -> str:
    """The cookie a browser holds after it has looked at the page once: a page may put something in
    the session on a first look (/mijn notes since when things are new), and a browser sends
    that cookie from then on. wrk never takes a cookie over, so without this every request it
    makes would be a first look."""
    name = cookie.split("=", 1)[0]
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
        for header in response.headers.get_all("Set-Cookie") or ():
            pair = header.split(";", 1)[0]
            if pair.startswith(name + "="):
                return pair
    return cookie


def wrk(wrk_bin: str, url: str, cookie: str | None, seconds: int) -> dict:
    # As a browser asks: gzip accepted (the page cache keeps a gzipped copy of each public page).
    args = [wrk_bin, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s",
            "-H", "Accept-Encoding: gzip"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rps": rps, "p50_ms": ms("50"), "p99_ms": ms("99"), "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(0) if errors else ""}


def prepare(url: str) -> dict:
    """Pages to visit and the session cookies of a table member and of staff."""
    from flask import session
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import text

    from leernetwerk.auth.models import User
    from leernetwerk.auth.sessions import start_session
    from leernetwerk.extensions import db

    app = national.make_app(url)
    app.config["SECRET_KEY"] = SECRET
    with app.app_context():
        q = lambda sql: db.session.execute(text(sql)).scalar()  # noqa: E731
        table_id = q("SELECT min(table_id) FROM work_packages")
        member_id = q(f"SELECT min(user_id) FROM table_memberships WHERE table_id = {table_id}")
        staff_id = q("SELECT min(id) FROM users WHERE is_staff AND active")
        slug = q("SELECT min(slug) FROM library_entries WHERE visibility = 'openbaar'")
        ids = {"round": q(f"SELECT round_id FROM tables WHERE id = {table_id}"), "table": table_id,
               "wp": q(f"SELECT min(id) FROM work_packages WHERE table_id = {table_id}"), "slug": slug}
        # Staff must use two-factor login: without it every page sends them to the set-up page.
        # A session is started only after the code step, so a secret is all the bench needs.
        db.session.execute(text("UPDATE users SET totp_secret = :secret WHERE id = :id AND totp_secret IS NULL"),
                           {"secret": "BENCHBENCHBENCHBENCHBENCHBENCHBE", "id": staff_id})
        db.session.commit()
        cookies = {}
        for role, user_id in (("member", member_id), ("staff", staff_id)):
            # From wrk's address and without a User-Agent, as wrk asks: the login's fingerprint
            # (flask-login's session protection) then matches the bench's requests.
            with app.test_request_context("/inloggen", method="POST", environ_base={"REMOTE_ADDR": "127.0.0.1"}):
                start_session(db.session.get(User, user_id))
                # A browser that has seen a page keeps the form token in its session cookie: without
                # it every request would make a token and send a new cookie.
                generate_csrf()
                db.session.commit()
                value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
            cookies[role] = f"{app.config['SESSION_COOKIE_NAME']}={value}"
        db.session.remove()
    return {"ids": ids, "cookies": cookies}


def pages(ids: dict) -> list[tuple[str, str, str | None]]:
    return [
        ("library landing", "/bibliotheek", None),
        ("search, selective (preconceptie kinderwens)", "/bibliotheek?q=preconceptie+kinderwens", None),
        ("search, common word (zorgen)", "/bibliotheek?q=zorgen", None),
        ("facet (soort=zorgpad)", "/bibliotheek?soort=zorgpad", None),
        ("end product", f"/bibliotheek/{ids['slug']}", None),
        ("Atom feed", "/bibliotheek/feed.atom", None),
        ("API list", "/api/v1/eindproducten", None),
        ("library landing, logged in", "/bibliotheek", "member"),
        ("/mijn, table member", "/mijn", "member"),
        ("/mijn, staff", "/mijn", "staff"),
        ("round page", f"/rondes/{ids['round']}", "member"),
        ("table page", f"/tafels/{ids['table']}", "member"),
        ("work-package page", f"/werkpakketten/{ids['wp']}", "member"),
    ]


def run(url: str, wrk_bin: str) -> dict:
    dialect = url.split(":")[0].split("+")[0]
    national.build(url)
    setup = prepare(url)
    env = {"DATABASE_URL": url, "SECRET_KEY": SECRET, "SCHEDULER_ENABLED": "false", "PYTHONPATH": str(APP_DIR)}
    bare_dir = national.DATA / "bare"
    bare_dir.mkdir(exist_ok=True)
    (bare_dir / "bare_app.py").write_text(BARE_APP)
    bare, app = Server("bare_app:app", bare_dir), Server("wsgi:app", APP_DIR, env)
    rows = []
    try:
        bare.wait("/bench/bare")
        app.wait("/healthz")
        wrk(wrk_bin, bare.url("/bench/bare"), None, 2)
        base = wrk(wrk_bin, bare.url("/bench/bare"), None, SECONDS)
        rows.append({"page": "bare Flask route", "path": "/bench/bare", **base, "ratio": 1.0})
        print(f"\n{dialect} ({WORKERS} gunicorn workers, wrk {THREADS} threads, {CONNECTIONS} connections, "
              f"{SECONDS} s per page)")
        print(f"{'page':46} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'× bare':>7} {'first ms':>9}")
        print(f"{'bare Flask route':46} {base['rps']:8.0f} {base['p50_ms']:8.2f} {base['p99_ms']:8.2f} {1:7.2f}")
        for name, path, role in pages(setup["ids"]):
            if role and os.environ.get("BENCH_PUBLIC_ONLY") or not role and os.environ.get("BENCH_LOGGED_IN_ONLY"):
                continue
            if not any(part in name for part in os.environ.get("BENCH_ONLY", "").split("|")):
                continue
            cookie = setup["cookies"][role] if role else None
            try:
                if cookie:
                    cookie = setup["cookies"][role] = after_a_look(app.url(path), cookie)
                first_ms = warm(app.url(path), cookie)
            except OSError as exc:  # a page that takes longer than two minutes is not measured
                print(f"{name:46} not measured: {exc}", flush=True)
                rows.append({"page": name, "path": path, "as": role or "anonymous", "error": str(exc)})
                continue
            wrk(wrk_bin, app.url(path), cookie, 2)
            result = wrk(wrk_bin, app.url(path), cookie, SECONDS)
            result["first_ms"] = first_ms
            ratio = result["rps"] / base["rps"]
            rows.append({"page": name, "path": path, "as": role or "anonymous", **result, "ratio": ratio})
            flag = f"  ({result['non_2xx']} non-2xx!)" if result["non_2xx"] else ""
            print(f"{name:46} {result['rps']:8.0f} {result['p50_ms']:8.2f} {result['p99_ms']:8.2f} "
                  f"{ratio:7.2f} {first_ms:9.0f}{flag}", flush=True)
    finally:
        try:
            app.stop()
        finally:
            bare.stop()
    return {"database": dialect, "scale": national.SCALE, "workers": WORKERS, "connections": CONNECTIONS,
            "threads": THREADS, "seconds": SECONDS, "app_dir": str(APP_DIR), "rows": rows}


def main() -> None:
    wrk_bin = ensure_wrk()
    results = [run(url, wrk_bin) for url in national.database_urls()]
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"pages-{stamp}.json"
    path.write_text(json.dumps({"when": stamp, "results": results}, indent=2))
    print(f"\nwritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
