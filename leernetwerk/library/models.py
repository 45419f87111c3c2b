"""End products (deliverables), their versions, attachments, reviews and follows."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import enum_check, utcnow
from ..enums import LabeledEnum
from ..extensions import db
from ..rounds.models import ActionLine

if TYPE_CHECKING:
    from ..auth.models import User
    from ..coalitions.models import Municipality
    from ..rounds.models import WorkPackage


class DeliverableKind(LabeledEnum):
    CARE_PATHWAY = "zorgpad"
    SOCIAL_MAP = "sociale_kaart"
    GUIDE = "handreiking"
    FACTSHEET = "factsheet"
    WORKING_METHOD = "werkwijze"
    TRAINING = "scholing"
    OTHER = "overig"
    __labels__ = {CARE_PATHWAY: _l("Zorgpad"), SOCIAL_MAP: _l("Sociale kaart"), GUIDE: _l("Handreiking"),
                  FACTSHEET: _l("Factsheet"), WORKING_METHOD: _l("Werkwijze"), TRAINING: _l("Scholing"),
                  OTHER: _l("Overig")}


class Audience(LabeledEnum):
    MIDWIVES = "verloskundigen"
    MATERNITY_CARE = "kraamzorg"
    YOUTH_HEALTH_CARE = "jgz"
    MUNICIPALITIES = "gemeenten"
    GENERAL_PRACTITIONERS = "huisartsen"
    SOCIAL_DOMAIN = "sociaal_domein"
    HOSPITALS = "ziekenhuizen"
    PARENTS = "ouders"
    __labels__ = {MIDWIVES: _l("Verloskundigen"), MATERNITY_CARE: _l("Kraamzorg"), YOUTH_HEALTH_CARE: _l("JGZ"),
                  MUNICIPALITIES: _l("Gemeenten"), GENERAL_PRACTITIONERS: _l("Huisartsen"),
                  SOCIAL_DOMAIN: _l("Sociaal domein"), HOSPITALS: _l("Ziekenhuizen"), PARENTS: _l("Ouders")}


class Visibility(LabeledEnum):
    PUBLIC = "openbaar"
    NETWORK = "netwerk"
    __labels__ = {PUBLIC: _l("Openbaar"), NETWORK: _l("Alleen voor het netwerk")}


class VersionStatus(LabeledEnum):
    DRAFT = "concept"
    IN_REVIEW = "in_review"
    APPROVED = "goedgekeurd"
    PUBLISHED = "gepubliceerd"
    SUPERSEDED = "vervangen"
    __labels__ = {DRAFT: _l("Concept"), IN_REVIEW: _l("In review"), APPROVED: _l("Goedgekeurd"),
                  PUBLISHED: _l("Gepubliceerd"), SUPERSEDED: _l("Vervangen")}


class ReviewDecision(LabeledEnum):
    APPROVED = "goedgekeurd"
    RETURNED = "teruggestuurd"
    __labels__ = {APPROVED: _l("Goedgekeurd"), RETURNED: _l("teruggestuurd")}


class FollowFacet(enum.StrEnum):
    KIND = "soort"
    THEME = "thema"


version_audiences = Table(
    "deliverable_version_audiences",
    db.Model.metadata,
    Column("version_id", ForeignKey("deliverable_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("audience", String(30), primary_key=True),
    enum_check("audience", Audience),
)

version_municipalities = Table(
    "deliverable_version_municipalities",
    db.Model.metadata,
    Column("version_id", ForeignKey("deliverable_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipalities.id"), primary_key=True, index=True),
)


class Deliverable(db.Model):
    """An eindproduct: the stable identity (slug) behind its versions.

    The library shows `published_version`; a withdrawn one stays reachable by its link.
    """

    __tablename__ = "deliverables"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    work_package_id: Mapped[int] = mapped_column(ForeignKey("work_packages.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("deliverable_versions.id", use_alter=True), index=True
    )
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    work_package: Mapped[WorkPackage] = relationship(lazy="joined", innerjoin=True)
    versions: Mapped[list[DeliverableVersion]] = relationship(
        back_populates="deliverable",
        foreign_keys="DeliverableVersion.deliverable_id",
        order_by="DeliverableVersion.number",
        lazy="select",
    )
    published_version: Mapped[DeliverableVersion | None] = relationship(
        foreign_keys=[published_version_id], lazy="select", post_update=True
    )

    def __repr__(self) -> str:
        return f"<Deliverable {self.slug}>"


class DeliverableVersion(db.Model):
    """One version's content; immutable once published (a change is a new version)."""

    __tablename__ = "deliverable_versions"
    __table_args__ = (
        UniqueConstraint("deliverable_id", "number"),
        enum_check("kind", DeliverableKind),
        enum_check("action_line", ActionLine),
        enum_check("visibility", Visibility),
        enum_check("status", VersionStatus),
        # /mijn's review and publish lists: the oldest few waiting, without sorting them all.
        Index("ix_deliverable_versions_status_submitted", "status", "submitted_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deliverable_id: Mapped[int] = mapped_column(ForeignKey("deliverables.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(30), index=True)
    action_line: Mapped[str] = mapped_column(String(30))
    visibility: Mapped[str] = mapped_column(String(20), default=Visibility.NETWORK)
    all_of_friesland: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=VersionStatus.DRAFT, index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lock_version: Mapped[int] = mapped_column(default=1)

    deliverable: Mapped[Deliverable] = relationship(
        back_populates="versions", foreign_keys=[deliverable_id], lazy="joined", innerjoin=True
    )
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=version_municipalities, lazy="select", order_by="Municipality.name"
    )
    # The attachments it has: one removed from a draft stays in the database (removed_at), not here.
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="version", lazy="select", order_by="Attachment.id",
        primaryjoin="and_(DeliverableVersion.id == Attachment.version_id, Attachment.removed_at.is_(None))",
    )
    reviews: Mapped[list[Review]] = relationship(
        back_populates="version", lazy="select", order_by="Review.created_at"
    )

    __mapper_args__ = {"version_id_col": lock_version}
    EDIT_FIELDS: ClassVar[tuple[str, ...]] = ("title", "summary", "body", "kind", "action_line", "visibility",
                                              "all_of_friesland")


