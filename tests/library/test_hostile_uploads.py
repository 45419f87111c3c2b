"""Uploads cannot take the service down: zip bombs are refused by what they declare and by what they
actually unpack to, and a file's text is read outside the request, in a subprocess that is stopped
at its time and memory limits (docs/architecture.md, rule R19)."""

from __future__ import annotations

import io
import struct
import threading
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from leernetwerk.database import utcnow
from leernetwerk.library import extraction, files, services
from leernetwerk.library.models import Attachment, Deliverable, ExtractionStatus, TextExtraction
from leernetwerk.library.queries import LibraryQuery, search_library

from . import hostile
from .helpers import Team, make_docx, make_pdf

FORM = {"title": "Afsprakenkaart kraamzorg", "summary": "Wie doet wat na de geboorte.", "kind": "zorgpad",
        "action_line": "na_geboorte", "visibility": "openbaar", "all_of_friesland": "y"}


@pytest.fixture(autouse=True)
def own_upload_folder(app, tmp_path, monkeypatch):
    """The files this test stored, and only those."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


def stored_files(app) -> list[Path]:
    return [p for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file()]


def found(q: str) -> list[str]:
    return [h.entry.title for h in search_library(LibraryQuery.from_args(MultiDict({"q": q})), visible_to_network=True).hits]


def refused(data: bytes, name: str) -> tuple[str, float, int]:
    """Check a file; the refusal's message, the seconds it took and the peak memory it used (bytes)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(files.FileRejected) as refusal:
            files.check(data, name)
        return str(refusal.value), time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- decompression bombs ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gigabyte_bomb() -> bytes:
    return hostile.zip_bomb(1024)  # 1 MB that unpacks to 1 GiB


def test_a_zip_with_a_gigabyte_member_is_refused_without_unpacking_it(gigabyte_bomb):
    assert len(gigabyte_bomb) < 1.1 * hostile.MB
    # As an ODT (its member is called mimetype, which the type check reads), and named as one.
    message, seconds, peak = refused(gigabyte_bomb, "notulen.odt")
    assert message.startswith("‘notulen.odt’ wordt uitgepakt groter dan 200 MB.")
    assert seconds < 2 and peak < 10 * hostile.MB


def test_a_docx_holding_200_mb_of_xml_is_refused_quickly():
    bomb = hostile.docx_bomb(200)
    assert len(bomb) < 0.7 * hostile.MB
    message, seconds, peak = refused(bomb, "verslag.docx")
    assert "is verdacht sterk ingepakt" in message and "meer dan 100 keer zo groot" in message
    assert seconds < 2 and peak < 10 * hostile.MB


def test_a_member_that_unpacks_to_more_than_its_header_says_is_refused_as_damaged():
    """The header says 900 KB; the stream inflates to 300 MB. Reading stops at what was declared."""
    liar = hostile.lying_docx(real_mb=300, declared_bytes=900_000)
    message, seconds, peak = refused(liar, "verslag.docx")
    assert message.startswith("‘verslag.docx’ is beschadigd: de inhoud klopt niet")
    assert seconds < 2 and peak < 10 * hostile.MB


def _with_compression_method(data: bytes, method: int) -> bytes:
    """The zip with every member's compression method (local and central headers) set to `method`."""
    patched = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = patched.find(signature)
        while at != -1:
            patched[at + offset: at + offset + 2] = struct.pack("<H", method)
            at = patched.find(signature, at + 4)
    return bytes(patched)


