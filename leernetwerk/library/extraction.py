"""Attachment text for search, read outside the request.

Uploading queues a `TextExtraction` row in the upload's transaction (a rolled-back upload queues
nothing). The scheduler's `extract` job, or `flask --app wsgi library extract`, drains the queue
like mail delivery drains the outbox: it claims one due row (on PostgreSQL `FOR UPDATE SKIP
LOCKED`), marks it running with a lease and commits, reads the file in a subprocess
(`extract_worker.py`) under a CPU limit, a memory limit and a wall-clock timeout, and records the
outcome. Text found goes onto the attachment, and into the library's row and search index when
the attachment belongs to the published version. A file the parser cannot read within the limits
is "tekst niet leesbaar" for good (reading it again would fail the same way); a run that could
not start the worker is retried with backoff, and a row left running by a crashed run is taken
over when its lease runs out, at most MAX_ATTEMPTS times.
"""

from __future__ import annotations

import subprocess  # nosec B404 # runs our own extract_worker.py only, as an argument list, no shell
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..database import utcnow
from ..extensions import db
from . import extract_worker, files
from .models import Attachment, Deliverable, DeliverableVersion, ExtractionStatus, TextExtraction

# The kinds whose text we read (the others are images, spreadsheets and slides: no search text).
TEXT_KINDS = frozenset({"pdf", "docx", "txt", "csv"})
MAX_ATTEMPTS = 3
BACKOFF = [timedelta(minutes=m) for m in (1, 5)]
TIME_LIMIT = 60
MEMORY_LIMIT_MB = 512
WORKER = Path(extract_worker.__file__).resolve()


class State:
    """What the author sees beside an attachment."""

    READING = "reading"        # "tekst wordt gelezen"
    UNREADABLE = "unreadable"  # "tekst niet leesbaar"


def queue(attachment: Attachment, kind: str) -> TextExtraction | None:
    """Queue the attachment's text to be read, in the caller's transaction."""
    if kind not in TEXT_KINDS:
        return None
    job = TextExtraction(attachment=attachment, kind=kind, status=ExtractionStatus.PENDING)
    db.session.add(job)
    return job


def copy_states(pairs: list[tuple[Attachment, Attachment]]) -> None:
    """A new version's copies of attachments (old, copy): the text when it was read, else it is read
    again (an unreadable one stays unreadable, without running the parser again). One query."""
    jobs = {job.attachment_id: job for job in db.session.execute(
        select(TextExtraction).where(TextExtraction.attachment_id.in_([old.id for old, _copy in pairs]))).scalars()}
    for old, copy in pairs:
        job = jobs.get(old.id)
        if job is None or job.status == ExtractionStatus.DONE:
            copy.extracted_text = old.extracted_text
        elif job.status == ExtractionStatus.FAILED:
            db.session.add(TextExtraction(attachment=copy, kind=job.kind, status=ExtractionStatus.FAILED,
                                          last_error=job.last_error, finished_at=utcnow()))
        else:
            db.session.add(TextExtraction(attachment=copy, kind=job.kind, status=ExtractionStatus.PENDING))


def states(attachment_ids: list[int]) -> dict[int, str]:
    """Attachment id -> State, for the attachments whose text is not (yet) there; one query."""
    if not attachment_ids:
        return {}
    rows = db.session.execute(
        select(TextExtraction.attachment_id, TextExtraction.status)
        .where(TextExtraction.attachment_id.in_(attachment_ids), TextExtraction.status != ExtractionStatus.DONE)
    ).tuples()
    return {attachment_id: State.UNREADABLE if status == ExtractionStatus.FAILED else State.READING
            for attachment_id, status in rows}


@dataclass
class Outcome:
    text: str | None = None      # the text read; None when the file was unreadable
    error: str | None = None     # why not
    retry: bool = False          # the worker did not run at all: try again later


def limits() -> tuple[int, int]:
    config = current_app.config
    return int(config.get("EXTRACT_TIME_LIMIT", TIME_LIMIT)), int(config.get("EXTRACT_MEMORY_LIMIT_MB",
                                                                              MEMORY_LIMIT_MB))


