"""Hostile files built in the test: zip bombs (plain, DOCX, lying headers) and a PDF that keeps a
text extractor busy. Built fast: a deflate block of one repeated chunk is made once and written many
times (each block ends in a full flush, so every copy is the same bytes), and the zip is written by
hand so that its headers can say what a test wants them to say."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from .helpers import pdf_document

MB = 1024 * 1024
CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                 b'2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')


@dataclass
class Member:
    name: str
    packed: bytes  # raw deflate
    crc: int
    size: int  # what it really unpacks to
    declared_size: int | None = None  # what the headers say (a lie when it differs)


def repeated(name: str, chunk: bytes, times: int, prefix: bytes = b"", suffix: bytes = b"") -> Member:
    """A member that unpacks to prefix + chunk * times + suffix, packed without packing all of it."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(prefix) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    assert again == block  # a full flush forgets the history: every copy of the block is the same
    tail = packer.compress(suffix) + packer.flush()
    crc = zlib.crc32(prefix)
    for _ in range(times + 1):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    return Member(name, head + block * (times + 1) + tail, crc, len(prefix) + len(chunk) * (times + 1) + len(suffix))


def plain(name: str, data: bytes) -> Member:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Member(name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def build_zip(members: list[Member]) -> bytes:
    out = io.BytesIO()
    central = []
    for m in members:
        offset, name = out.tell(), m.name.encode()
        declared = m.size if m.declared_size is None else m.declared_size
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 33, m.crc, len(m.packed), declared,
                              len(name), 0) + name + m.packed)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 33, m.crc, len(m.packed),
                                   declared, len(name), 0, 0, 0, 0, 0, offset) + name)
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), out.tell() - start, start, 0))
    return out.getvalue()


def zip_bomb(unpacked_mb: int = 1024, name: str = "mimetype") -> bytes:
    """A small zip with one member of `unpacked_mb` MB of zeros (about 1 KB packed per MB)."""
    return build_zip([repeated(name, b"\0" * MB, unpacked_mb - 1)])


PARAGRAPH = b"<w:p><w:r><w:t>Zorgpad kwetsbare zwangeren</w:t></w:r></w:p>"


def docx_bomb(unpacked_mb: int = 200) -> bytes:
    """A DOCX whose word/document.xml is `unpacked_mb` million bytes of paragraphs."""
    chunk = PARAGRAPH * (1_000_000 // len(PARAGRAPH))
    times = unpacked_mb * 1_000_000 // len(chunk) - 1
    document = repeated("word/document.xml", chunk, times,
                        prefix=b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                               b'wordprocessingml/2006/main"><w:body>', suffix=b"</w:body></w:document>")
    return build_zip([plain("[Content_Types].xml", CONTENT_TYPES), document])


def lying_docx(real_mb: int = 300, declared_bytes: int = 900_000) -> bytes:
    """A DOCX whose word/document.xml says it unpacks to under a megabyte, but unpacks to `real_mb` MB."""
    document = repeated("word/document.xml", b" " * MB, real_mb - 1)
    document.declared_size = declared_bytes
    return build_zip([plain("[Content_Types].xml", CONTENT_TYPES), document])


def many_members_docx(count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", b"<w:document/>")
        for n in range(count):
            archive.writestr(f"word/media/{n}.xml", b"")
    return out.getvalue()


def slow_pdf(operators: int = 1_000_000) -> bytes:
    """A small PDF whose one page draws `operators` one-letter texts: pypdf's text extraction takes
    about a second per 10,000 on this machine, so a million keeps it busy for minutes."""
    content = b"BT /F1 12 Tf 72 720 Td " + b"(a) Tj 1 0 Td " * operators + b"ET"
    return pdf_document(content, flate=True)


def big_docx(unpacked_mb: int) -> bytes:
    """An honest DOCX with about `unpacked_mb` million bytes of varied XML (packs some 5 times)."""
    import random

    words = ["zorgpad", "kraamzorg", "verloskundige", "wijkteam", "gemeente", "huisbezoek", "schuldhulp", "taal"]
    picker = random.Random(7)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w") as document:
            written = 0
            while written < unpacked_mb * 1_000_000:
                line = " ".join(f"{picker.choice(words)}{picker.randrange(10_000)}" for _ in range(12))
                piece = f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>".encode()
                document.write(piece)
                written += len(piece)
    return out.getvalue()
