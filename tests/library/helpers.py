"""Build end products and real attachment files for library tests."""

from __future__ import annotations

import io

from leernetwerk.extensions import db
from leernetwerk.library import services
from leernetwerk.rounds.models import MemberRole
from tests import factories


def make_pdf(text: str) -> bytes:
    """A minimal, valid one-page PDF whose text pypdf can extract."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
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
    """A running table with a lead, its liaison and a staff member, ready to make end products."""

    def __init__(self, theme: str = "Kwetsbare zwangeren") -> None:
        self.lead = factories.user(name="Kartrekker")
        self.staff = factories.user(staff=True, name="ROS")
        self.table = factories.table(members=[(self.lead, MemberRole.LEAD)])
        self.table.theme = theme
        self.liaison = self.table.liaison
        self.work_package = factories.work_package(self.table)
        db.session.commit()

    def draft(self, title: str, *, summary: str = "Samenvatting", body: str = "", kind: str = "zorgpad",
              visibility: str = "openbaar", audiences=("verloskundigen",), municipalities=(),
              uploads=()):
        version = services.create_deliverable(
            self.lead, self.work_package, title=title, summary=summary, body=body, kind=kind,
            action_line="tijdens_zwangerschap", audiences=list(audiences), municipalities=list(municipalities),
            all_of_friesland=not municipalities, visibility=visibility, uploads=list(uploads))
        db.session.commit()
        return version

    def publish(self, title: str, **kwargs):
        version = self.draft(title, **kwargs)
        services.submit_for_review(self.lead, version)
        services.review(self.liaison, version, approve=True, comment="")
        services.publish(self.staff, version)
        db.session.commit()
        return version
