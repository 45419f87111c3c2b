"""Attachments: checked by content (never by extension), size-limited, stored under generated
names in instance/uploads. Their text is read later, outside the request (`extraction.py`).

Zip-based kinds (DOCX, XLSX, PPTX, ODT) are checked for decompression bombs: the number of members,
their declared sizes and compression ratios first (the central directory, nothing unpacked), then
every member is unpacked in chunks, counting what actually comes out, and the check stops at the
first limit passed. A header is never trusted alone: a member that unpacks to more (or, by its
checksum, to other bytes) than it declares is refused as damaged. The limits are settings
(`UPLOAD_ZIP_MAX_ENTRIES`, `UPLOAD_ZIP_MAX_UNPACKED_MB`, `UPLOAD_ZIP_MAX_RATIO`)."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from ..extensions import db

MAX_BYTES = 25 * 1024 * 1024
MB = 1024 * 1024

# Defaults of the zip limits (the settings override them). Real office files stay far below:
# XML compresses about 5-20 times, images not at all.
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNPACKED_MB = 200
ZIP_MAX_RATIO = 100
# Tiny members may compress far better than that (a few KB of spaces); the ratio counts from here.
RATIO_FROM_BYTES = 1 * MB
CHUNK = 64 * 1024
ZIP_KINDS = frozenset({"docx", "xlsx", "pptx", "odt"})

# What we accept, by detected content: (label, MIME type served, file extension we name it by).
ACCEPTED = {
    "pdf": ("PDF", "application/pdf", "pdf"),
    "docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pptx": ("PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
    "odt": ("OpenDocument", "application/vnd.oasis.opendocument.text", "odt"),
    "png": ("PNG", "image/png", "png"),
    "jpg": ("JPG", "image/jpeg", "jpg"),
    "csv": ("CSV", "text/csv", "csv"),
    "txt": ("tekst", "text/plain", "txt"),
}


# The file name extensions people give these kinds; the browser's file picker offers only these.
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "pptx": "pptx", "odt": "odt", "png": "png",
              "jpg": "jpg", "jpeg": "jpg", "csv": "csv", "txt": "txt"}
ACCEPT_ATTRIBUTE = ",".join(f".{extension}" for extension in EXTENSIONS)


class FileRejected(Exception):
    """The file is not one we accept; the message says why, in the user's language."""


@dataclass
class CheckedFile:
    kind: str
    content_type: str
    safe_name: str
    data: bytes


@dataclass(frozen=True)
class ZipLimits:
    entries: int = ZIP_MAX_ENTRIES
    unpacked_bytes: int = ZIP_MAX_UNPACKED_MB * MB
    ratio: int = ZIP_MAX_RATIO

    @classmethod
    def from_config(cls) -> ZipLimits:
        if not has_app_context():
            return cls()
        config = current_app.config
        return cls(entries=int(config.get("UPLOAD_ZIP_MAX_ENTRIES", ZIP_MAX_ENTRIES)),
                   unpacked_bytes=int(config.get("UPLOAD_ZIP_MAX_UNPACKED_MB", ZIP_MAX_UNPACKED_MB)) * MB,
                   ratio=int(config.get("UPLOAD_ZIP_MAX_RATIO", ZIP_MAX_RATIO)))


# What zipfile raises for a file that is not a readable zip: a truncated or forged directory
# (BadZipFile), an unsupported compression method (NotImplementedError), sizes past ZIP64 limits.
# tests/library/test_hostile_uploads.py refuses a cut, an unknown-method and a lying docx.
UNREADABLE_ZIP = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError)


def _entry_count(data: bytes) -> int | None:
    """The number of members the end of the archive announces, read before the directory is parsed
    (a 25 MB zip can hold hundreds of thousands of empty members, each an object in memory)."""
    try:  # zipfile's own reader of the end record (zip64 too): private, but what ZipFile itself calls
        end = zipfile._EndRecData(io.BytesIO(data))
    except (OSError, struct.error):
        return None
    return None if end is None else int(end[zipfile._ECD_ENTRIES_TOTAL])


def _office_kind(archive: zipfile.ZipFile) -> str | None:
    """OOXML and ODF are zip files; look at what is inside, not at the name. Reads the directory and
    at most the first bytes of an ODF `mimetype` member, nothing else."""
    names = set(archive.namelist())
    if "mimetype" in names:
        with archive.open("mimetype") as member:
            mimetype = member.read(100).decode("ascii", "ignore").strip()
        return "odt" if mimetype == "application/vnd.oasis.opendocument.text" else None
    if "[Content_Types].xml" in names:
        for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(n.startswith(prefix) for n in names):
                return kind
    return None


