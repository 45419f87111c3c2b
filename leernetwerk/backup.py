"""`flask backup DIR` and `flask restore DIR`: a consistent copy of the database and the uploaded
files while the app runs, with a manifest that says what the copy holds, so that a restore can
prove it brought everything back.

A backup is a folder:

    manifest.json     what the backup holds; written last, so a folder without it is incomplete
    database.sqlite   SQLite: a copy made with SQLite's online backup API, or
    database.dump     PostgreSQL: pg_dump's custom format
    uploads/…         the files of instance/uploads (UPLOAD_FOLDER), under their stored names

The manifest records the database kind, the Alembic revision, per table its row count and a
checksum of its content, per file its size and checksum, and when the backup was made.

Consistency while others write: SQLite's backup API copies the database in one read transaction
(in WAL mode writers carry on meanwhile), and the counts and checksums are read from that copy.
On PostgreSQL one REPEATABLE READ transaction exports its snapshot, pg_dump dumps exactly that
snapshot (`--snapshot`), and the counts and checksums are read in the same transaction. The
uploads are copied after the database: a stored file is written before the row that names it
commits and is never changed afterwards, so every file the copy names is there to be copied.

A restore goes into an empty database only, checks the backup's files against the manifest
before it changes anything, and the restored tables and files after; any difference fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404 # runs pg_dump and pg_restore only, with argument lists and no shell
from collections.abc import Iterator
from datetime import date, datetime, time, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Engine, column, create_engine, inspect, literal_column, select, table, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.pool import NullPool

from .database import utcnow
from .extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite"
DUMP_FILE = "database.dump"
UPLOADS = "uploads"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# --- backup ------------------------------------------------------------------------------------

def create_backup(target: Path) -> dict[str, Any]:
    """Copy the app's database, its uploads and a manifest into `target` (new or empty). A backup
    that fails leaves `target` empty again."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} bestaat al en is niet leeg; kies voor elke back-up een nieuwe map.")
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    try:
        return _backup_into(target)
    except BaseException:
        for path in target.iterdir():
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        if created:
            target.rmdir()
        raise


def _backup_into(target: Path) -> dict[str, Any]:
    engine = db.engine
    created_at = utcnow()
    if engine.dialect.name == "sqlite":
        database, contents = _backup_sqlite(engine, target / SQLITE_FILE)
    elif engine.dialect.name == "postgresql":
        database, contents = _backup_postgresql(engine, target / DUMP_FILE)
    else:
        raise BackupError(f"Back-ups van een {engine.dialect.name}-database kan dit programma niet maken.")
    database["sha256"], database["bytes"] = file_digest(target / database["file"])
    uploads = _copy_uploads(_upload_folder(), target / UPLOADS)
    manifest = {
        "format": FORMAT,
        "created_at": created_at.isoformat(),
        "database": database,
        "alembic_revision": contents["revision"],
        "tables": contents["tables"],
        "uploads": uploads,
        "problems": _missing_attachments(contents["attachments"], uploads),
    }
    _write_json(target / MANIFEST, manifest)
    return manifest


