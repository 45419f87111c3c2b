"""In-app notifications, mail outbox, reminder log and delivery preferences."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..database import enum_check, utcnow
from ..enums import LabeledEnum
from ..extensions import db


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Delivery(LabeledEnum):
    IMMEDIATE = "direct"
    DIGEST = "wekelijks"
    OFF = "uit"
    __labels__ = {IMMEDIATE: _l("Direct per e-mail"), DIGEST: _l("In het weekoverzicht (maandag 08:00)"),
                  OFF: _l("Geen e-mail (alleen hier in Leernetwerk)")}


class ReminderKind(LabeledEnum):
    """What a reminder is about; also the kind of its notice and of a delivery preference."""

    MILESTONE_DUE = "milestone_due"
    MILESTONE_OVERDUE = "milestone_overdue"
    WORK_PACKAGE_QUIET = "work_package_quiet"
    ROUND_ENDING = "round_ending"
    REVIEW_WAITING = "review_waiting"
    SUPPORT_UNANSWERED = "support_unanswered"
    ROUND_STARTING = "round_starting"
    __labels__ = {
        MILESTONE_DUE: _l("Mijlpaal binnenkort (7 dagen en 1 dag vooraf)"),
        MILESTONE_OVERDUE: _l("Mijlpaal over tijd"),
        WORK_PACKAGE_QUIET: _l("Werkpakket twee weken zonder update"),
        ROUND_ENDING: _l("Ronde eindigt over twee weken, nog geen eindproduct in review"),
        REVIEW_WAITING: _l("Eindproduct wacht meer dan vijf werkdagen op review"),
        SUPPORT_UNANSWERED: _l("Ondersteuningsvraag twee werkdagen onbeantwoord"),
        ROUND_STARTING: _l("Ronde begint over een week"),
    }


class EventKind(LabeledEnum):
    """Notices caused by someone's action (not by the calendar); preferences apply to them too."""

    SUPPORT_REQUEST = "support_request"
    SUPPORT_ANSWER = "support_answer"
    REVIEW_REQUESTED = "review_requested"
    REVIEW_DONE = "review_done"
    LIBRARY_PUBLISHED = "library_published"
    TABLE_SEAT = "table_seat"
    QUESTION_MOVED = "question_moved"
    QUESTION_ANSWERED = "question_answered"
    __labels__ = {
        TABLE_SEAT: _l("Ik ben aan een thematafel toegevoegd"),
        SUPPORT_REQUEST: _l("Nieuwe ondersteuningsvraag van een tafel waarvan ik verbindingspersoon ben"),
        SUPPORT_ANSWER: _l("Antwoord op mijn ondersteuningsvraag"),
        REVIEW_REQUESTED: _l("Eindproduct ter review aangeboden"),
        REVIEW_DONE: _l("Mijn eindproduct is goedgekeurd of teruggestuurd"),
        LIBRARY_PUBLISHED: _l("Nieuw in de bibliotheek bij wat ik volg"),
        QUESTION_MOVED: _l("Een vraagstuk van mijn coalitie is verder in behandeling genomen"),
        QUESTION_ANSWERED: _l("Een eindproduct beantwoordt een vraagstuk van mijn coalitie"),
    }


def kind_label(kind: str) -> str:
    """The label of a reminder or event kind (the two share the notices and preferences)."""
    for kinds in (ReminderKind, EventKind):
        if kind in kinds.__labels__:
            return kinds.label_of(kind)
    return kind


# Every kind a person can choose a delivery for, in the order the preferences page lists them.
PREFERENCE_KINDS: tuple[str, ...] = (*ReminderKind, *EventKind)


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class OutboxMail(db.Model):
    """A mail written in the same transaction as what caused it; delivered later, retried."""

    __tablename__ = "outbox_mails"
    __table_args__ = (
        enum_check("status", OutboxStatus),
        Index("ix_outbox_mails_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class ReminderLog(db.Model):
    """One row per (kind, object, recipient, occasion): a reminder is never sent twice."""

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("kind", "object_type", "object_id", "recipient_id", "occasion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    occasion: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationPreference(db.Model):
    __tablename__ = "notification_preferences"
    __table_args__ = (enum_check("delivery", Delivery),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(20), default=Delivery.IMMEDIATE)
