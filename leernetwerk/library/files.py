"""Attachments: checked by content (never by extension), size-limited, stored under generated
names in instance/uploads, with their text extracted for search (PDF, DOCX)."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app
from flask_babel import gettext as _

MAX_BYTES = 25 * 1024 * 1024
MAX_TEXT = 500_000

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


def _office_kind(data: bytes) -> str | None:
    """OOXML and ODF are zip files; look at what is inside, not at the name."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "ignore").strip()
                return "odt" if mimetype == "application/vnd.oasis.opendocument.text" else None
            if "[Content_Types].xml" in names:
                for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
                    if any(n.startswith(prefix) for n in names):
                        return kind
    except zipfile.BadZipFile:
        return None
    return None


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
            return _office_kind(data)
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
    _label, content_type, extension = ACCEPTED[kind]
    return CheckedFile(kind=kind, content_type=content_type, safe_name=safe_filename(filename, extension), data=data)


def store(data: bytes) -> tuple[str, str]:
    """Write under a generated name; returns (stored name, sha256)."""
    name = secrets.token_hex(20)
    path = upload_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return name, hashlib.sha256(data).hexdigest()


def upload_path(stored_name: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{40}", stored_name):
        raise ValueError("not a stored name")
    return Path(current_app.config["UPLOAD_FOLDER"]) / stored_name[:2] / stored_name


def extract_text(kind: str, data: bytes) -> str:
    """Text inside PDF and DOCX files (and plain text), for the search index. Never raises."""
    try:
        if kind == "pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            parts, size = [], 0
            for page in reader.pages:
                piece = page.extract_text() or ""
                parts.append(piece)
                size += len(piece)
                if size > MAX_TEXT:
                    break
            text = "\n".join(parts)
        elif kind == "docx":
            import docx

            document = docx.Document(io.BytesIO(data))
            parts = [p.text for p in document.paragraphs]
            for table in document.tables:
                for row in table.rows:
                    parts.extend(cell.text for cell in row.cells)
            text = "\n".join(parts)
        elif kind in ("txt", "csv"):
            text = data.decode("utf-8", errors="replace")
        else:
            return ""
    except Exception:  # noqa: BLE001 - a broken file still uploads; it just adds no search text
        current_app.logger.warning("text extraction failed for a %s attachment", kind)
        return ""
    return re.sub(r"\s+", " ", text).strip()[:MAX_TEXT]