def _zip_kind(data: bytes, filename: str) -> str | None:
    limits = ZipLimits.from_config()
    if (_entry_count(data) or 0) > limits.entries:
        raise _Refuse.too_many(filename, limits)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _office_kind(archive)
    except UNREADABLE_ZIP:  # not a zip we can read: then it is no office document either
        return None


class _Refuse:
    """The messages of the zip check, in the user's language."""

    @staticmethod
    def too_big(name: str, limits: ZipLimits) -> FileRejected:
        return FileRejected(_("‘%(name)s’ wordt uitgepakt groter dan %(limit)s MB. Zo'n bestand nemen we niet aan: "
                              "verklein het (bijvoorbeeld door afbeeldingen te comprimeren) of splits het op.",
                              name=name, limit=limits.unpacked_bytes // MB))

    @staticmethod
    def too_many(name: str, limits: ZipLimits) -> FileRejected:
        return FileRejected(_("‘%(name)s’ bestaat uit meer dan %(limit)s losse onderdelen. Zo'n bestand nemen we "
                              "niet aan: splits het op, of kies een ander bestand.", name=name, limit=limits.entries))

    @staticmethod
    def packed(name: str, limits: ZipLimits) -> FileRejected:
        return FileRejected(_("‘%(name)s’ is verdacht sterk ingepakt: uitgepakt wordt een deel ervan meer dan "
                              "%(ratio)s keer zo groot. Zo'n bestand nemen we niet aan; sla het opnieuw op vanuit "
                              "het programma waarmee je het maakte, of kies een ander bestand.",
                              name=name, ratio=limits.ratio))

    @staticmethod
    def damaged(name: str) -> FileRejected:
        return FileRejected(_("‘%(name)s’ is beschadigd: de inhoud klopt niet met wat het bestand over zichzelf "
                              "zegt. Sla het opnieuw op, of kies een ander bestand.", name=name))


def check_archive(data: bytes, name: str, limits: ZipLimits, *, unpack: bool = True) -> None:
    """Refuse a zip-based file that unpacks to too much: by what its directory declares, then (with
    `unpack`) by what its members actually unpack to, read in chunks and stopped at the first limit
    passed."""
    count = _entry_count(data)
    if count is not None and count > limits.entries:
        raise _Refuse.too_many(name, limits)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > limits.entries:
                raise _Refuse.too_many(name, limits)
            if sum(m.compress_size for m in members) > len(data):
                raise _Refuse.damaged(name)
            if sum(m.file_size for m in members) > limits.unpacked_bytes:
                raise _Refuse.too_big(name, limits)
            for member in members:
                if member.file_size > RATIO_FROM_BYTES and member.file_size > member.compress_size * limits.ratio:
                    raise _Refuse.packed(name, limits)
            if not unpack:
                return
            unpacked = 0
            for member in members:
                if member.is_dir():
                    continue
                allowed = max(RATIO_FROM_BYTES, member.compress_size * limits.ratio)
                size = 0
                with archive.open(member) as stream:
                    while chunk := stream.read(CHUNK):
                        size += len(chunk)
                        unpacked += len(chunk)
                        if size > member.file_size:
                            raise _Refuse.damaged(name)
                        if unpacked > limits.unpacked_bytes:
                            raise _Refuse.too_big(name, limits)
                        if size > allowed:
                            raise _Refuse.packed(name, limits)
                if size != member.file_size:
                    raise _Refuse.damaged(name)
    except FileRejected:
        raise
    except (*UNREADABLE_ZIP, RuntimeError, zlib.error) as exc:  # a broken stream, a bad checksum, encryption
        raise _Refuse.damaged(name) from exc


def _is_text(data: bytes) -> bool:
    """UTF-8 (or Windows-1252) text without NUL or other control characters."""
    sample = data[:65536]
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if len(data) > len(sample) and exc.start >= len(sample) - 3:
            text = sample[: exc.start].decode("utf-8")  # the sample cut a character in two
        else:
            text = sample.decode("cp1252", errors="replace")
    return not any(ord(c) < 32 and c not in "\r\n\t\f" for c in text)


def detect(data: bytes, filename: str) -> str | None:
    guess = filetype.guess(data[:8192])
    if guess is not None:
        if guess.extension == "pdf":
            return "pdf"
        if guess.extension == "png":
            return "png"
        if guess.extension == "jpg":
            return "jpg"
        if guess.extension in ("zip", "docx", "xlsx", "pptx", "odt"):
            return _zip_kind(data, filename)
        return None
    if _is_text(data):
        return "csv" if filename.lower().endswith(".csv") else "txt"
    return None


def _named_kind(filename: str) -> str | None:
    return EXTENSIONS.get(Path(filename).suffix.lower().lstrip("."))


def renamed_note(data: bytes, filename: str) -> str | None:
    """When a file's content is another accepted kind than its name says, the note that tells the
    person it is kept under a name that fits its content (the content decides, never the name)."""
    kind, named = detect(data, filename), _named_kind(filename)
    if kind is None or named is None or kind == named or {kind, named} <= {"csv", "txt"}:
        return None
    return _("‘%(name)s’ is eigenlijk een %(actual)s-bestand; het staat bij de bijlagen als ‘%(safe)s’.",
             name=filename, actual=ACCEPTED[kind][0], safe=safe_filename(filename, ACCEPTED[kind][2]))


def safe_filename(name: str, extension: str) -> str:
    """A download name without paths or odd characters, ending in the detected type."""
    base = unicodedata.normalize("NFKD", Path(name.replace("\\", "/")).name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "", base.rsplit(".", 1)[0]).strip(" .-_")[:100] or "bijlage"
    return f"{stem}.{extension}"


def check(data: bytes, filename: str) -> CheckedFile:
    """Accept a file by its content and size, or raise FileRejected with a clear message."""
    if len(data) == 0:
        raise FileRejected(_("Het bestand ‘%(name)s’ is leeg.", name=filename))
    if len(data) > MAX_BYTES:
        raise FileRejected(_("Het bestand ‘%(name)s’ is %(size)s MB; het mag hoogstens 25 MB zijn.",
                             name=filename, size=f"{len(data) / 1024 / 1024:.1f}".replace(".", ",")))
    limits = ZipLimits.from_config()
    if data[:2] == b"PK":  # a zip, whatever it holds: what it declares is checked before anything is read
        check_archive(data, filename, limits, unpack=False)
    kind = detect(data, filename)
    named = _named_kind(filename)
    if kind is None and named is not None:
        raise FileRejected(_("‘%(name)s’ is geen bestand dat we aannemen: het heet een %(kind)s-bestand, maar de "
                             "inhoud is dat niet (beschadigd of hernoemd?). Sla het opnieuw op als %(kind)s, of kies "
                             "een ander bestand.", name=filename, kind=ACCEPTED[named][0]))
    if kind is None:
        raise FileRejected(_("‘%(name)s’ is geen bestand dat we aannemen. Toegestaan: PDF, Word (DOCX), "
                             "Excel (XLSX), PowerPoint (PPTX), OpenDocument (ODT), PNG, JPG, CSV en tekst.",
                             name=filename))
    if kind in ZIP_KINDS:
        check_archive(data, filename, limits)
    _label, content_type, extension = ACCEPTED[kind]
    return CheckedFile(kind=kind, content_type=content_type, safe_name=safe_filename(filename, extension), data=data)


def store(data: bytes) -> tuple[str, str]:
    """Write under a generated name; returns (stored name, sha256). The file belongs to the current
    transaction: when that is rolled back (or ends without a commit), the file is removed again."""
    name = secrets.token_hex(20)
    path = upload_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    db.session.info.setdefault(_STORED, []).append(path)
    return name, hashlib.sha256(data).hexdigest()


_STORED = "leernetwerk.stored_files"


@event.listens_for(Session, "after_commit")
def _keep_stored_files(session: Session) -> None:
    session.info.pop(_STORED, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session: Session, transaction: SessionTransaction) -> None:
    """After a rollback, or a session closed without a commit: no row points to these files."""
    if transaction.parent is not None or transaction.nested:
        return
    for path in session.info.pop(_STORED, []):
        path.unlink(missing_ok=True)


def upload_path(stored_name: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{40}", stored_name):
        raise ValueError("not a stored name")
    return Path(current_app.config["UPLOAD_FOLDER"]) / stored_name[:2] / stored_name