def run_worker(kind: str, path: Path, time_limit: int, memory_mb: int) -> Outcome:
    """Read one file in a subprocess: CPU time and address space limited inside it, and killed
    when it takes longer than twice the time limit on the clock (a loaded machine, or sleeping)."""
    command = [sys.executable, "-I", str(WORKER), kind, str(path), str(time_limit), str(memory_mb)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=time_limit * 2, check=False,  # nosec B603 # our interpreter and worker, kind and path chosen by us, no shell
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Outcome(error=f"stopped after {time_limit * 2} s")
    except OSError as exc:
        return Outcome(error=f"worker did not start: {exc}", retry=True)
    if done.returncode == 0:
        return Outcome(text=done.stdout.decode("utf-8", errors="replace"))
    if done.returncode < 0:
        return Outcome(error=f"stopped by signal {-done.returncode} (CPU limit {time_limit} s, memory {memory_mb} MB)")
    reason = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
    return Outcome(error=(reason[-1] if reason else f"exit {done.returncode}")[:2000])


@dataclass
class Claim:
    """Plain values of a claimed row: nothing here touches the session while the worker runs
    (on SQLite that would open a write transaction and hold the database for the whole read)."""

    id: int
    attachment_id: int
    kind: str
    stored_name: str


def claim_next(lease: timedelta) -> Claim | None:
    """Claim the next due row and commit, or None when nothing is due."""
    while True:
        now = utcnow()
        query = (select(TextExtraction)
                 # A RUNNING row whose lease ran out belongs to a run that crashed: take it over.
                 .where(TextExtraction.status.in_([ExtractionStatus.PENDING, ExtractionStatus.RUNNING]),
                        TextExtraction.next_attempt_at <= now)
                 .order_by(TextExtraction.id).limit(1))
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        job = db.session.execute(query).scalar_one_or_none()
        if job is None:
            db.session.commit()
            return None
        if job.attempts >= MAX_ATTEMPTS:
            job.status, job.finished_at = ExtractionStatus.FAILED, now
            job.last_error = (job.last_error or "") + f" (gave up after {job.attempts} attempts)"
            db.session.commit()
            continue
        stored_name = db.session.execute(
            select(Attachment.stored_name).where(Attachment.id == job.attachment_id)).scalar_one()
        job.status, job.attempts, job.next_attempt_at = ExtractionStatus.RUNNING, job.attempts + 1, now + lease
        claim = Claim(id=job.id, attachment_id=job.attachment_id, kind=job.kind, stored_name=stored_name)
        db.session.commit()
        return claim


def finish(claim: Claim, outcome: Outcome) -> str:
    """Record the outcome in one transaction; returns "done", "failed" or "retry"."""
    from .services import refresh_entry

    job = db.session.get(TextExtraction, claim.id)
    now = utcnow()
    if outcome.retry and job.attempts < MAX_ATTEMPTS:
        job.status, job.last_error = ExtractionStatus.PENDING, outcome.error
        job.next_attempt_at = now + BACKOFF[min(job.attempts - 1, len(BACKOFF) - 1)]
        db.session.commit()
        return "retry"
    if outcome.text is None:
        job.status, job.last_error, job.finished_at = ExtractionStatus.FAILED, outcome.error, now
        db.session.commit()
        current_app.logger.warning("attachment %s: text not readable (%s)", claim.attachment_id, outcome.error)
        return "failed"
    # Lock the end product first, so a publication at the same moment either sees this text or is
    # seen by the check below (publish changes the same row).
    deliverable_id = db.session.execute(
        select(DeliverableVersion.deliverable_id).join(Attachment, Attachment.version_id == DeliverableVersion.id)
        .where(Attachment.id == claim.attachment_id)).scalar_one()
    lock = select(Deliverable.id).where(Deliverable.id == deliverable_id)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(lock.with_for_update())  # the row only: its eager joins cannot be locked
    deliverable = db.session.get(Deliverable, deliverable_id, populate_existing=True)
    attachment = db.session.get(Attachment, claim.attachment_id)
    attachment.extracted_text = outcome.text
    job.status, job.last_error, job.finished_at = ExtractionStatus.DONE, None, now
    db.session.flush()
    if (deliverable.published_version_id == attachment.version_id and deliverable.withdrawn_at is None
            and attachment.removed_at is None):
        db.session.expire(deliverable.published_version, ["attachments"])
        refresh_entry(deliverable)
    db.session.commit()
    return "done"


def run_queue(limit: int | None = None) -> dict[str, int]:
    """Read the text of every due attachment (at most `limit`), one at a time, committing each."""
    time_limit, memory_mb = limits()
    lease = timedelta(seconds=time_limit * 2 + 60)
    counts = {"done": 0, "failed": 0, "retry": 0}
    while limit is None or sum(counts.values()) < limit:
        claim = claim_next(lease)
        if claim is None:
            break
        path = files.upload_path(claim.stored_name)
        if path.is_file():
            outcome = run_worker(claim.kind, path, time_limit, memory_mb)
        else:
            outcome = Outcome(error="file missing")
        counts[finish(claim, outcome)] += 1
    return counts