class Attachment(db.Model):
    """A file, checked by content and stored under a generated name in instance/uploads."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("deliverable_versions.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    extracted_text: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    version: Mapped[DeliverableVersion] = relationship(back_populates="attachments")


class ExtractionStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class TextExtraction(db.Model):
    """The queue of attachments whose text is still to be read for search (`library.extraction`):
    claimed with a lease like the mail outbox, run in a subprocess with time and memory limits.
    The row stays when it is done or failed: it is the attachment's "tekst niet leesbaar"."""

    __tablename__ = "text_extractions"
    __table_args__ = (
        enum_check("status", ExtractionStatus),
        Index("ix_text_extractions_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default=ExtractionStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    attachment: Mapped[Attachment] = relationship()


class Review(db.Model):
    __tablename__ = "reviews"
    __table_args__ = (enum_check("decision", ReviewDecision),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("deliverable_versions.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    version: Mapped[DeliverableVersion] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class Follow(db.Model):
    """A coalition member follows a kind or a theme to hear of new end products."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("user_id", "facet", "value"),
        enum_check("facet", FollowFacet),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    facet: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# The entry's visibility is copied into its link rows so that counting a facet over 100,000
# end products reads one covering index instead of joining every row (see library/queries.py).
entry_audiences = Table(
    "library_entry_audiences",
    db.Model.metadata,
    Column("deliverable_id", ForeignKey("library_entries.deliverable_id", ondelete="CASCADE"), primary_key=True),
    Column("audience", String(30), primary_key=True, index=True),
    Column("visibility", String(20), nullable=False, server_default=Visibility.PUBLIC.value),
    Index("ix_library_entry_audiences_visibility_audience", "visibility", "audience"),
)

entry_municipalities = Table(
    "library_entry_municipalities",
    db.Model.metadata,
    Column("deliverable_id", ForeignKey("library_entries.deliverable_id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipalities.id"), primary_key=True, index=True),
    Column("visibility", String(20), nullable=False, server_default=Visibility.PUBLIC.value),
    Index("ix_library_entry_municipalities_visibility_municipality", "visibility", "municipality_id"),
)


class LibraryEntry(db.Model):
    """What the library shows of a published end product: its latest published version,
    flattened for fast facets and search at national scale (100,000 end products).

    Maintained by publish() and withdraw(); the full-text index beside it (library_search) is
    dialect-specific and lives outside the ORM (see library/search.py).
    """

    __tablename__ = "library_entries"
    __table_args__ = (
        Index("ix_library_entries_visibility_published", "visibility", "published_at"),
        # A logged-in person's library (no visibility filter) newest first, without sorting 100,000
        # rows; a query's hits by date (and large tiers by relevance) walk it newest first too.
        Index("ix_library_entries_published", "published_at", "deliverable_id"),
        # Covering indexes: a facet's counts are read from the index alone (100x faster at 100k).
        Index("ix_library_entries_visibility_kind", "visibility", "kind"),
        Index("ix_library_entries_visibility_action_line", "visibility", "action_line"),
        Index("ix_library_entries_visibility_round", "visibility", "round_id"),
        Index("ix_library_entries_visibility_table", "visibility", "table_id"),
    )

    deliverable_id: Mapped[int] = mapped_column(ForeignKey("deliverables.id"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("deliverable_versions.id"))
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    plain_text: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(30), index=True)
    action_line: Mapped[str] = mapped_column(String(30), index=True)
    visibility: Mapped[str] = mapped_column(String(20))
    all_of_friesland: Mapped[bool] = mapped_column(default=False)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("tables.id"), index=True)
    theme: Mapped[str] = mapped_column(String(120))
    version_number: Mapped[int]
    published_at: Mapped[datetime]


class LibraryState(db.Model):
    """One row: the library's generation, moved by every change an anonymous visitor could see
    (see library/generation.py). Cached public pages and their ETags are keyed by it, so every
    worker and every app server agrees on what is current."""

    __tablename__ = "library_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime]


class SynonymGroup(db.Model):
    """Words that mean the same in this field (JGZ ~ jeugdgezondheidszorg ~ consultatiebureau),
    kept by staff. A search for any of them finds all of them; applied at query time, so a
    change needs no reindex. `words` holds the group as typed, one word or phrase a line."""

    __tablename__ = "synonym_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    words: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def word_list(self) -> list[str]:
        return [w.strip() for w in self.words.splitlines() if w.strip()]

    def __str__(self) -> str:
        return " ~ ".join(self.word_list)
