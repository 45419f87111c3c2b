"""A network at scale, filled in bulk: hundreds of tables, thousands of milestones, with the
outbox, notices and questions that come with them (the factories are too slow for that many
rows). The people who log in are made through the factories."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from leernetwerk.auth.models import User
from leernetwerk.coalitions.models import Question
from leernetwerk.database import utcnow
from leernetwerk.dates import today
from leernetwerk.extensions import db
from leernetwerk.library.models import Deliverable, DeliverableVersion
from leernetwerk.notifications.models import Notification, OutboxMail
from leernetwerk.rounds import generation as work_generation
from leernetwerk.rounds.models import (
    Milestone,
    ProgressUpdate,
    SupportRequest,
    TableMembership,
    ThematicTable,
    WorkPackage,
)
from tests import factories

THEMES = 8
MILESTONES_PER_TABLE = 10


class Network:
    """A running round filled in bulk (the factories are too slow for thousands of rows), with the
    people who log in made through the factories."""

    def __init__(self) -> None:
        self.round = factories.make_round(starts_on=today() - timedelta(days=40))
        self.staff = factories.make_user(staff=True, name="Sanne Staf")
        self.liaison = factories.make_user(core=True, name="Kees Kern")
        self.member = factories.make_user(name="Tim Tafel")
        coalition = factories.make_coalition("Leeuwarden")
        self.coalition_member = factories.make_coalition_member(coalition)
        self.coalition = coalition
        self.batches = 0
        self.round_id, self.round_name = self.round.id, self.round.name  # plain values for browser tests

    def grow(self, tables: int) -> None:
        """Add `tables` tables to the round, with everything around them."""
        self.batches += 1
        batch, now, day = self.batches, utcnow(), today()
        core = [{"email": f"kern{batch}-{i}@bulk.test", "name": f"Kern {batch}-{i}", "is_core_group": True,
                 "is_staff": False, "active": True, "locale": "nl", "created_at": now} for i in range(tables // 4)]
        db.session.execute(insert(User), core)
        core_ids = list(db.session.execute(
            select(User.id).where(User.email.like(f"kern{batch}-%@bulk.test"))).scalars())
        liaisons = [self.liaison.id, *core_ids]
        db.session.execute(insert(ThematicTable), [
            {"round_id": self.round.id, "title": f"Tafel {batch}-{i:04d}", "theme": f"Thema {i % THEMES}",
             "action_line": "tijdens_zwangerschap", "description": "", "liaison_id": liaisons[i % len(liaisons)],
             "created_at": now, "version": 1} for i in range(tables)])
        table_ids = list(db.session.execute(select(ThematicTable.id).where(
            ThematicTable.title.like(f"Tafel {batch}-%")).order_by(ThematicTable.id)).scalars())
        db.session.execute(insert(TableMembership), [
            {"table_id": t, "user_id": self.member.id, "role": "lid", "joined_at": now} for t in table_ids[::5]])
        db.session.execute(insert(WorkPackage), [
            {"table_id": t, "title": f"Werkpakket {t}", "goal": "", "description": "", "due_on": self.round.ends_on,
             "status": "bezig", "created_at": now - timedelta(days=30), "updated_at": now, "version": 1}
            for t in table_ids])
        wps = dict(db.session.execute(select(WorkPackage.table_id, WorkPackage.id).where(
            WorkPackage.table_id.in_(table_ids))).tuples().all())
        db.session.execute(insert(Milestone), [
            {"work_package_id": wps[t], "title": f"Mijlpaal {t}-{m}", "due_on": day + timedelta(days=m * 4 - 20),
             "assignee_id": self.member.id if t % 5 == 0 else None, "created_at": now}
            for t in table_ids for m in range(MILESTONES_PER_TABLE)])
        db.session.execute(insert(ProgressUpdate), [
            {"work_package_id": wps[t], "author_id": self.member.id, "body": "Update.",
             "light": ("op_koers", "risico", "vertraagd")[t % 3], "created_at": now - timedelta(days=t % 30)}
            for t in table_ids if t % 7])  # every seventh table has no update at all
        db.session.execute(insert(SupportRequest), [
            {"table_id": t, "author_id": self.member.id, "subject": f"Vraag {t}", "body": "?",
             "created_at": now - timedelta(days=3)} for t in table_ids[::4]])
        db.session.execute(insert(Deliverable), [
            {"slug": f"eindproduct-{t}", "work_package_id": wps[t], "created_by_id": self.member.id, "created_at": now}
            for t in table_ids[::4]])
        deliverables = dict(db.session.execute(select(Deliverable.work_package_id, Deliverable.id).where(
            Deliverable.work_package_id.in_([wps[t] for t in table_ids[::4]]))).tuples().all())
        db.session.execute(insert(DeliverableVersion), [
            {"deliverable_id": d, "number": 1, "title": f"Eindproduct {d}", "summary": "", "body": "",
             "kind": "handreiking", "action_line": "tijdens_zwangerschap", "visibility": "netwerk",
             "all_of_friesland": False, "status": "goedgekeurd" if d % 5 == 0 else "in_review",
             "created_by_id": self.member.id, "created_at": now, "updated_at": now,
             "submitted_at": now - timedelta(days=1), "lock_version": 1} for d in deliverables.values()])
        db.session.execute(insert(Notification), [
            {"user_id": user.id, "kind": "milestone_due", "title": f"Melding {batch}-{i}", "body": "Tekst",
             "url": "/mijn", "created_at": now - timedelta(minutes=i)}
            for user in (self.member, self.staff) for i in range(tables)])
        db.session.execute(insert(OutboxMail), [
            {"message_id": f"<{batch}-{i}@bulk.test>", "recipient": f"iemand{i}@bulk.test", "subject": f"Mail {i}",
             "text_body": "tekst", "status": "failed" if i % 5 == 0 else "pending", "attempts": 6 if i % 5 == 0 else 0,
             "last_error": "geen verbinding" if i % 5 == 0 else None, "next_attempt_at": now, "created_at": now}
            for i in range(tables)])
        db.session.execute(insert(Question), [
            {"coalition_id": self.coalition.id, "author_id": self.coalition_member.id, "title": f"Vraagstuk {batch}-{i}",
             "body": "", "status": "ondergebracht" if i % 2 else "nieuw", "table_id": table_ids[i] if i % 2 else None,
             "reason": "", "created_at": now, "updated_at": now} for i in range(tables // 2)])
        work_generation.bump()  # bulk statements bypass the ORM's listener (rule R32)
        db.session.commit()
