"""End products' life cycle: draft → in review → approved → published (→ withdrawn).

A published version never changes: editing it starts a new version, the old one stays readable.
Only staff publish; the table's liaison (or staff) approves. Each function raises LibraryError
with a message for the user when a rule is broken.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select

from .. import signals
from ..audit import record
from ..auth.models import User
from ..database import insert_or_ignore, utcnow
from ..errors import DomainError
from ..extensions import db
from ..rounds.models import WorkPackage
from ..text import slugify
from ..versioning import check_version, conflict_with
from . import extraction, files, generation, search
from .models import (
    Attachment,
    Audience,
    Deliverable,
    DeliverableKind,
    DeliverableVersion,
    Follow,
    FollowFacet,
    LibraryEntry,
    Review,
    ReviewDecision,
    VersionStatus,
    Visibility,
    entry_audiences,
    entry_municipalities,
    version_audiences,
)
from .text import index_parts, index_text, join_blocks, plain, words

CONTENT_FIELDS = ["title", "summary", "body", "kind", "action_line", "visibility", "all_of_friesland"]
EDITABLE = (VersionStatus.DRAFT,)


class LibraryError(DomainError):
    """A broken rule of the end-product life cycle; the message is for the user."""


def audiences_of(version: DeliverableVersion) -> list[str]:
    return list(db.session.execute(
        select(version_audiences.c.audience).where(version_audiences.c.version_id == version.id)
        .order_by(version_audiences.c.audience)
    ).scalars())


def _set_audiences(version: DeliverableVersion, audiences: list[str]) -> None:
    valid = {a.value for a in Audience}
    db.session.execute(delete(version_audiences).where(version_audiences.c.version_id == version.id))
    rows = [{"version_id": version.id, "audience": a} for a in dict.fromkeys(audiences) if a in valid]
    if rows:
        db.session.execute(insert(version_audiences), rows)


# Paths under /bibliotheek/ that are not end products.
RESERVED_SLUGS = frozenset({"volgen", "feed-atom"})


def _new_deliverable(by: User, wp: WorkPackage, title: str) -> Deliverable:
    """A new end product under a slug no other one has. The slug is claimed with INSERT … ON
    CONFLICT DO NOTHING: when a concurrent save of the same title took it first (PostgreSQL
    waits for that save to commit), the next free one is taken, so both are saved."""
    for _attempt in range(20):
        claimed = db.session.execute(
            insert_or_ignore(Deliverable.__table__)
            .values(slug=_unique_slug(title), work_package_id=wp.id, created_by_id=by.id, created_at=utcnow())
            .returning(Deliverable.__table__.c.id)
        ).scalar_one_or_none()
        if claimed is not None:
            return db.session.get(Deliverable, claimed)
    raise LibraryError(_("Het lukte niet om het eindproduct op te slaan. Probeer het opnieuw."))


def _unique_slug(title: str) -> str:
    base = slugify(title, 200)
    taken = set(db.session.execute(
        select(Deliverable.slug).where(Deliverable.slug.like(f"{base}%"))
    ).scalars()) | RESERVED_SLUGS
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_content(title: str, kind: str, action_line: str, visibility: str) -> None:
    if not title.strip():
        raise LibraryError(_("Geef het eindproduct een titel."), "title")
    if kind not in {k.value for k in DeliverableKind}:
        raise LibraryError(_("Kies een soort eindproduct."), "kind")
    if visibility not in {v.value for v in Visibility}:
        raise LibraryError(_("Kies openbaar of alleen voor het netwerk."), "visibility")


Upload = tuple[bytes, str]


def _check_uploads(uploads: list[Upload]) -> list[files.CheckedFile]:
    """Every file is checked before anything is saved, so one bad file changes nothing."""
    try:
        return [files.check(data, name) for data, name in uploads]
    except files.FileRejected as exc:
        raise LibraryError(str(exc), "attachments") from exc


def create_deliverable(by: User, wp: WorkPackage, *, title: str, summary: str, body: str, kind: str,
                       action_line: str, audiences: list[str], municipalities: list, all_of_friesland: bool,
                       visibility: str, uploads: list[Upload] = ()) -> DeliverableVersion:
    """A new end product of a work package starts as a draft, version 1."""
    if wp.table.round.closed_at is not None:
        raise LibraryError(_("Deze ronde is afgesloten; er kunnen geen eindproducten meer bij."))
    _check_content(title, kind, action_line, visibility)
    checked = _check_uploads(list(uploads))
    deliverable = _new_deliverable(by, wp, title)
    version = DeliverableVersion(
        deliverable_id=deliverable.id, number=1, title=title.strip(), summary=summary, body=body, kind=kind,
        action_line=action_line, visibility=visibility, all_of_friesland=all_of_friesland,
        status=VersionStatus.DRAFT, created_by_id=by.id,
    )
    version.municipalities = [] if all_of_friesland else list(municipalities)
    db.session.add(version)
    db.session.flush()
    _set_audiences(version, audiences)
    for item in checked:
        _attach(by, version, item)
    record(by, "deliverable.create", deliverable, after={"title": version.title, "work_package_id": wp.id})
    return version


def latest_version(deliverable: Deliverable) -> DeliverableVersion:
    return db.session.execute(
        select(DeliverableVersion).where(DeliverableVersion.deliverable_id == deliverable.id)
        .order_by(DeliverableVersion.number.desc()).limit(1)
    ).scalar_one()


def update_draft(by: User, version: DeliverableVersion, *, lock_version: int | None, title: str, summary: str,
                 body: str, kind: str, action_line: str, audiences: list[str], municipalities: list,
                 all_of_friesland: bool, visibility: str, uploads: list[Upload] = ()) -> DeliverableVersion:
    """Only a draft changes in place; a version in review, approved or published does not."""
    if version.status not in EDITABLE:
        # Typically submitted for review while this person was still typing: show what they typed
        # beside what was submitted, instead of dropping it.
        if version.status in (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED):
            message = _("Deze versie is %(status)s en verandert niet meer; je wijzigingen zijn niet opgeslagen. "
                        "Maak een nieuwe versie. Hieronder staan beide versies, zodat je niets kwijtraakt.",
                        status=VersionStatus.label_of(version.status).lower())
        else:
            message = _("Deze versie is intussen %(status)s en kan niet meer worden gewijzigd; je wijzigingen zijn "
                        "niet opgeslagen. Hieronder staan beide versies: bewaar wat je nodig hebt en verwerk het "
                        "als het eindproduct wordt teruggestuurd.",
                        status=VersionStatus.label_of(version.status).lower())
        raise conflict_with(version, message)
    check_version(version, lock_version)
    _check_content(title, kind, action_line, visibility)
    checked = _check_uploads(list(uploads))
    before = {f: getattr(version, f) for f in CONTENT_FIELDS}
    version.title, version.summary, version.body = title.strip(), summary, body
    version.kind, version.action_line, version.visibility = kind, action_line, visibility
    version.all_of_friesland = all_of_friesland
    version.municipalities = [] if all_of_friesland else list(municipalities)
    _set_audiences(version, audiences)
    for item in checked:
        _attach(by, version, item)
    db.session.flush()
    record(by, "deliverable.update", version.deliverable, before=before,
           after={f: getattr(version, f) for f in CONTENT_FIELDS})
    return version


def remove_attachment(by: User, attachment: Attachment) -> Attachment:
    """A draft's attachment can be removed; a version in review or published keeps its files. The
    row stays (removed_at), audited; the file is no longer offered or searched."""
    version = attachment.version
    if version.status != VersionStatus.DRAFT:
        raise LibraryError(_("Bijlagen van een versie die %(status)s is, blijven bij die versie.",
                             status=VersionStatus.label_of(version.status).lower()))
    if attachment.removed_at is not None:
        raise LibraryError(_("Deze bijlage is al verwijderd."))
    attachment.removed_at, attachment.removed_by_id = utcnow(), by.id
    db.session.flush()
    db.session.expire(version, ["attachments"])  # the list of live attachments is read anew
    record(by, "deliverable.attachment_remove", version.deliverable,
           after={"version": version.number, "name": attachment.original_name})
    return attachment


def _attach(by: User, version: DeliverableVersion, checked: files.CheckedFile) -> Attachment:
    """Stored under a generated name (removed again if the transaction rolls back); its text is read
    for search outside the request (`extraction`), so a hostile file cannot hold up the request."""
    stored_name, digest = files.store(checked.data)
    attachment = Attachment(
        version_id=version.id, original_name=checked.safe_name, stored_name=stored_name,
        content_type=checked.content_type, size_bytes=len(checked.data), sha256=digest, extracted_text="",
        uploaded_by_id=by.id,
    )
    db.session.add(attachment)
    extraction.queue(attachment, checked.kind)
    return attachment


def new_version(by: User, deliverable: Deliverable) -> DeliverableVersion:
    """Editing a published end product: a new draft copied from the latest version."""
    current = latest_version(deliverable)
    if current.status in (VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.APPROVED):
        return current
    draft = DeliverableVersion(
        deliverable_id=deliverable.id, number=current.number + 1, title=current.title, summary=current.summary,
        body=current.body, kind=current.kind, action_line=current.action_line, visibility=current.visibility,
        all_of_friesland=current.all_of_friesland, status=VersionStatus.DRAFT, created_by_id=by.id,
    )
    draft.municipalities = list(current.municipalities)
    db.session.add(draft)
    db.session.flush()
    _set_audiences(draft, audiences_of(current))
    copies = []
    for old in current.attachments:
        data = files.upload_path(old.stored_name).read_bytes()
        stored_name, digest = files.store(data)
        copy = Attachment(version_id=draft.id, original_name=old.original_name, stored_name=stored_name,
                          content_type=old.content_type, size_bytes=old.size_bytes, sha256=digest,
                          extracted_text="", uploaded_by_id=by.id)
        db.session.add(copy)
        copies.append((old, copy))
    if copies:
        extraction.copy_states(copies)
    record(by, "deliverable.new_version", deliverable, after={"version": draft.number})
    return draft


def submit_for_review(by: User, version: DeliverableVersion) -> DeliverableVersion:
    """The table hands a draft to its liaison (and staff) for review."""
    if version.status != VersionStatus.DRAFT:
        raise LibraryError(_("Alleen een concept kan ter review worden aangeboden."))
    version.status = VersionStatus.IN_REVIEW
    version.submitted_at = utcnow()
    record(by, "deliverable.submit", version.deliverable, after={"version": version.number})
    signals.review_requested.send(version)
    return version


def review(by: User, version: DeliverableVersion, *, approve: bool, comment: str) -> Review:
    """The liaison or staff approve, or send back with a comment (then it is a draft again)."""
    if version.status != VersionStatus.IN_REVIEW:
        raise LibraryError(_("Deze versie wacht niet op een review."))
    if not approve and not comment.strip():
        raise LibraryError(_("Schrijf bij terugsturen wat er moet veranderen."), "comment")
    decision = ReviewDecision.APPROVED if approve else ReviewDecision.RETURNED
    entry = Review(version_id=version.id, reviewer_id=by.id, decision=decision, comment=comment)
    db.session.add(entry)
    version.status = VersionStatus.APPROVED if approve else VersionStatus.DRAFT
    record(by, "deliverable.approve" if approve else "deliverable.return", version.deliverable,
           after={"version": version.number, "comment": comment})
    signals.review_done.send(version, approved=approve)
    return entry


def publish(by: User, version: DeliverableVersion) -> DeliverableVersion:
    """Staff publish an approved version; it becomes what the library shows, the previous
    published version stays readable as superseded, and followers hear of it."""
    if version.status != VersionStatus.APPROVED:
        raise LibraryError(_("Alleen een goedgekeurde versie kan worden gepubliceerd."))
    deliverable = version.deliverable
    previous = deliverable.published_version
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    version.published_by_id = by.id
    deliverable.published_version = version
    deliverable.withdrawn_at = None
    deliverable.withdrawn_reason = None
    db.session.flush()
    refresh_entry(deliverable)
    record(by, "deliverable.publish", deliverable, after={"version": version.number})
    signals.version_published.send(version)
    return version


def withdraw(by: User, deliverable: Deliverable, reason: str) -> Deliverable:
    """Withdrawn: out of the library and search, but its link still works, with a notice."""
    if deliverable.published_version_id is None or deliverable.withdrawn_at is not None:
        raise LibraryError(_("Alleen een gepubliceerd eindproduct kan worden ingetrokken."))
    if not reason.strip():
        raise LibraryError(_("Geef een reden voor het intrekken."), "reason")
    deliverable.withdrawn_at = utcnow()
    deliverable.withdrawn_reason = reason
    deliverable.withdrawn_by_id = by.id
    remove_entry(deliverable)
    record(by, "deliverable.withdraw", deliverable, after={"reason": reason})
    return deliverable


def remove_entry(deliverable: Deliverable) -> None:
    generation.bump()
    search.remove(deliverable.id)
    db.session.execute(delete(entry_audiences).where(entry_audiences.c.deliverable_id == deliverable.id))
    db.session.execute(delete(entry_municipalities).where(entry_municipalities.c.deliverable_id == deliverable.id))
    db.session.execute(delete(LibraryEntry).where(LibraryEntry.deliverable_id == deliverable.id))


def refresh_entry(deliverable: Deliverable) -> LibraryEntry:
    """Rebuild the library row and search index of a published end product."""
    version = deliverable.published_version
    remove_entry(deliverable)
    table = deliverable.work_package.table
    attachment_text = " ".join(a.extracted_text for a in version.attachments if a.extracted_text)
    body_text = plain(version.body)
    entry = LibraryEntry(
        deliverable_id=deliverable.id, version_id=version.id, slug=deliverable.slug, title=version.title,
        summary=version.summary, plain_text=join_blocks(body_text, attachment_text), kind=version.kind,
        action_line=version.action_line, visibility=version.visibility, all_of_friesland=version.all_of_friesland,
        round_id=table.round_id, table_id=table.id, theme=table.theme, version_number=version.number,
        published_at=version.published_at,
    )
    db.session.add(entry)
    db.session.flush()
    audiences = audiences_of(version)
    if audiences:
        db.session.execute(insert(entry_audiences), [
            {"deliverable_id": deliverable.id, "audience": a, "visibility": version.visibility} for a in audiences])
    if version.municipalities:
        db.session.execute(insert(entry_municipalities), [
            {"deliverable_id": deliverable.id, "municipality_id": m.id, "visibility": version.visibility}
            for m in version.municipalities])
    index_entry(deliverable.id, version.title, " ".join([version.summary, body_text, attachment_text, table.theme]))
    return entry


def index_entry(deliverable_id: int, title: str, body: str, conn=None) -> None:  # noqa: ANN001
    """Put one end product's text in the full-text index: its terms, compound parts and words."""
    search.index(deliverable_id, index_text(title), index_text(body), index_parts(f"{title} {body}"),
                 set(words(f"{title} {body}")), conn=conn)


