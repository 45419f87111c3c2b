"""The library's generation: a number that moves whenever what an anonymous visitor sees of the
library could change (a publication, a withdrawal, an attachment, a "gebruikt in" mark, a table
or round renamed).

It lives in the database (the row `library_state`), not in a process, so every worker and every
app server reads the same number: a page cached under generation N is never served once N has
moved. The number starts from the clock when its row is (re)made, so a database emptied and
filled again never repeats an old generation.

- `current()` reads it once per request (kept in `g`);
- `bump()` moves it inside the caller's transaction: it is visible when that change commits and
  lost with it when it rolls back;
- a `before_flush` listener bumps it for any ORM change to the models in `WATCHED`, so a new
  service cannot forget; bulk statements on library entries call `bump()` themselves.
"""

from __future__ import annotations

import time
from datetime import datetime

from flask import g, has_app_context
from sqlalchemy import Engine, create_engine, event, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..database import insert_or_ignore, utcnow
from ..extensions import db
from .models import LibraryState


def _fresh() -> int:
    return time.time_ns() // 1000


_READ = select(LibraryState.generation, LibraryState.changed_at).where(LibraryState.id == 1)


def reader() -> Engine:
    """The engine the generation is read with. On PostgreSQL its own small pool in autocommit,
    without a ping at checkout: one round trip per request where the app's pool would make four
    (ping, BEGIN, SELECT, ROLLBACK); a connection the server dropped is retried once. On SQLite
    (a local file, no round trips) the app's engine, through the session."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return engine
    from flask import current_app

    own = current_app.extensions.get("generation_reader")
    if own is None:
        own = current_app.extensions["generation_reader"] = create_engine(
            engine.url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=8, pool_reset_on_return=None)
    return own


def _read():  # noqa: ANN202
    engine = reader()
    if engine is db.engine:
        # SQLite: in the session's own transaction. A second connection would begin a transaction
        # of its own, and outside a request (CLI, tests) that one takes the write lock at BEGIN,
        # which the session may hold already.
        return db.session.connection().execute(_READ).one_or_none()
    with engine.connect() as connection:
        return connection.execute(_READ).one_or_none()


def current() -> tuple[int, datetime | None]:
    """(generation, moment of the last change); one query per request."""
    if has_app_context() and "library_generation" in g:
        return g.library_generation
    # Read before anything the page shows, so a page kept under a generation is never older than
    # that generation.
    try:
        row = _read()
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        row = _read()  # the database restarted since: once more, on a new connection
    value = (row[0], row[1]) if row is not None else (0, None)
    if has_app_context():
        g.library_generation = value
    return value


def bump(session: Session | None = None) -> None:
    """Move the generation in the current transaction (made if the row is missing)."""
    connection = (session or db.session).connection()
    now = utcnow()
    moved = connection.execute(
        update(LibraryState).where(LibraryState.id == 1)
        .values(generation=LibraryState.generation + 1, changed_at=now)
    ).rowcount
    if not moved:
        connection.execute(insert_or_ignore(LibraryState.__table__).values(id=1, generation=_fresh(), changed_at=now))
    if has_app_context():
        g.pop("library_generation", None)


def _watched() -> tuple[type, ...]:
    from ..coalitions.models import Coalition, DeliverableUse, Municipality, Organisation
    from ..rounds.models import Round, ThematicTable
    from .models import Attachment, Deliverable, DeliverableVersion, LibraryEntry, SynonymGroup

    # Synonyms change what a search finds, so cached result pages must go too.
    return (Deliverable, DeliverableVersion, LibraryEntry, Attachment, DeliverableUse, Coalition, Municipality,
            Organisation, ThematicTable, Round, SynonymGroup)


WATCHED: tuple[type, ...] = ()


@event.listens_for(Session, "before_flush")
def _bump_on_change(session: Session, _context, _instances) -> None:  # noqa: ANN001
    global WATCHED
    if not WATCHED:
        WATCHED = _watched()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, WATCHED) and not isinstance(obj, LibraryState):
            bump(session)
            return
