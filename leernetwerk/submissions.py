"""Each form is saved at most once: a double click, or Back and submit again, stores nothing twice.

A form that creates something carries a one-time token (`OnceForm.once`). The save that uses it
inserts the token in the same transaction as the change; the primary key refuses a second insert,
also from a second request that raced the first (it waits for the first to commit, then fails).
A refused save stores no token, so the corrected form can be sent again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .database import utcnow
from .extensions import db


class FormSubmission(db.Model):
    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
