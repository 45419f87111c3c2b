"""Municipalities, partner organisations, local coalitions and the questions they raise."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import enum_check, utcnow
from ..enums import LabeledEnum
from ..extensions import db
from ..rounds.models import ActionLine

if TYPE_CHECKING:
    from ..auth.models import User
    from ..library.models import Deliverable
    from ..rounds.models import ThematicTable


class OrganisationKind(LabeledEnum):
    """The kinds of parties around a kansrijke start; a filter in the organisation directory."""

    MIDWIFERY = "verloskunde"
    MATERNITY_CARE = "kraamzorg"
    YOUTH_HEALTH_CARE = "jgz"
    GENERAL_PRACTICE = "huisartsen"
    HOSPITAL = "ziekenhuis"
    OBSTETRIC_PARTNERSHIP = "vsv"
    MUNICIPALITY = "gemeente"
    SAFE_AT_HOME = "veilig_thuis"
    FIER = "fier"
    MEE = "mee"
    WELFARE = "welzijn"
    INFORMAL_CARE = "informele_zorg"
    CHILDCARE = "kinderopvang"
    EXPERTS_BY_EXPERIENCE = "ervaringsdeskundigen"
    SUPPORT_ORGANISATION = "ros"
    OTHER = "overig"
    __labels__ = {
        MIDWIFERY: _l("Verloskunde"), MATERNITY_CARE: _l("Kraamzorg"), YOUTH_HEALTH_CARE: _l("Jeugdgezondheidszorg (JGZ)"),
        GENERAL_PRACTICE: _l("Huisartsen"), HOSPITAL: _l("Ziekenhuis"),
        OBSTETRIC_PARTNERSHIP: _l("Verloskundig samenwerkingsverband (VSV)"),
        MUNICIPALITY: _l("Gemeente / sociaal wijkteam"), SAFE_AT_HOME: _l("Veilig Thuis"), FIER: _l("Fier"),
        MEE: _l("MEE"), WELFARE: _l("Welzijn"), INFORMAL_CARE: _l("Informele zorg"), CHILDCARE: _l("Kinderopvang"),
        EXPERTS_BY_EXPERIENCE: _l("Ervaringsdeskundigen"), SUPPORT_ORGANISATION: _l("ROS"), OTHER: _l("Overig"),
    }


class WorkingArea(LabeledEnum):
    """Where an organisation works: one municipality, a region of several, or all of Friesland
    (then it counts for all 18 municipalities, and none are stored)."""

    MUNICIPALITY = "gemeente"
    REGION = "regio"
    PROVINCE = "provincie"
    __labels__ = {MUNICIPALITY: _l("Eén gemeente"), REGION: _l("Een regio (meerdere gemeenten)"),
                  PROVINCE: _l("Heel Friesland")}


class QuestionStatus(LabeledEnum):
    """Where a vraagstuk stands: raised, being looked at by the core group, placed at a table,
    answered by end products in the library, or not taken up (with a reason)."""

    NEW = "nieuw"
    IN_PROGRESS = "in_behandeling"
    PLACED = "ondergebracht"
    ANSWERED = "beantwoord"
    NOT_TAKEN_UP = "niet_opgepakt"
    __labels__ = {NEW: _l("nieuw"), IN_PROGRESS: _l("in behandeling"), PLACED: _l("ondergebracht bij een tafel"),
                  ANSWERED: _l("beantwoord"), NOT_TAKEN_UP: _l("niet opgepakt")}


# The states the core group may move a question to from each state (merging is separate).
QUESTION_STEPS: dict[str, tuple[str, ...]] = {
    QuestionStatus.NEW: (QuestionStatus.IN_PROGRESS, QuestionStatus.PLACED, QuestionStatus.NOT_TAKEN_UP),
    QuestionStatus.IN_PROGRESS: (QuestionStatus.PLACED, QuestionStatus.ANSWERED, QuestionStatus.NOT_TAKEN_UP),
    QuestionStatus.PLACED: (QuestionStatus.IN_PROGRESS, QuestionStatus.ANSWERED, QuestionStatus.NOT_TAKEN_UP),
    QuestionStatus.ANSWERED: (QuestionStatus.IN_PROGRESS,),
    QuestionStatus.NOT_TAKEN_UP: (QuestionStatus.IN_PROGRESS,),
}


organisation_municipalities = Table(
    "organisation_municipalities",
    db.Model.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipalities.id"), primary_key=True, index=True),
)

# The action lines an organisation works on (values of rounds.models.ActionLine).
organisation_action_lines = Table(
    "organisation_action_lines",
    db.Model.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("action_line", String(30), primary_key=True, index=True),
)


class Municipality(db.Model):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)

    coalition: Mapped[Coalition | None] = relationship(back_populates="municipality", lazy="select")

    def __repr__(self) -> str:
        return f"<Municipality {self.name}>"


class Organisation(db.Model):
    """A party in the network, as the directory shows it: what it does, when to engage it, how to
    reach it, and where it works."""

    __tablename__ = "organisations"
    __table_args__ = (enum_check("kind", OrganisationKind), enum_check("working_area", WorkingArea))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    working_area: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    when_to_engage: Mapped[str] = mapped_column(Text, default="", server_default="")
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    website: Mapped[str] = mapped_column(String(300), default="", server_default="")
    referral: Mapped[str] = mapped_column(Text, default="", server_default="")
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    # The municipalities it works in; none for a province-wide one, which covers all 18.
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=organisation_municipalities, lazy="select", order_by="Municipality.name"
    )

    __mapper_args__ = {"version_id_col": lock_version}
    EDIT_FIELDS: ClassVar[tuple[str, ...]] = ("name", "kind", "working_area", "description", "when_to_engage",
                                              "phone", "email", "website", "referral")

    @property
    def province_wide(self) -> bool:
        return self.working_area == WorkingArea.PROVINCE

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


class Coalition(db.Model):
    """The local Kansrijke Start coalition of one municipality."""

    __tablename__ = "coalitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    municipality: Mapped[Municipality] = relationship(back_populates="coalition", lazy="joined")
    members: Mapped[list[User]] = relationship(
        secondary="coalition_members", back_populates="coalitions", lazy="select", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Coalition {self.name}>"


class CoalitionMember(db.Model):
    __tablename__ = "coalition_members"

    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


# The published end products that answer a question.
question_answers = Table(
    "question_answers",
    db.Model.metadata,
    Column("question_id", ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    Column("deliverable_id", ForeignKey("deliverables.id"), primary_key=True, index=True),
)


class Question(db.Model):
    """A vraagstuk raised by a coalition; the core group triages it, places it at a table, and
    links the end products that answer it. A merged duplicate points to the one that stays."""

    __tablename__ = "questions"
    __table_args__ = (enum_check("status", QuestionStatus), enum_check("action_line", ActionLine))

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=QuestionStatus.NEW, index=True)
    # Older questions (before action lines were asked) have none.
    action_line: Mapped[str | None] = mapped_column(String(30))
    table_id: Mapped[int | None] = mapped_column(ForeignKey("tables.id"), index=True)
    # Why it was not taken up: the coalitions see it.
    reason: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    coalition: Mapped[Coalition] = relationship(lazy="joined")
    author: Mapped[User] = relationship(lazy="select")
    table: Mapped[ThematicTable | None] = relationship("ThematicTable", lazy="select")
    signals: Mapped[list[QuestionSignal]] = relationship(back_populates="question", lazy="select",
                                                         order_by="QuestionSignal.created_at")
    merged_into: Mapped[Question | None] = relationship(remote_side=[id], lazy="select")
    answers: Mapped[list[Deliverable]] = relationship("Deliverable", secondary=question_answers, lazy="select")

    kind_rows: Mapped[list[QuestionOrganisationKind]] = relationship(
        lazy="select", cascade="all, delete-orphan", order_by="QuestionOrganisationKind.kind")

    @property
    def organisation_kinds(self) -> list[str]:
        return [row.kind for row in self.kind_rows]


class QuestionOrganisationKind(db.Model):
    """A kind of organisation a question concerns (none, one or several per question)."""

    __tablename__ = "question_organisation_kinds"
    __table_args__ = (enum_check("kind", OrganisationKind),)

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class QuestionSignal(db.Model):
    """'Ook bij ons': another coalition has the same question; once per coalition."""

    __tablename__ = "question_signals"
    __table_args__ = (UniqueConstraint("question_id", "coalition_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(back_populates="signals")
    coalition: Mapped[Coalition] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")


class DeliverableUse(db.Model):
    """'Gebruikt in <gemeente>': a coalition says it uses a published end product; once per coalition."""

    __tablename__ = "deliverable_uses"
    __table_args__ = (UniqueConstraint("deliverable_id", "coalition_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deliverable_id: Mapped[int] = mapped_column(ForeignKey("deliverables.id"), index=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    coalition: Mapped[Coalition] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="select")
