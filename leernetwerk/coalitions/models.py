"""Municipalities, partner organisations, local coalitions and the questions they raise."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import enum_check, utcnow
from ..extensions import db

if TYPE_CHECKING:
    from ..auth.models import User
    from ..rounds.models import ThematicTable


class OrganisationKind(enum.StrEnum):
    MIDWIFERY = "verloskunde"
    MATERNITY_CARE = "kraamzorg"
    YOUTH_HEALTH_CARE = "jgz"
    GENERAL_PRACTICE = "huisartsen"
    HOSPITAL = "ziekenhuis"
    OBSTETRIC_PARTNERSHIP = "vsv"
    MUNICIPALITY = "gemeente"
    SOCIAL_TEAM = "sociaal_wijkteam"
    WELFARE = "welzijn"
    SPECIALIST_SUPPORT = "specialistische_hulp"
    EXPERTS_BY_EXPERIENCE = "ervaringsdeskundigen"
    SUPPORT_ORGANISATION = "ros"
    OTHER = "overig"


class WorkingArea(enum.StrEnum):
    MUNICIPALITY = "gemeente"
    REGION = "regio"
    PROVINCE = "provincie"


class QuestionStatus(enum.StrEnum):
    OPEN = "open"
    BUNDLED = "gebundeld"
    ANSWERED = "beantwoord"
    CLOSED = "gesloten"


organisation_municipalities = Table(
    "organisation_municipalities",
    db.Model.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipalities.id"), primary_key=True),
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
    __tablename__ = "organisations"
    __table_args__ = (enum_check("kind", OrganisationKind), enum_check("working_area", WorkingArea))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    working_area: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)

    # The municipalities it works in; a province-wide organisation covers all 18.
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=organisation_municipalities, lazy="select", order_by="Municipality.name"
    )

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


class Question(db.Model):
    """A vraagstuk raised by a coalition; the core group may bundle it into a table."""

    __tablename__ = "questions"
    __table_args__ = (enum_check("status", QuestionStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=QuestionStatus.OPEN)
    table_id: Mapped[int | None] = mapped_column(ForeignKey("tables.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    coalition: Mapped[Coalition] = relationship(lazy="joined")
    author: Mapped[User] = relationship(lazy="select")
    table: Mapped[ThematicTable | None] = relationship("ThematicTable", lazy="select")
    signals: Mapped[list[QuestionSignal]] = relationship(back_populates="question", lazy="select")


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
