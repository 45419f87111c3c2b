"""Fixtures: one migrated database per run (SQLite or PostgreSQL), emptied after each test."""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, current_app, g, has_app_context, request, request_started
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import make_url

from leernetwerk import create_app
from leernetwerk.extensions import db as _db

from . import factories

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _database_url(tmp_root: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{tmp_root / 'test.sqlite'}"
    if url.startswith("postgresql") and "+psycopg" not in url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    return url


def _check_reachable(url: str) -> None:
    """PostgreSQL asked for but not there: stop the run with an error, never skip."""
    u = make_url(url)
    if u.get_backend_name() != "postgresql":
        return
    try:
        socket.create_connection((u.host or "127.0.0.1", u.port or 5432), timeout=3).close()
    except OSError as exc:
        pytest.exit(f"PostgreSQL op {u.host}:{u.port} is niet bereikbaar ({exc}); de test kan niet draaien.", returncode=3)


def reset_schema(url: str) -> None:
    """Drop every table (also from an earlier run) so the migrations start from nothing."""
    engine = create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.exec_driver_sql("DROP TABLE IF EXISTS library_search")  # FTS5 first, with its shadow tables
            for name in inspect(conn).get_table_names():
                conn.exec_driver_sql(f'DROP TABLE "{name}"')
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = _database_url(tmp_path_factory.mktemp("db"))
    _check_reachable(url)
    return url


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    reset_schema(database_url)
    application = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "MAIL_URL": f"file://{instance / 'mail'}",
            "BASE_URL": "http://localhost",
            # Tests log staff and the core group in with their password alone; the tests of
            # two-factor login turn the requirement on (tests/auth/test_two_factor.py).
            "TWO_FACTOR_REQUIRED": False,
            # Tests jump days ahead with a browser still logged in; the tests of session limits
            # set the production limits (tests/auth/test_sessions.py).
            "SESSION_IDLE_SECONDS": 10 * 365 * 24 * 3600,
            "SESSION_ABSOLUTE_SECONDS": 10 * 365 * 24 * 3600,
            # Cheap hashing in tests; the production parameters are tested separately.
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_PARALLELISM": 1,
        }
    )
    with application.app_context():
        from flask_migrate import upgrade

        upgrade()
    yield application


def _empty_all_tables() -> None:
    """DELETE in dependency order: for a test's handful of rows far cheaper than TRUNCATE on
    PostgreSQL (which costs a fixed ~5 ms per table)."""
    _db.session.execute(text("DELETE FROM library_search"))
    _db.session.execute(text("DELETE FROM library_search_words"))
    _db.session.execute(text("UPDATE deliverables SET published_version_id = NULL"))
    for table in reversed(_db.metadata.sorted_tables):
        _db.session.execute(table.delete())
    _db.session.commit()


def forget_kept_things() -> None:
    """The library keeps facet counts per process, per state of the library, and a person's pages
    are kept per process under the generation of all data; tests start afresh."""
    from leernetwerk.library import queries, views

    queries._COUNTS.clear()
    queries._SNAPSHOT.clear()
    queries._LABELS.clear()
    views._FACETS.clear()
    current_app.extensions["personal_pages"].clear()


@pytest.fixture(autouse=True)
def db(app: Flask) -> Iterator:
    """Each test starts with empty tables and an app context."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _empty_all_tables()
        forget_kept_things()
        _db.session.remove()
        # The stored files go with the rows that named them.
        shutil.rmtree(app.config["UPLOAD_FOLDER"], ignore_errors=True)


CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Client(FlaskClient):
    """A test client that sends a valid CSRF token with every form, as a browser would.

    Tests hold an app context, which each request then reuses; `g` is emptied first so that
    nothing cached for one request (the logged-in user, the language) leaks into the next.
    Objects the test holds are expired afterwards and reload what the request committed.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for key in list(vars(g)):
                delattr(g, key)
        try:
            return super().open(*args, **kwargs)
        finally:
            # In production the request's session ends with it; here the test's session goes on,
            # so end its transaction (and the SQLite write lock) as the request's end would.
            if has_app_context():
                _db.session.rollback()

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", os.urandom(20).hex())
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and (data is None or isinstance(data, dict)):
            data = dict(data or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def make_client(app: Flask):
    """A fresh, separate browser (its own cookies)."""
    app.test_client_class = Client
    return app.test_client


@pytest.fixture
def login(client):
    """login(user) logs the test client in through the real form."""

    def _login(user, password: str = factories.PASSWORD, c=None):
        c = c or client
        response = c.post("/inloggen", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.text
        return c

    return _login


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, *args) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def flask_requests(app: Flask) -> Iterator[list[str]]:
    """The paths of the requests that reached Flask (a page answered again before Flask, by
    page_cache.Replays or personal_pages.PersonalPages, never does)."""
    seen: list[str] = []

    def started(_sender, **_extra) -> None:
        seen.append(request.path)

    request_started.connect(started, app)
    yield seen
    request_started.disconnect(started, app)


@pytest.fixture
def count_queries(app: Flask, monkeypatch: pytest.MonkeyPatch):
    """with count_queries() as q: ...; q.count is the number of SQL statements run. Such a test
    counts what Flask does for a page: a logged-in person's page is not answered from what was
    kept of it (personal_pages.py) while it runs."""
    from contextlib import contextmanager

    @contextmanager
    def _counter():
        counter = QueryCounter()
        event.listen(_db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(_db.engine, "before_cursor_execute", counter)

    monkeypatch.setitem(app.config, "PERSONAL_PAGE_SECONDS", 0)
    return _counter


class _Inbox:
    """Collects what a real SMTP server on loopback received."""

    def __init__(self) -> None:
        self.messages: list = []
        self.raw: list[bytes] = []  # the bytes as they came over the wire, before any parsing

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        from email import message_from_bytes, policy

        self.raw.append(envelope.content)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[_Inbox]:
    """A real SMTP server (aiosmtpd) on loopback; the app's MAIL_URL points at it."""
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    old = app.config["MAIL_URL"]
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{port}"
    inbox.port = port
    inbox.controller = controller
    try:
        yield inbox
    finally:
        app.config["MAIL_URL"] = old
        try:
            controller.stop()
        except AssertionError:
            pass  # already stopped by a test that takes the server down
