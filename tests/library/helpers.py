"""Build end products and real attachment files for library tests."""

from __future__ import annotations

import io
import zlib

from leernetwerk.library.models import VersionStatus
from leernetwerk.rounds.models import MemberRole
from tests import factories


def make_pdf(text: str) -> bytes:
    """A minimal, valid one-page PDF whose text pypdf can extract."""
    return pdf_document(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1"))


def pdf_document(content: bytes, *, flate: bool = False) -> bytes:
    """A one-page PDF (Helvetica) whose page draws the content stream `content`, packed with
    FlateDecode when `flate`."""
    stream, packing = (zlib.compress(content, 9), b" /Filter /FlateDecode") if flate else (content, b"")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + packing + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class Team:
    """A running table with a kartrekker, its liaison and a staff member, ready to make end products."""

    def __init__(self, theme: str = "Kwetsbare zwangeren") -> None:
        with factories.one_commit():
            self.lead = factories.make_user(name="Kartrekker")
            self.staff = factories.make_user(staff=True, name="ROS")
            self.table = factories.make_table(self.staff, theme=theme, members=[(self.lead, MemberRole.LEAD)])
            self.liaison = self.table.liaison
            self.work_package = factories.make_work_package(self.staff, self.table)

    def draft(self, title: str, **content):
        """A draft end product of the table, made by its kartrekker (content as make_deliverable)."""
        return factories.make_deliverable(self.lead, self.work_package, title=title, **content)

    def publish(self, title: str, **content):
        """Made, approved by the liaison and published by staff."""
        return factories.make_deliverable(self.lead, self.work_package, title=title, status=VersionStatus.PUBLISHED,
                                          publisher=self.staff, **content)