def reindex(conn) -> int:  # noqa: ANN001
    """Rebuild the full-text index and each entry's plain text from the published versions, on
    a bare connection (migration 0013 runs it on upgrade; the CLI runs rebuild_index())."""
    from sqlalchemy import text as sql

    rows = conn.execute(sql(
        "SELECT e.deliverable_id, e.version_id, v.title, v.summary, v.body, e.theme "
        "FROM library_entries e JOIN deliverable_versions v ON v.id = e.version_id")).all()
    attached: dict[int, list[str]] = {}
    for version_id, extracted in conn.execute(sql(
            "SELECT a.version_id, a.extracted_text FROM attachments a "
            "JOIN library_entries e ON e.version_id = a.version_id WHERE a.removed_at IS NULL ORDER BY a.id")):
        if extracted:
            attached.setdefault(version_id, []).append(extracted)
    search.clear(conn)
    for deliverable_id, version_id, title, summary, body, theme in rows:
        body_text, attachment_text = plain(body), " ".join(attached.get(version_id, []))
        conn.execute(sql("UPDATE library_entries SET plain_text = :text WHERE deliverable_id = :id"),
                     {"text": join_blocks(body_text, attachment_text), "id": deliverable_id})
        index_entry(deliverable_id, title, " ".join([summary, body_text, attachment_text, theme]), conn=conn)
    return len(rows)


