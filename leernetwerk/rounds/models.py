"""Rounds, thematic tables, their members, work packages, milestones, updates, support."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import enum_check, utcnow
from ..dates import today
from ..enums import LabeledEnum
from ..extensions import db

if TYPE_CHECKING:
    from ..auth.models import User

CLOSING_DAYS = 14

# How long the author may still change a progress update's text and light. Long enough to fix a
# typo or a wrong light the next morning; short enough that what the table, its liaison and the
# round picture read and acted on does not quietly change afterwards: a later change of course
# is a new update, so the history shows when it happened. Withdrawing has no time limit.
UPDATE_EDIT_WINDOW = timedelta(hours=24)


class ActionLine(LabeledEnum):
    """Actielijn: a facet on tables and end products."""

    BEFORE_PREGNANCY = "voor_zwangerschap"
    DURING_PREGNANCY = "tijdens_zwangerschap"
    AFTER_BIRTH = "na_geboorte"
    __labels__ = {BEFORE_PREGNANCY: _l("Voor de zwangerschap"), DURING_PREGNANCY: _l("Tijdens de zwangerschap"),
                  AFTER_BIRTH: _l("Na de geboorte")}


class RoundPhase(LabeledEnum):
    PLANNED = "gepland"
    RUNNING = "lopend"
    CLOSING = "afrondend"
    CLOSED = "afgesloten"
    __labels__ = {PLANNED: _l("gepland"), RUNNING: _l("lopend"), CLOSING: _l("afrondend"), CLOSED: _l("afgesloten")}


class MemberRole(LabeledEnum):
    LEAD = "kartrekker"
    MEMBER = "lid"
    __labels__ = {LEAD: _l("kartrekker"), MEMBER: _l("lid")}


class TableRole(LabeledEnum):
    """Why a person sees a table as theirs: a seat at it, or being its liaison (not stored)."""

    LEAD = MemberRole.LEAD.value
    MEMBER = MemberRole.MEMBER.value
    LIAISON = "verbindingspersoon"
    __labels__ = {LEAD: _l("kartrekker"), MEMBER: _l("lid"), LIAISON: _l("verbindingspersoon")}


class WorkPackageStatus(LabeledEnum):
    NOT_STARTED = "niet_gestart"
    IN_PROGRESS = "bezig"
    DONE = "afgerond"
    STOPPED = "gestopt"
    __labels__ = {NOT_STARTED: _l("Niet gestart"), IN_PROGRESS: _l("Bezig"), DONE: _l("Afgerond"),
                  STOPPED: _l("Gestopt")}


class Light(LabeledEnum):
    """The traffic light of a progress update."""

    ON_TRACK = "op_koers"
    AT_RISK = "risico"
    DELAYED = "vertraagd"
    __labels__ = {ON_TRACK: _l("Op koers"), AT_RISK: _l("Risico"), DELAYED: _l("Vertraagd")}


class MilestoneState(LabeledEnum):
    """Derived, not stored: see Milestone.state_on."""

    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"
    __labels__ = {OPEN: _l("open"), OVERDUE: _l("te laat"), DONE: _l("klaar")}


class Decision(LabeledEnum):
    CONTINUE = "doorgaan"
    STOP = "stoppen"
    __labels__ = {CONTINUE: _l("Doorgaan in een volgende ronde"), STOP: _l("Stoppen")}


class Round(db.Model):
    __tablename__ = "rounds"
    __table_args__ = (CheckConstraint("ends_on > starts_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    goal: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    tables: Mapped[list[ThematicTable]] = relationship(
        back_populates="round", lazy="select", order_by="ThematicTable.title"
    )

    __mapper_args__ = {"version_id_col": version}
    EDIT_FIELDS: ClassVar[tuple[str, ...]] = ("name", "starts_on", "ends_on", "goal")

    def phase_on(self, today: date) -> RoundPhase:
        """State follows from the dates until staff close the round."""
        if self.closed_at is not None:
            return RoundPhase.CLOSED
        if today < self.starts_on:
            return RoundPhase.PLANNED
        if today > self.ends_on - timedelta(days=CLOSING_DAYS):
            return RoundPhase.CLOSING
        return RoundPhase.RUNNING

    @property
    def phase(self) -> RoundPhase:
        return self.phase_on(today())

    def __repr__(self) -> str:
        return f"<Round {self.name} {self.starts_on}..{self.ends_on}>"


class ThematicTable(db.Model):
    """A thematic table (thematafel) in one round."""

    __tablename__ = "tables"
    __table_args__ = (
        enum_check("action_line", ActionLine),
        UniqueConstraint("round_id", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(120))
    action_line: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text, default="")
    liaison_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    carried_over_from_id: Mapped[int | None] = mapped_column(ForeignKey("tables.id"), unique=True)
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    round: Mapped[Round] = relationship(back_populates="tables", lazy="joined", innerjoin=True)
    liaison: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    memberships: Mapped[list[TableMembership]] = relationship(
        back_populates="table", lazy="select", cascade="all, delete-orphan"
    )
    work_packages: Mapped[list[WorkPackage]] = relationship(back_populates="table", lazy="select")
    carried_over_from: Mapped[ThematicTable | None] = relationship(remote_side="ThematicTable.id", lazy="select")
    evaluation: Mapped[TableEvaluation | None] = relationship(back_populates="table", lazy="select")

    __mapper_args__ = {"version_id_col": version}
    EDIT_FIELDS: ClassVar[tuple[str, ...]] = ("title", "theme", "action_line", "description", "liaison_id")

    def __repr__(self) -> str:
        return f"<ThematicTable {self.id} {self.title}>"


class TableMembership(db.Model):
    __tablename__ = "table_memberships"
    __table_args__ = (UniqueConstraint("table_id", "user_id"), enum_check("role", MemberRole))

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("tables.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=MemberRole.MEMBER)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    table: Mapped[ThematicTable] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class TableEvaluation(db.Model):
    """What a table delivered in its round, what worked, and whether it continues."""

    __tablename__ = "table_evaluations"
    __table_args__ = (enum_check("decision", Decision),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("tables.id"), unique=True)
    delivered: Mapped[str] = mapped_column(Text)
    what_worked: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    table: Mapped[ThematicTable] = relationship(back_populates="evaluation")


class WorkPackage(db.Model):
    __tablename__ = "work_packages"
    __table_args__ = (enum_check("status", WorkPackageStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("tables.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    goal: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default=WorkPackageStatus.NOT_STARTED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic locking: the form carries the version it was loaded at.
    version: Mapped[int] = mapped_column(default=1)

    table: Mapped[ThematicTable] = relationship(back_populates="work_packages", lazy="joined", innerjoin=True)
    owner: Mapped[User | None] = relationship(lazy="select")
    # Only live milestones: a removed one is gone from everything that goes through this list.
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="work_package", lazy="select", order_by="Milestone.due_on",
        primaryjoin="and_(WorkPackage.id == Milestone.work_package_id, Milestone.removed_at.is_(None))",
    )
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="work_package", lazy="select", order_by="ProgressUpdate.created_at.desc()"
    )

    __mapper_args__ = {"version_id_col": version}
    EDIT_FIELDS: ClassVar[tuple[str, ...]] = ("title", "goal", "description", "owner_id", "due_on", "status")


class Milestone(db.Model):
    __tablename__ = "milestones"
    __table_args__ = (
        # A round's milestones counted per state and per theme and week (its totals, the grouped
        # timeline) read from the index alone: 100,000 rows of a national round without a row lookup each.
        Index("ix_milestones_wp_live", "work_package_id", "removed_at", "due_on", "done_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    work_package_id: Mapped[int] = mapped_column(ForeignKey("work_packages.id"))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    carried_over_from_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Removed (soft): it no longer shows or reminds anyone; the row and its history stay.
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    work_package: Mapped[WorkPackage] = relationship(back_populates="milestones")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="select")

    @classmethod
    def live(cls) -> ColumnElement[bool]:
        """The milestones that count: not removed. Every query that lists milestones filters on
        this (WorkPackage.milestones has it built in)."""
        return cls.removed_at.is_(None)

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    def state_on(self, day: date) -> MilestoneState:
        """Done once ticked; overdue after its due date while open."""
        if self.done_at is not None:
            return MilestoneState.DONE
        return MilestoneState.OVERDUE if self.due_on < day else MilestoneState.OPEN


class ProgressUpdate(db.Model):
    """A written update (Markdown) with a traffic light; replaces the status meeting."""

    __tablename__ = "progress_updates"
    __table_args__ = (
        enum_check("light", Light),
        # A work package's latest update, looked up per package (the round page's status colours),
        # and a round's live updates of this week counted, from the index alone.
        Index("ix_progress_updates_wp_created_live", "work_package_id", "created_at", "withdrawn_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    work_package_id: Mapped[int] = mapped_column(ForeignKey("work_packages.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    light: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    edited_at: Mapped[datetime | None]
    # Withdrawn: it stays in the history, marked, but no longer counts (latest light, quiet work).
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    work_package: Mapped[WorkPackage] = relationship(back_populates="updates")
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined", innerjoin=True)
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id], lazy="select")

    @classmethod
    def live(cls) -> ColumnElement[bool]:
        """The updates that count: not withdrawn."""
        return cls.withdrawn_at.is_(None)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def editable_until(self) -> datetime:
        return self.created_at + UPDATE_EDIT_WINDOW

    def open_for_edit(self, now: datetime) -> bool:
        """Its author may still change it: not withdrawn, and inside the edit window."""
        return not self.is_withdrawn and now < self.editable_until


class SupportRequest(db.Model):
    """Ondersteuningsvraag: a table asks the core group for help; open until answered."""

    __tablename__ = "support_requests"
    # The open ones, oldest first (staff's /mijn panel): walked in order and stopped after a few,
    # instead of joining every open request of the network to its table before sorting.
    __table_args__ = (
        Index("ix_support_requests_open_created", "created_at", "id",
              postgresql_where=text("answered_at IS NULL AND withdrawn_at IS NULL"),
              sqlite_where=text("answered_at IS NULL AND withdrawn_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("tables.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]
    edited_at: Mapped[datetime | None]
    # Withdrawn by its author (or staff) before an answer: it stays in the history, marked.
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    table: Mapped[ThematicTable] = relationship(lazy="joined", innerjoin=True)
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined", innerjoin=True)
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id], lazy="select")

    @hybrid_property
    def is_open(self) -> bool:
        """Waiting for an answer: neither answered nor withdrawn (also usable in a query)."""
        return self.answered_at is None and self.withdrawn_at is None

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls) -> ColumnElement[bool]:
        return and_(cls.answered_at.is_(None), cls.withdrawn_at.is_(None))

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class WorkState(db.Model):
    """One row: the generation of the rounds' work, moved by every change to rounds, tables, their
    members, work packages, milestones, updates, support requests, evaluations and end products
    under review (see rounds/generation.py). A round's totals and filtered table lists are kept
    per process under it, so every worker and every app server agrees on what is current."""

    __tablename__ = "work_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime]