def _backup_sqlite(engine: Engine, destination: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    _sqlite_path(engine)  # refuses an in-memory database before anything is written
    source = engine.raw_connection()
    try:
        copy = sqlite3.connect(destination)
        try:
            # One step (pages=-1): the whole copy is one read transaction on the source.
            source.driver_connection.backup(copy)
            # One self-contained file, without a -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()
    reader = _sqlite_engine(destination)
    try:
        with reader.connect() as conn:
            contents = read_contents(conn)
    finally:
        reader.dispose()
    return {"kind": "sqlite", "file": SQLITE_FILE, "sqlite_version": sqlite3.sqlite_version}, contents


def _backup_postgresql(engine: Engine, destination: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    pg_dump = _client("pg_dump")
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            # The first statement fixes the transaction's snapshot; pg_dump dumps that same one.
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            server = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
            client = client_major(pg_dump)
            check_client_version("pg_dump", client, server)
            _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={destination}", f"--dbname={_conninfo(engine.url)}"], engine.url)
            contents = read_contents(conn)
    database = {"kind": "postgresql", "file": DUMP_FILE, "server_major": server, "pg_dump_major": client}
    return database, contents


def _copy_uploads(folder: Path, target: Path) -> dict[str, dict[str, Any]]:
    """Every file in the upload folder, copied and checksummed in one read."""
    copied = {}
    for source in sorted(_files_under(folder)):
        relative = source.relative_to(folder).as_posix()
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            digest, size = _copy_with_digest(source, destination)
        except FileNotFoundError:
            continue  # removed while we copied: no row names it (see _missing_attachments)
        copied[relative] = {"bytes": size, "sha256": digest}
    return copied


def _missing_attachments(attachments: list[tuple[str, str]], uploads: dict[str, dict[str, Any]]) -> list[str]:
    """Attachments in the copied database whose file is missing from the upload folder or differs
    from the checksum stored with it. The backup is still made; the operator is told."""
    problems = []
    for stored_name, sha256 in attachments:
        relative = _stored_relative(stored_name)
        copied = uploads.get(relative)
        if copied is None:
            problems.append(f"bijlage {relative} ontbreekt in de uploadmap")
        elif copied["sha256"] != sha256:
            problems.append(f"bijlage {relative} heeft een andere inhoud dan bij het uploaden")
    return problems


# --- restore -----------------------------------------------------------------------------------

def restore_backup(source: Path) -> dict[str, Any]:
    """Bring a backup back into the app's (empty) database and upload folder, and prove it.

    Nothing is changed when the backup's own files differ from its manifest or the database is
    not empty. After the restore the tables and files are compared with the manifest again.
    """
    source = Path(source)
    manifest = read_manifest(source)
    engine = db.engine
    kind = manifest["database"]["kind"]
    if kind != engine.dialect.name:
        raise BackupError(f"Deze back-up is van een {kind}-database; DATABASE_URL wijst naar {engine.dialect.name}. "
                          "Herstel in een database van dezelfde soort.")
    verify_backup_files(source, manifest)
    _require_empty(engine)
    folder = _upload_folder()
    _check_upload_targets(manifest["uploads"], folder)
    database_file = source / manifest["database"]["file"]
    if kind == "sqlite":
        _restore_sqlite(engine, database_file)
    else:
        _restore_postgresql(engine, database_file, manifest["database"])
    engine.dispose()  # pooled connections knew an empty database
    with engine.connect() as conn:
        differences = compare_contents(manifest, read_contents(conn))
    if differences:
        raise BackupError("De herstelde database wijkt af van het manifest; gebruik haar niet. Verschillen: "
                          + "; ".join(differences))
    _restore_uploads(source / UPLOADS, manifest["uploads"], folder)
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} ontbreekt: {source} is geen (volledige) back-up.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} is geen leesbaar manifest ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} heeft een onbekend formaat; verwacht formaat {FORMAT}.")
    if manifest["database"]["file"] not in (SQLITE_FILE, DUMP_FILE):
        raise BackupError(f"{path} noemt een onbekend databasebestand.")
    return manifest


def verify_backup_files(source: Path, manifest: dict[str, Any]) -> None:
    """The database file and every upload in the backup are there, with the manifest's checksums."""
    problems = []
    database = manifest["database"]
    if _digest_or_none(source / database["file"]) != database["sha256"]:
        problems.append(f"{database['file']} ontbreekt of is veranderd")
    for relative, entry in manifest["uploads"].items():
        path = _inside(source / UPLOADS, relative)
        if _digest_or_none(path) != entry["sha256"]:
            problems.append(f"{UPLOADS}/{relative} ontbreekt of is veranderd")
    if problems:
        raise BackupError(f"De back-up in {source} klopt niet met haar manifest; er is niets hersteld. "
                          + "; ".join(problems[:20]) + (f" (en {len(problems) - 20} meer)" if len(problems) > 20 else ""))


