"""What the question pages need, each in a fixed number of queries however many questions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..admin.audit_log import AuditAction
from ..audit import AuditEvent
from ..auth.models import User
from ..database import inline
from ..extensions import db
from ..library.models import Deliverable, DeliverableVersion
from ..rounds.models import Round, SupportRequest, ThematicTable
from .models import (
    Coalition,
    Municipality,
    Question,
    QuestionOrganisationKind,
    QuestionSignal,
    QuestionStatus,
    question_answers,
)


def shared_count():  # noqa: ANN201 - a SQL expression
    """How many coalitions share a question: its own and every 'ook bij ons'."""
    return (select(func.count(QuestionSignal.id)).where(QuestionSignal.question_id == Question.id)
            .correlate(Question).scalar_subquery() + 1)


QUESTIONS_PER_PAGE = 25


@dataclass
class QuestionList:
    rows: list[tuple[Question, int]]
    municipalities: list[Municipality]
    signalled_by_me: set[int]
    total: int = 0
    page: int = 1


def question_list(*, status: str | None = None, action_line: str | None = None, municipality: int | None = None,
                  kind: str | None = None, my_coalitions: frozenset[int] = frozenset(), page: int = 1,
                  per_page: int = QUESTIONS_PER_PAGE) -> QuestionList:
    """One page of the live (not merged) questions, most shared first, and how many in all:
    5 queries (4 without coalitions of one's own)."""
    shared = shared_count().label("shared")
    query = (select(Question, shared).where(Question.merged_into_id.is_(None))
             .options(selectinload(Question.kind_rows))
             .order_by(shared.desc(), Question.created_at.desc(), Question.id.desc()))
    if status:
        query = query.where(Question.status == status)
    if action_line:
        query = query.where(Question.action_line == action_line)
    if kind:
        query = query.where(Question.kind_rows.any(QuestionOrganisationKind.kind == kind))
    if municipality:
        in_place = select(Coalition.id).where(Coalition.municipality_id == municipality)
        query = query.where(or_(Question.coalition_id.in_(in_place),
                                Question.signals.any(QuestionSignal.coalition_id.in_(in_place))))
    total = db.session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    rows = [(q, n) for q, n in db.session.execute(
        query.limit(inline(per_page)).offset(inline((max(page, 1) - 1) * per_page))
        .options(selectinload(Question.coalition).joinedload(Coalition.municipality))
    ).unique().all()]
    municipalities = list(db.session.execute(
        select(Municipality).join(Coalition, Coalition.municipality_id == Municipality.id)
        .order_by(Municipality.name)).scalars())
    mine: set[int] = set()
    if my_coalitions:
        mine = set(db.session.execute(select(QuestionSignal.question_id)
                                      .where(QuestionSignal.coalition_id.in_(my_coalitions))).scalars())
    return QuestionList(rows, municipalities, mine, total, max(page, 1))


def questions_of(coalition_ids: list[int], *, open_only: bool = False, limit: int = 20) -> list[tuple[Question, int]]:
    """The live questions these coalitions raised or share ("ook bij ons"), most recently changed
    first, with how many coalitions share each: one query."""
    if not coalition_ids:
        return []
    shared = shared_count().label("shared")
    query = (select(Question, shared).where(
        Question.merged_into_id.is_(None),
        or_(Question.coalition_id.in_(coalition_ids),
            Question.signals.any(QuestionSignal.coalition_id.in_(coalition_ids))))
        .order_by(Question.updated_at.desc(), Question.id.desc()).limit(inline(limit)))
    if open_only:
        query = query.where(Question.status.not_in([QuestionStatus.ANSWERED, QuestionStatus.NOT_TAKEN_UP]))
    return [(q, n) for q, n in db.session.execute(query).all()]


@dataclass
class HistoryRow:
    at: datetime
    actor: str
    action: str
    after: dict | None
    label: str
    merged_from: str = ""   # the title of the duplicate it happened to, before that was merged in


@dataclass
class QuestionPage:
    question: Question
    signals: list[QuestionSignal]
    history: list[HistoryRow]
    answers: list[Deliverable]
    merged: list[Question]


def question_page(question: Question) -> QuestionPage:
    signals = list(db.session.execute(
        select(QuestionSignal).where(QuestionSignal.question_id == question.id)
        .order_by(QuestionSignal.created_at)).scalars())
    merged = list(db.session.execute(select(Question).where(Question.merged_into_id == question.id)).scalars())
    # Its history includes that of the duplicates merged into it: nothing is lost by a merge.
    titles = {m.id: m.title for m in merged}
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.object_type == Question.__tablename__,
                                 AuditEvent.object_id.in_([question.id, *titles]))
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ).scalars()
    history = [HistoryRow(e.created_at, e.actor.name if e.actor else "", e.action, e.after,
                          AuditAction.label_of(e.action), titles.get(e.object_id, "")) for e in events]
    answers = list(db.session.execute(
        select(Deliverable).join(question_answers, question_answers.c.deliverable_id == Deliverable.id)
        .where(question_answers.c.question_id == question.id, Deliverable.withdrawn_at.is_(None))
        .options(selectinload(Deliverable.published_version))).scalars())
    return QuestionPage(question, signals, history, answers, merged)


def open_tables(today: date) -> list[ThematicTable]:
    """Tables of rounds that are planned or running: where a question can be placed."""
    return list(db.session.execute(
        select(ThematicTable).join(Round, Round.id == ThematicTable.round_id)
        .where(Round.closed_at.is_(None), Round.ends_on >= today).order_by(Round.starts_on, ThematicTable.title)
    ).scalars())


