"""`flask backup DIR` and `flask restore DIR` (leernetwerk/backup.py): a backup taken while
another thread keeps writing holds one moment of the database, with the uploads, and a restore
into a fresh database brings back exactly that, proven against the manifest's counts and checksums.

The tests run on the suite's kind of database: SQLite in `make test`, PostgreSQL (pg_dump and
pg_restore) in `make test-postgres`. A restore goes into a fresh database named after the suite's
(`<database>_restore`, dropped afterwards), never into the suite's own.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from leernetwerk import create_app
from leernetwerk.audit import AuditEvent
from leernetwerk.auth.models import User
from leernetwerk.backup import BackupError, check_client_version, read_contents
from leernetwerk.extensions import db
from leernetwerk.library.files import upload_path
from leernetwerk.library.models import Attachment
from tests import factories
from tests.library.helpers import Team, make_pdf
from tests.test_migrations import head_revision

WRITER = "Schrijver"


@contextmanager
def scratch_database(database_url: str, tmp_path: Path, suffix: str) -> Iterator[str]:
    """A fresh, empty database of the suite's kind, named after the suite's, dropped afterwards."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / f'{suffix}.sqlite'}"
        return
    name = f"{url.database}_{suffix}"
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


@pytest.fixture
def restore_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database to restore into."""
    with scratch_database(database_url, tmp_path, "restore") as url:
        yield url


@contextmanager
def other_app(url: str, instance: Path) -> Iterator[Flask]:
    """A second app (another server) on `url` with its own instance folder, its context pushed."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "INSTANCE_PATH": str(instance), "TESTING": True,
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1})
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def backup(app: Flask, folder: Path):
    return app.test_cli_runner().invoke(args=["backup", str(folder)])


def restore(app: Flask, folder: Path):
    return app.test_cli_runner().invoke(args=["restore", str(folder)])


class Writer(threading.Thread):
    """Keeps creating accounts, one transaction each (the user and its audit event), numbered
    0, 1, 2, …, until stopped; `committed` is how many have been committed so far."""

    def __init__(self, app: Flask) -> None:
        super().__init__(daemon=True)
        self.app, self.committed, self.error = app, 0, None
        self.stopping = threading.Event()
        self.progress = threading.Condition()

    def run(self) -> None:
        try:
            with self.app.app_context():
                while not self.stopping.is_set():
                    factories.make_user(name=f"{WRITER} {self.committed}", email=f"schrijver{self.committed}@x.nl")
                    with self.progress:
                        self.committed += 1
                        self.progress.notify_all()
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - handed to the test, which fails on it
            self.error = exc
            with self.progress:
                self.progress.notify_all()

    def wait_for(self, count: int) -> None:
        with self.progress:
            assert self.progress.wait_for(lambda: self.committed >= count or self.error, timeout=60)
        assert self.error is None, self.error

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=60)
        assert self.error is None, self.error


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_backup_under_concurrent_writes_restores_exactly_one_moment(app, tmp_path, restore_url):
    team = Team()
    pdf, csv = make_pdf("zorgpad kwetsbare zwangeren"), b"gemeente;aantal\nLeeuwarden;12\n"
    team.draft("Zorgpad met bijlagen", uploads=[(pdf, "zorgpad.pdf"), (csv, "cijfers.csv")])
    folder = tmp_path / "backup"

    writer = Writer(app)
    writer.start()
    try:
        writer.wait_for(5)
        before = writer.committed
        result = backup(app, folder)
        during = writer.committed
        writer.wait_for(during + 3)  # and it goes on writing after the backup
    finally:
        writer.stop()
    assert result.exit_code == 0, result.output
    assert "Back-up gemaakt" in result.output
    assert during > before, "the writer committed nothing while the backup ran; the test proves nothing"

    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"]["kind"] == db.engine.dialect.name
    assert manifest["alembic_revision"] == head_revision()
    assert manifest["problems"] == []
    assert sorted(entry["sha256"] for entry in manifest["uploads"].values()) == sorted([sha256(pdf), sha256(csv)])
    assert manifest["tables"]["attachments"]["rows"] == 2

    with other_app(restore_url, tmp_path / "restored") as restored:
        result = restore(restored, folder)
        assert result.exit_code == 0, result.output
        assert "aantallen en controlegetallen kloppen" in result.output
        assert "db upgrade" not in result.output  # the backup is at the code's revision

        # One moment: the accounts written before the backup began, none of those written after it
        # ended, numbered without a gap, and every one with the audit event of its own transaction.
        numbers = sorted(int(name.rsplit(" ", 1)[1]) for name in db.session.scalars(
            select(User.name).where(User.name.like(f"{WRITER} %"))))
        assert before <= len(numbers) <= during
        assert numbers == list(range(len(numbers)))
        audited = db.session.scalar(select(func.count()).select_from(AuditEvent).join(
            User, (AuditEvent.object_type == "users") & (AuditEvent.object_id == User.id)).where(
            AuditEvent.action == "user.create", User.name.like(f"{WRITER} %")))
        assert audited == len(numbers)
        assert manifest["tables"]["users"]["rows"] == db.session.scalar(select(func.count()).select_from(User))

        # Counts and checksums of every table are those of the manifest, read again here.
        assert read_contents(db.session.connection())["tables"] == manifest["tables"]

        # The attachments' files are back, byte for byte, where the restored app looks for them.
        stored = {a.original_name: upload_path(a.stored_name).read_bytes() for a in db.session.scalars(select(Attachment))}
        assert stored == {"zorgpad.pdf": pdf, "cijfers.csv": csv}

        # The restored database takes new rows (its id sequences came along).
        factories.make_user(name="Na het herstel", email="nieuw@x.nl")