def _require_empty(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            names = conn.execute(text(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")).scalars().all()
        else:
            names = conn.execute(text("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                                      "AND name NOT LIKE 'sqlite_%' ORDER BY name")).scalars().all()
    if names:
        shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
        raise BackupError(f"De database van DATABASE_URL is niet leeg ({len(names)} tabellen: {shown}); er is niets "
                          "hersteld. Herstel alleen in een nieuwe, lege database (zonder eerst `db upgrade`).")


def _check_upload_targets(uploads: dict[str, dict[str, Any]], folder: Path) -> None:
    """A file already in the upload folder under a backed-up name must be that same file."""
    clashes = [relative for relative, entry in uploads.items()
               if (found := _digest_or_none(_inside(folder, relative))) is not None and found != entry["sha256"]]
    if clashes:
        raise BackupError(f"De uploadmap {folder} bevat al andere bestanden onder dezelfde namen "
                          f"({', '.join(clashes[:5])}); er is niets hersteld. Herstel in een lege uploadmap.")


def _restore_sqlite(engine: Engine, database_file: Path) -> None:
    _sqlite_path(engine)
    backup = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
    target = engine.raw_connection()
    try:
        backup.backup(target.driver_connection)
    finally:
        target.close()
        backup.close()


def _restore_postgresql(engine: Engine, dump: Path, database: dict[str, Any]) -> None:
    pg_restore = _client("pg_restore")
    check_client_version("pg_restore", client_major(pg_restore), int(database["pg_dump_major"]))
    _run([pg_restore, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
          f"--dbname={_conninfo(engine.url)}", str(dump)], engine.url)


def _restore_uploads(source: Path, uploads: dict[str, dict[str, Any]], folder: Path) -> None:
    for relative, entry in uploads.items():
        destination = _inside(folder, relative)
        if _digest_or_none(destination) == entry["sha256"]:
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(destination.name + ".herstel")
        digest, _size = _copy_with_digest(_inside(source, relative), partial)
        if digest != entry["sha256"]:
            partial.unlink()
            raise BackupError(f"{UPLOADS}/{relative} veranderde tijdens het herstellen; herstel opnieuw.")
        os.replace(partial, destination)


# --- what a database holds: counts and checksums ------------------------------------------------

def read_contents(conn: Connection) -> dict[str, Any]:
    """The Alembic revision, per table its row count and content checksum, and the attachments'
    stored names with their checksums, all read through `conn` (one snapshot when it is in one
    transaction)."""
    names = set(inspect(conn).get_table_names())
    revision = None
    if "alembic_version" in names:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    attachments = []
    if "attachments" in names:
        attachments = [tuple(row) for row in conn.execute(
            text("SELECT stored_name, sha256 FROM attachments ORDER BY stored_name"))]
    return {"revision": revision, "tables": table_checksums(conn), "attachments": attachments}


def table_checksums(conn: Connection) -> dict[str, dict[str, Any]]:
    """Per table: its number of rows and a SHA-256 of its rows in key order.

    Each row is written as JSON with its values in a fixed form (timestamps in UTC, bytes as
    hex), so the same content gives the same checksum on another server or in another time zone.
    Table names come from the database's own catalogue.
    """
    inspector = inspect(conn)
    result = {}
    for name in sorted(inspector.get_table_names()):
        order = (inspector.get_pk_constraint(name).get("constrained_columns")
                 or [found["name"] for found in inspector.get_columns(name)])
        query = select(literal_column("*")).select_from(table(name)).order_by(*(column(key) for key in order))
        digest, rows = hashlib.sha256(), 0
        for row in conn.execute(query, execution_options={"yield_per": 1000}):
            digest.update(json.dumps(list(row), default=_plain, ensure_ascii=False, sort_keys=True).encode())
            digest.update(b"\n")
            rows += 1
        result[name] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value.astimezone(timezone.utc) if value.tzinfo else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def compare_contents(manifest: dict[str, Any], contents: dict[str, Any]) -> list[str]:
    """What differs between the manifest and a database's contents, in words."""
    differences = []
    if contents["revision"] != manifest["alembic_revision"]:
        differences.append(f"revisie {contents['revision']} in plaats van {manifest['alembic_revision']}")
    expected, found = manifest["tables"], contents["tables"]
    for name in sorted(expected.keys() | found.keys()):
        if name not in found:
            differences.append(f"tabel {name} ontbreekt")
        elif name not in expected:
            differences.append(f"tabel {name} staat niet in het manifest")
        elif found[name]["rows"] != expected[name]["rows"]:
            differences.append(f"{name}: {found[name]['rows']} rijen in plaats van {expected[name]['rows']}")
        elif found[name]["sha256"] != expected[name]["sha256"]:
            differences.append(f"{name}: andere inhoud (controlegetal)")
    return differences


# --- PostgreSQL client programs ------------------------------------------------------------------

def _client(program: str) -> str:
    """The full path of pg_dump or pg_restore: from PG_BINDIR when set, else from PATH."""
    bindir = os.environ.get("PG_BINDIR") or None
    found = shutil.which(program, path=bindir)
    if found is None:
        where = f"in PG_BINDIR ({bindir})" if bindir else "op het PATH"
        raise BackupError(f"{program} is niet gevonden {where}. Installeer de PostgreSQL-client van dezelfde versie "
                          "als de server (Debian: postgresql-client-15) of zet PG_BINDIR op de map met pg_dump.")
    return found


def client_major(program: str) -> int:
    """The major version of pg_dump or pg_restore ("pg_dump (PostgreSQL) 15.20 (Debian …)" is 15)."""
    output = subprocess.run([program, "--version"], capture_output=True, text=True, check=False).stdout  # nosec B603 # absolute path from _client, no shell
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", output)
    if match is None:
        raise BackupError(f"{program} --version zegt niet welke versie het is: {output.strip()!r}")
    return int(match.group(1))


def check_client_version(program: str, client: int, needed: int) -> None:
    """pg_dump must be at least as new as the server it dumps, and pg_restore at least as new as
    the pg_dump that made the dump (an older client cannot read what a newer one writes)."""
    if client < needed:
        raise BackupError(f"{program} is versie {client}, maar er is versie {needed} of nieuwer nodig. Installeer "
                          f"postgresql-client-{needed} (of nieuwer) en zet zo nodig PG_BINDIR op de map met {program}.")


def _conninfo(url: URL) -> str:
    """A libpq connection string for the app's database, without the password (that goes in the
    environment, so it is not visible in the process list)."""
    parts = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database}
    for key, value in url.query.items():
        parts[key] = value[-1] if isinstance(value, tuple) else value
    return " ".join(f"{key}='{_libpq_quote(str(value))}'" for key, value in parts.items() if value is not None)


def _libpq_quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _run(args: list[str], url: URL) -> None:
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = url.password
    result = subprocess.run(args, env=environment, capture_output=True, text=True, check=False)  # nosec B603 # fixed program, argument list, no shell
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} is mislukt (code {result.returncode}): {result.stderr.strip()}")


# --- files -------------------------------------------------------------------------------------

def file_digest(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _digest_or_none(path: Path) -> str | None:
    try:
        return file_digest(path)[0]
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _copy_with_digest(source: Path, destination: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as fin, open(destination, "wb") as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            fout.write(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _files_under(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _inside(folder: Path, relative: str) -> Path:
    """`folder/relative`, refusing a name from a manifest that would point outside `folder`."""
    path = Path(relative)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"Het manifest noemt een bestand buiten de uploadmap: {relative!r}.")
    return folder / path


def _stored_relative(stored_name: str) -> str:
    from .library.files import upload_path

    return upload_path(stored_name).relative_to(_upload_folder()).as_posix()


def _upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def _write_json(path: Path, data: dict[str, Any]) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(partial, path)


# --- SQLite ------------------------------------------------------------------------------------

def _sqlite_path(engine: Engine) -> Path:
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file::memory:"):
        raise BackupError("Een SQLite-database in het geheugen heeft geen back-up; DATABASE_URL moet een bestand noemen.")
    return Path(name)


def _sqlite_engine(path: Path) -> Engine:
    return create_engine(f"sqlite:///{path}", poolclass=NullPool)