def published_products() -> list[tuple[int, str]]:
    return list(db.session.execute(
        select(Deliverable.id, DeliverableVersion.title)
        .join(DeliverableVersion, DeliverableVersion.id == Deliverable.published_version_id)
        .where(Deliverable.withdrawn_at.is_(None)).order_by(DeliverableVersion.title)).tuples())


def other_live_questions(question: Question) -> list[tuple[int, str]]:
    return list(db.session.execute(
        select(Question.id, Question.title).where(Question.merged_into_id.is_(None), Question.id != question.id)
        .order_by(Question.title)).tuples())


# --- /kerngroep ------------------------------------------------------------------------------------

@dataclass
class CorePerson:
    person: User
    tables: dict[int, list[ThematicTable]] = field(default_factory=dict)   # round id → tables
    waiting: list[SupportRequest] = field(default_factory=list)


@dataclass
class RoundQuestions:
    round: Round
    taken_up: list[Question]
    answered: list[Question]
    totals: dict[bool, int] = field(default_factory=dict)  # answered? → questions in all


@dataclass
class CoreGroupPage:
    people: list[CorePerson]
    current: Round | None
    next: Round | None
    candidates: list[tuple[Question, int]]
    threshold: int
    rounds: list[RoundQuestions]
    people_total: int = 0
    page: int = 1
    more_candidates: bool = False


CORE_PER_PAGE = 25   # core-group members per page of /kerngroep
CANDIDATES_SHOWN = 20
QUESTIONS_SHOWN = 10  # per round and list; the rest on /vraagstukken


def core_group_page(today: date, page: int = 1) -> CoreGroupPage:
    """Who is in the core group and their load (a page of people at a time), waiting support
    requests, candidates for the next round and what each round's tables take up: 10 queries
    however many people, tables and questions; every list is bounded."""
    current = db.session.execute(select(Round).where(Round.starts_on <= today, Round.ends_on >= today)).scalar()
    following = db.session.execute(
        select(Round).where(Round.starts_on > today, Round.closed_at.is_(None)).order_by(Round.starts_on)).scalar()
    core = select(User).where(User.is_core_group.is_(True), User.active.is_(True))
    people_total = db.session.execute(select(func.count()).select_from(core.subquery())).scalar_one()
    people = [CorePerson(p) for p in db.session.execute(
        core.order_by(User.name, User.id).limit(inline(CORE_PER_PAGE))
        .offset(inline((max(page, 1) - 1) * CORE_PER_PAGE))).scalars()]
    by_id = {p.person.id: p for p in people}
    round_ids = [r.id for r in (current, following) if r is not None]
    for table in db.session.execute(select(ThematicTable).where(ThematicTable.round_id.in_(round_ids or [-1]),
                                                                ThematicTable.liaison_id.in_(list(by_id)))
                                    .order_by(ThematicTable.title)).scalars():
        by_id[table.liaison_id].tables.setdefault(table.round_id, []).append(table)
    for request in db.session.execute(
            select(SupportRequest).join(ThematicTable, ThematicTable.id == SupportRequest.table_id)
            .where(SupportRequest.is_open, ThematicTable.liaison_id.in_(list(by_id)))
            .options(joinedload(SupportRequest.table))
            .order_by(SupportRequest.created_at)).scalars():
        by_id[request.table.liaison_id].waiting.append(request)
    threshold = current_app.config.get("CANDIDATE_THRESHOLD", 3)
    shared = shared_count().label("shared")
    candidates = [(q, n) for q, n in db.session.execute(
        select(Question, shared).where(Question.merged_into_id.is_(None), Question.table_id.is_(None),
                                       Question.status.in_([QuestionStatus.NEW, QuestionStatus.IN_PROGRESS]),
                                       shared >= threshold)
        .order_by(shared.desc(), Question.created_at).limit(inline(CANDIDATES_SHOWN + 1))).all()]
    # Per round and list (taken up, answered) the first few by title, and how many in all.
    answered = (Question.status == QuestionStatus.ANSWERED).label("answered")
    ranked = (
        select(Question.id, ThematicTable.round_id, answered,
               func.row_number().over(partition_by=(ThematicTable.round_id, answered),
                                      order_by=(Question.title, Question.id)).label("rank"),
               func.count().over(partition_by=(ThematicTable.round_id, answered)).label("total"))
        .join(ThematicTable, ThematicTable.id == Question.table_id)
        .where(Question.merged_into_id.is_(None), Question.table_id.is_not(None)).subquery()
    )
    per_round: dict[int, RoundQuestions] = {}
    for question, is_answered, total in db.session.execute(
            select(Question, ranked.c.answered, ranked.c.total).join(ranked, ranked.c.id == Question.id)
            .where(ranked.c.rank <= QUESTIONS_SHOWN)
            .options(selectinload(Question.table).joinedload(ThematicTable.round))
            .order_by(Question.title, Question.id)).all():
        round_ = question.table.round
        entry = per_round.setdefault(round_.id, RoundQuestions(round_, [], []))
        (entry.answered if is_answered else entry.taken_up).append(question)
        entry.totals[bool(is_answered)] = total
    rounds = sorted(per_round.values(), key=lambda r: r.round.starts_on, reverse=True)
    return CoreGroupPage(people, current, following, candidates[:CANDIDATES_SHOWN], threshold, rounds,
                         people_total=people_total, page=max(page, 1), more_candidates=len(candidates) > CANDIDATES_SHOWN)