@pytest.mark.parametrize("damage", ["cut in half", "unknown compression method"])
def test_a_damaged_docx_is_refused_as_damaged_not_an_error(damage):
    """What zipfile raises for these (BadZipFile, NotImplementedError) ends in the Dutch message."""
    docx = hostile.big_docx(1)
    damaged = docx[: len(docx) // 2] if damage == "cut in half" else _with_compression_method(docx, 99)
    assert refused(damaged, "verslag.docx")[0].startswith("‘verslag.docx’ is beschadigd")


def test_a_docx_that_unpacks_past_the_setting_is_refused_and_the_limits_are_settings(app, monkeypatch):
    ordinary = hostile.big_docx(3)  # 3 MB of XML: fine by default...
    assert files.check(ordinary, "verslag.docx").kind == "docx"
    monkeypatch.setitem(app.config, "UPLOAD_ZIP_MAX_UNPACKED_MB", 2)  # ...but not when the limit is 2 MB
    assert refused(ordinary, "verslag.docx")[0].startswith("‘verslag.docx’ wordt uitgepakt groter dan 2 MB.")
    monkeypatch.setitem(app.config, "UPLOAD_ZIP_MAX_UNPACKED_MB", 200)
    monkeypatch.setitem(app.config, "UPLOAD_ZIP_MAX_RATIO", 3)  # it packs about 4.7 times
    assert "meer dan 3 keer zo groot" in refused(ordinary, "verslag.docx")[0]


def test_a_zip_of_thousands_of_members_is_refused_before_its_directory_is_read(app, monkeypatch):
    crowded = hostile.many_members_docx(5001)
    assert "bestaat uit meer dan 5000 losse onderdelen" in refused(crowded, "verslag.docx")[0]
    assert files.check(hostile.many_members_docx(100), "verslag.docx").kind == "docx"


def test_real_office_files_still_pass(app):
    assert files.check(make_docx("Verwijsgids " * 2000), "gids.docx").kind == "docx"


def test_a_bomb_on_the_form_gets_a_dutch_message_keeps_what_was_typed_and_stores_nothing(client, login, app, db):
    team = Team()
    login(team.lead)
    url = f"/werkpakketten/{team.work_package.id}/eindproducten/nieuw"
    started = time.perf_counter()
    response = client.post(url, data={**FORM, "attachments": [(io.BytesIO(hostile.docx_bomb(200)), "kaart.docx")]},
                           content_type="multipart/form-data")
    assert time.perf_counter() - started < 5
    assert response.status_code == 400
    assert "‘kaart.docx’ is verdacht sterk ingepakt" in response.text
    assert 'value="Afsprakenkaart kraamzorg"' in response.text and "Wie doet wat na de geboorte." in response.text
    assert db.session.query(Deliverable).count() == 0 and stored_files(app) == []


# --- text read outside the request ----------------------------------------------------------------

def _upload(client, team, data: bytes, name: str):
    url = f"/werkpakketten/{team.work_package.id}/eindproducten/nieuw"
    started = time.perf_counter()
    response = client.post(url, data={**FORM, "attachments": [(io.BytesIO(data), name)]},
                           content_type="multipart/form-data")
    return response, time.perf_counter() - started


def test_a_pdf_that_keeps_the_reader_busy_is_stopped_at_the_limit_and_shown_unreadable(client, login, app, db,
                                                                                     monkeypatch):
    monkeypatch.setitem(app.config, "EXTRACT_TIME_LIMIT", 2)
    team = Team()
    login(team.lead)
    slow = hostile.slow_pdf()
    assert len(slow) < 30_000  # minutes of work for the parser
    response, seconds = _upload(client, team, slow, "draaiboek.pdf")
    assert response.status_code == 302 and seconds < 2  # the request does not read the text
    manage = response.headers["Location"]
    assert "tekst wordt gelezen" in client.get(manage).text

    started = time.perf_counter()
    assert extraction.run_queue() == {"done": 0, "failed": 1, "retry": 0}
    assert time.perf_counter() - started < 2 * 2 + 3  # stopped at the limit (CPU, or twice that on the clock)
    job = db.session.query(TextExtraction).one()
    assert job.status == ExtractionStatus.FAILED and job.attempts == 1
    page = client.get(manage).text
    assert "tekst niet leesbaar" in page and "tekst wordt gelezen" not in page
    assert "Van een bestand met ‘tekst niet leesbaar’ kon de tekst niet worden gelezen" in page
    attachment = db.session.query(Attachment).one()
    assert client.get(f"/bijlagen/{attachment.id}/{attachment.original_name}").status_code == 200  # still there
    assert extraction.run_queue() == {"done": 0, "failed": 0, "retry": 0}  # not tried again


def test_a_file_that_needs_more_memory_than_allowed_is_unreadable(tmp_path):
    path = tmp_path / "groot.docx"
    path.write_bytes(make_docx("Zorgpad " * 200_000))
    outcome = extraction.run_worker("docx", path, time_limit=20, memory_mb=40)
    assert outcome.text is None and outcome.error  # lxml's allocation failed (an XMLSyntaxError or MemoryError)
    assert "Zorgpad Zorgpad" in extraction.run_worker("docx", path, time_limit=20, memory_mb=512).text


def test_pdf_and_docx_text_becomes_searchable_when_the_job_has_run(client, login, app, db):
    team = Team()
    version = team.publish("Warme overdracht", uploads=[
        (make_pdf("Afspraken over de warme overdracht naar de kraamzorg"), "afspraken.pdf"),
        (make_docx("Verwijsgids schuldhulpverlening"), "gids.docx")])
    login(team.lead)
    page = client.get(f"/eindproducten/{version.deliverable_id}").text
    assert page.count("tekst wordt gelezen") == 2
    assert found("kraamzorg") == [] and found("schuldhulpverlening") == []
    result = app.test_cli_runner().invoke(args=["library", "extract"])
    assert result.output.strip() == "bijlagen gelezen: 2, niet leesbaar: 0, later opnieuw: 0"
    assert found("kraamzorg") == ["Warme overdracht"] and found("schuldhulpverlening") == ["Warme overdracht"]
    page = client.get(f"/eindproducten/{version.deliverable_id}").text
    assert "tekst wordt gelezen" not in page and "tekst niet leesbaar" not in page

    # A new version copies the text it already has; nothing is queued again.
    draft = services.new_version(team.lead, version.deliverable)
    db.session.commit()
    assert sorted(a.extracted_text[:9] for a in draft.attachments) == ["Afspraken", "Verwijsgi"]
    assert db.session.query(TextExtraction).filter_by(status=ExtractionStatus.PENDING).count() == 0


def test_a_new_version_made_while_the_text_is_being_read_gets_it_read_too(db):
    team = Team()
    version = team.publish("Zorgpad", uploads=[(make_pdf("Kraamzorg na de bevalling"), "zorgpad.pdf")])
    draft = services.new_version(team.lead, version.deliverable)
    db.session.commit()
    assert extraction.run_queue()["done"] == 2
    assert [a.extracted_text for a in draft.attachments] == ["Kraamzorg na de bevalling"]


def test_a_run_that_crashed_is_taken_over_after_its_lease_and_given_up_after_three_tries(db):
    team = Team()
    team.draft("Zorgpad", uploads=[(make_pdf("Kraamzorg"), "zorgpad.pdf")])
    job = db.session.query(TextExtraction).one()
    job.status, job.attempts, job.next_attempt_at = ExtractionStatus.RUNNING, 1, utcnow() + timedelta(minutes=5)
    db.session.commit()
    assert extraction.run_queue()["done"] == 0  # still leased to the run that holds it
    job.next_attempt_at = utcnow() - timedelta(seconds=1)  # the lease ran out: that run died
    db.session.commit()
    assert extraction.run_queue()["done"] == 1
    db.session.refresh(job)
    assert job.status == ExtractionStatus.DONE and job.attempts == 2

    job.status, job.attempts, job.next_attempt_at = ExtractionStatus.RUNNING, 3, utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert extraction.run_queue() == {"done": 0, "failed": 0, "retry": 0}
    db.session.refresh(job)
    assert job.status == ExtractionStatus.FAILED and "gave up after 3 attempts" in job.last_error


def test_two_runs_at_once_read_each_file_once(app, db):
    """Two drainers (a scheduler and someone running the command) never claim the same row."""
    team = Team()
    team.draft("Zorgpad", uploads=[(make_pdf(f"Kraamzorg {n}"), f"zorgpad-{n}.pdf") for n in range(4)])
    results = []

    def drain() -> None:
        with app.app_context():
            results.append(extraction.run_queue())
            db.session.remove()

    runs = [threading.Thread(target=drain) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=120)
    assert sum(r["done"] for r in results) == 4 and len(results) == 2
    jobs = db.session.query(TextExtraction).all()
    assert {j.status for j in jobs} == {ExtractionStatus.DONE} and {j.attempts for j in jobs} == {1}


def test_a_worker_that_cannot_start_is_retried_later(db, monkeypatch):
    team = Team()
    team.draft("Zorgpad", uploads=[(make_pdf("Kraamzorg"), "zorgpad.pdf")])

    def no_processes(*args, **kwargs):
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(extraction.subprocess, "run", no_processes)
    assert extraction.run_queue() == {"done": 0, "failed": 0, "retry": 1}
    job = db.session.query(TextExtraction).one()
    assert job.status == ExtractionStatus.PENDING and job.next_attempt_at > utcnow()
    assert "did not start" in job.last_error


# --- no file left behind --------------------------------------------------------------------------

def test_a_stored_file_is_removed_when_its_transaction_rolls_back(app, db):
    team = Team()
    services.create_deliverable(team.lead, team.work_package, title="Zorgpad", summary="", body="", kind="zorgpad",
                                action_line="na_geboorte", audiences=[], municipalities=[], all_of_friesland=True,
                                visibility="openbaar", uploads=[(make_pdf("a"), "a.pdf"), (make_pdf("b"), "b.pdf")])
    assert len(stored_files(app)) == 2
    db.session.rollback()
    assert stored_files(app) == []
    team.draft("Bewaard", uploads=[(make_pdf("c"), "c.pdf")])  # committed: kept
    assert len(stored_files(app)) == 1


def test_a_request_that_fails_after_storing_a_file_leaves_no_file(client, login, app, db, monkeypatch):
    team = Team()
    login(team.lead)

    def broken_audit(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "record", broken_audit)
    with pytest.raises(RuntimeError):
        _upload(client, team, make_pdf("kaart"), "kaart.pdf")
    db.session.rollback()  # what the app context's teardown does after an error
    assert stored_files(app) == [] and db.session.query(Deliverable).count() == 0
