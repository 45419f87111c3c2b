"""Read the text of one attachment in a process of its own, under resource limits.

    python -I leernetwerk/library/extract_worker.py KIND PATH CPU_SECONDS MEMORY_MB

prints the text (UTF-8) and exits 0, or exits non-zero with the reason on stderr. The limits are
set here, before any parser runs: RLIMIT_CPU (the kernel stops a parser that loops) and RLIMIT_AS
(an allocation past the limit fails with MemoryError). The caller adds a wall-clock timeout.

This file imports nothing of the application (it is run by path, so starting it costs only the
parser's import), and the parsers' exceptions never reach the caller's process.
"""

from __future__ import annotations

import io
import re
import resource
import sys

MAX_TEXT = 500_000
EXIT_UNREADABLE = 3
EXIT_MEMORY = 4


def limit(cpu_seconds: int, memory_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def extract(kind: str, data: bytes) -> str:
    """The searchable text of a PDF, DOCX or plain-text file, at most MAX_TEXT characters."""
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
        text = data[: MAX_TEXT * 4].decode("utf-8", errors="replace")
    else:
        return ""
    return re.sub(r"\s+", " ", text).strip()[:MAX_TEXT]


def main(argv: list[str]) -> int:
    kind, path, cpu_seconds, memory_mb = argv[0], argv[1], int(argv[2]), int(argv[3])
    limit(cpu_seconds, memory_mb)
    try:
        with open(path, "rb") as handle:
            text = extract(kind, handle.read())
    except MemoryError:
        sys.stderr.write(f"memory limit of {memory_mb} MB reached\n")
        return EXIT_MEMORY
    except Exception as exc:  # noqa: BLE001 - any parser error means: no text from this file
        sys.stderr.write(f"{type(exc).__name__}: {exc}"[:1000] + "\n")
        return EXIT_UNREADABLE
    sys.stdout.buffer.write(text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
