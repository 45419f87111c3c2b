"""The migrations are the schema: they build exactly what the models declare, and they go back and forth.

Each test migrates its own scratch database (a temp SQLite file, or a dedicated PostgreSQL database
next to the test database), never the database the rest of the suite uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from leernetwerk import create_app
from leernetwerk.extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def head_revision() -> str:
    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()
    assert len(heads) == 1, f"the migrations branch: heads {heads}"
    return heads[0]


@pytest.fixture
def scratch_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of the same kind as the suite's, dropped afterwards."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    # Named after the suite's database, so two runs on two test databases never share one.
    name = f"{url.database}_migrations"
    assert name != url.database
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@contextmanager
def scratch_app(url: str, tmp_path: Path) -> Iterator[Flask]:
    """A second app bound to the scratch database, with its app context pushed."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path / "instance"),
                      "TESTING": True})
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


# Schema objects that differ per dialect and are written by hand in a migration, not declared as
# models (the library's full-text index); keep in step with `include_name` in migrations/env.py.
HAND_MANAGED_TABLE_PREFIXES = ("library_search",)


def _include_name(name, type_, parent_names) -> bool:
    return not (type_ == "table" and name.startswith(HAND_MANAGED_TABLE_PREFIXES))


def schema_differences() -> list:
    """What Alembic's autogenerate would still have to write to reach the models."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": _include_name})
        return compare_metadata(context, db.metadata)


def _literals(sql: str) -> set[str]:
    # The allowed values of an enum check, whether the database reports them verbatim (SQLite)
    # or rewritten (PostgreSQL: status::text = ANY (ARRAY['pending'::character varying, ...])).
    return set(re.findall(r"'([^']*)'", sql))


def check_constraint_differences() -> dict[str, tuple]:
    """Autogenerate does not compare CHECK constraints; compare their names and allowed values."""
    inspector = inspect(db.engine)
    differences = {}
    for table in db.metadata.sorted_tables:
        declared = {
            str(c.name): _literals(str(c.sqltext)) for c in table.constraints if isinstance(c, CheckConstraint)
        }
        actual = {c["name"]: _literals(c["sqltext"]) for c in inspector.get_check_constraints(table.name)}
        if declared != actual:
            differences[table.name] = (declared, actual)
    return differences


def current_revision() -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_migrations_build_exactly_the_models_schema(scratch_url, tmp_path):
    with scratch_app(scratch_url, tmp_path):
        upgrade()
        assert current_revision() == head_revision()
        assert schema_differences() == []
        assert check_constraint_differences() == {}
        tables = inspect(db.engine).get_table_names()
        for prefix in HAND_MANAGED_TABLE_PREFIXES:  # built by hand in a migration, so checked here
            assert any(name.startswith(prefix) for name in tables), prefix


def test_upgrade_downgrade_upgrade_round_trip(scratch_url, tmp_path):
    with scratch_app(scratch_url, tmp_path):
        upgrade()
        downgrade(revision="base")
        left = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert left == set(), f"downgrade left tables behind: {sorted(left)}"
        assert current_revision() is None

        upgrade()
        assert current_revision() == head_revision()
        assert schema_differences() == []
        assert check_constraint_differences() == {}
        # The rebuilt schema is usable: a row goes in and a check constraint still bites.
        db.session.execute(text("INSERT INTO municipalities (name, slug) VALUES ('Vlieland', 'vlieland')"))
        db.session.commit()
        with pytest.raises(IntegrityError, match="ck_rounds_dates_in_order"):
            db.session.execute(text(
                "INSERT INTO rounds (name, starts_on, ends_on, goal, created_at, version) "
                "VALUES ('Achterstevoren', '2026-05-01', '2026-02-01', '', '2026-01-01 00:00:00', 1)"
            ))
            db.session.commit()
        db.session.rollback()



def test_0006_maps_the_old_question_states_to_the_new(scratch_url, tmp_path):
    """open → nieuw, gebundeld → ondergebracht, beantwoord stays, gesloten → niet_opgepakt."""
    with scratch_app(scratch_url, tmp_path):
        upgrade(revision="0005")
        db.session.execute(text("INSERT INTO municipalities (id, name, slug) VALUES (1, 'Vlieland', 'vlieland')"))
        db.session.execute(text("INSERT INTO coalitions (id, municipality_id, name) VALUES (1, 1, 'KS Vlieland')"))
        db.session.execute(text(
            "INSERT INTO users (id, email, name, password_hash, active, is_staff, is_core_group, locale, created_at) "
            "VALUES (1, 'a@example.org', 'A', NULL, true, false, false, 'nl', '2026-01-01 00:00:00+00:00')"))
        for number, status in enumerate(("open", "gebundeld", "beantwoord", "gesloten"), start=1):
            db.session.execute(text(
                "INSERT INTO questions (id, coalition_id, author_id, title, body, status, created_at, updated_at) "
                f"VALUES ({number}, 1, 1, 'V{number}', '', '{status}', '2026-01-01 00:00:00+00:00', "
                "'2026-01-01 00:00:00+00:00')"))
        db.session.commit()
        upgrade()
        states = dict(db.session.execute(text("SELECT id, status FROM questions")).tuples().all())
        assert states == {1: "nieuw", 2: "ondergebracht", 3: "beantwoord", 4: "niet_opgepakt"}
        db.session.commit()
        downgrade(revision="0005")
        states = dict(db.session.execute(text("SELECT id, status FROM questions")).tuples().all())
        assert states == {1: "open", 2: "gebundeld", 3: "beantwoord", 4: "gesloten"}