def test_a_backup_from_an_older_release_restores_and_says_to_upgrade(database_url, tmp_path, restore_url):
    with scratch_database(database_url, tmp_path, "restore_source") as source_url:
        with other_app(source_url, tmp_path / "old") as old:
            upgrade(revision="0007")
            db.session.execute(text("INSERT INTO municipalities (name, slug) VALUES ('Harlingen', 'harlingen')"))
            db.session.commit()
            assert backup(old, tmp_path / "backup").exit_code == 0

    with other_app(restore_url, tmp_path / "restored") as restored:
        result = restore(restored, tmp_path / "backup")
        assert result.exit_code == 0, result.output
        assert f"revisie 0007, de code op {head_revision()}: draai nu `flask --app wsgi db upgrade`" in result.output
        upgrade()
        assert db.session.scalar(text("SELECT name FROM municipalities")) == "Harlingen"


def test_restore_refuses_a_database_that_is_not_empty(app, tmp_path):
    factories.make_user(name="Blijft staan")
    folder = tmp_path / "backup"
    assert backup(app, folder).exit_code == 0
    users = db.session.scalar(select(func.count()).select_from(User))
    db.session.rollback()  # as a separate `flask restore` process would, hold no lock on SQLite

    result = restore(app, folder)

    assert result.exit_code == 1
    assert "is niet leeg" in result.output
    assert "er is niets hersteld" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == users


def test_restore_fails_loudly_when_the_restored_tables_differ_from_the_manifest(app, tmp_path, restore_url):
    factories.make_user(name="Een")
    folder = tmp_path / "backup"
    assert backup(app, folder).exit_code == 0
    manifest_file = folder / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    rows = manifest["tables"]["users"]["rows"]
    manifest["tables"]["users"]["rows"] = rows + 1
    manifest["tables"]["audit_events"]["sha256"] = "0" * 64
    manifest_file.write_text(json.dumps(manifest))

    with other_app(restore_url, tmp_path / "restored") as restored:
        result = restore(restored, folder)

    assert result.exit_code == 1
    assert "wijkt af van het manifest" in result.output
    assert f"users: {rows} rijen in plaats van {rows + 1}" in result.output
    assert "audit_events: andere inhoud" in result.output


def test_restore_changes_nothing_when_a_file_in_the_backup_was_altered(app, tmp_path, restore_url):
    version = Team().draft("Met bijlage", uploads=[(b"regel een\nregel twee\n", "notities.txt")])
    [attachment] = version.attachments
    folder = tmp_path / "backup"
    assert backup(app, folder).exit_code == 0
    copied = folder / "uploads" / attachment.stored_name[:2] / attachment.stored_name
    assert copied.read_bytes() == b"regel een\nregel twee\n"
    copied.write_bytes(b"regel een\nregel drie\n")

    with other_app(restore_url, tmp_path / "restored") as restored:
        result = restore(restored, folder)
        assert result.exit_code == 1
        assert "klopt niet met haar manifest" in result.output
        assert inspect(db.engine).get_table_names() == []
        assert not (tmp_path / "restored" / "uploads").exists()


def test_a_manifest_cannot_make_restore_write_outside_the_upload_folder(app, tmp_path, restore_url):
    folder = tmp_path / "backup"
    assert backup(app, folder).exit_code == 0
    (tmp_path / "outside").write_bytes(b"x")
    manifest_file = folder / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    manifest["uploads"]["../../outside"] = {"bytes": 1, "sha256": sha256(b"x")}
    manifest_file.write_text(json.dumps(manifest))

    with other_app(restore_url, tmp_path / "restored") as restored:
        result = restore(restored, folder)
        assert result.exit_code == 1
        assert "buiten de uploadmap" in result.output
        assert inspect(db.engine).get_table_names() == []


def test_backup_goes_into_a_new_folder_only(app, tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "vorige-week.txt").write_text("oud")

    result = backup(app, folder)

    assert result.exit_code == 1
    assert "niet leeg" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["vorige-week.txt"]


def test_a_failed_backup_leaves_no_half_backup_behind(app, tmp_path, monkeypatch):
    from leernetwerk import backup as backup_module

    def disk_full(folder, target):
        (target / "half-gekopieerd").parent.mkdir(parents=True, exist_ok=True)
        (target / "half-gekopieerd").write_bytes(b"x")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_module, "_copy_uploads", disk_full)
    folder = tmp_path / "backup"

    result = backup(app, folder)

    assert result.exit_code == 1
    assert "Back-up mislukt" in result.output
    assert "No space left on device" in result.output
    assert not folder.exists()


def test_a_backup_names_attachments_whose_file_is_missing(app, tmp_path):
    version = Team().draft("Met bijlage", uploads=[(b"een regel tekst\n", "notitie.txt")])
    [attachment] = version.attachments
    upload_path(attachment.stored_name).unlink()

    result = backup(app, tmp_path / "backup")

    assert result.exit_code == 0, result.output
    assert f"LET OP: bijlage {attachment.stored_name[:2]}/{attachment.stored_name} ontbreekt" in result.stderr


def test_pg_dump_and_pg_restore_must_be_as_new_as_what_they_read():
    check_client_version("pg_dump", 15, 15)
    check_client_version("pg_dump", 16, 15)
    with pytest.raises(BackupError, match="postgresql-client-15"):
        check_client_version("pg_dump", 14, 15)
    with pytest.raises(BackupError, match="pg_restore is versie 15"):
        check_client_version("pg_restore", 15, 16)