def follow(user: User, facet: str, value: str) -> Follow:
    """Follow a kind or a theme; following it again changes nothing. Two requests at once (two
    tabs, a double click) both insert, and the unique key skips the second: never a 500."""
    value = value.strip()
    if facet not in {f.value for f in FollowFacet} or not value or len(value) > 120:
        raise LibraryError(_("Kies wat je wilt volgen."))
    db.session.execute(insert_or_ignore(Follow.__table__).values(
        user_id=user.id, facet=facet, value=value, created_at=utcnow()))
    return db.session.execute(
        select(Follow).where(Follow.user_id == user.id, Follow.facet == facet, Follow.value == value)
    ).scalar_one()


def unfollow(user: User, facet: str, value: str) -> None:
    db.session.execute(delete(Follow).where(Follow.user_id == user.id, Follow.facet == facet, Follow.value == value))


def rebuild_index() -> int:
    """Rebuild every library row and the whole index (after a change to the analysis in text.py,
    or for demo data)."""
    search.clear()
    deliverables = db.session.execute(
        select(Deliverable).where(Deliverable.published_version_id.is_not(None), Deliverable.withdrawn_at.is_(None))
    ).scalars().all()
    for deliverable in deliverables:
        refresh_entry(deliverable)
    return len(deliverables)
