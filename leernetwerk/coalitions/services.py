"""Coalition questions (vraagstukken): raise, edit while new, 'ook bij ons', triage, merge.

Domain functions mutate and flush, never commit; the acting person comes first. Every change is
audited and a change of state is announced (`signals.question_moved`) for the notices.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import signals
from ..audit import record, snapshot
from ..auth.models import User
from ..errors import DomainError
from ..extensions import db
from ..library.models import Deliverable
from ..library.text import query_terms, terms
from ..rounds.models import ActionLine, ThematicTable
from .models import (
    QUESTION_STEPS,
    Coalition,
    CoalitionMember,
    OrganisationKind,
    Question,
    QuestionOrganisationKind,
    QuestionSignal,
    QuestionStatus,
)


class QuestionsError(DomainError):
    """A broken rule about coalition questions."""


_FIELDS = ["title", "body", "action_line", "status", "table_id", "reason", "merged_into_id"]


def coalition_ids_of(user: User) -> set[int]:
    return set(db.session.execute(
        select(CoalitionMember.coalition_id).where(CoalitionMember.user_id == user.id)).scalars())


def _state(question: Question) -> dict:
    return snapshot(question, _FIELDS) | {"organisation_kinds": question.organisation_kinds,
                                          "answers": sorted(d.id for d in question.answers)}


def _check_text(title: str, action_line: str, kinds: Iterable[str]) -> tuple[str, list[str]]:
    title = (title or "").strip()
    if not title:
        raise QuestionsError(_("Geef het vraagstuk een titel."), "title")
    if action_line not in {a.value for a in ActionLine}:
        raise QuestionsError(_("Kies een actielijn."), "action_line")
    kinds = sorted(set(kinds or ()))
    if any(k not in {o.value for o in OrganisationKind} for k in kinds):
        raise QuestionsError(_("Kies soorten organisaties uit de lijst."), "organisation_kinds")
    return title, kinds


def _set_kinds(question: Question, kinds: list[str]) -> None:
    current = {row.kind: row for row in question.kind_rows}
    for kind, row in current.items():
        if kind not in kinds:
            question.kind_rows.remove(row)
    for kind in kinds:
        if kind not in current:
            question.kind_rows.append(QuestionOrganisationKind(kind=kind))


def raise_question(by: User, coalition: Coalition, *, title: str, body: str = "", action_line: str,
                   organisation_kinds: Iterable[str] = ()) -> Question:
    """A member of a local coalition raises a question for that coalition."""
    if coalition.id not in coalition_ids_of(by):
        raise QuestionsError(_("Je kunt alleen een vraagstuk inbrengen voor je eigen lokale coalitie."), "coalition_id")
    title, kinds = _check_text(title, action_line, organisation_kinds)
    question = Question(coalition=coalition, author_id=by.id, title=title, body=body or "", action_line=action_line,
                        status=QuestionStatus.NEW)
    db.session.add(question)
    _set_kinds(question, kinds)
    db.session.flush()
    record(by, "question.create", question, None, _state(question))
    return question


def edit_question(by: User, question: Question, *, title: str, body: str = "", action_line: str,
                  organisation_kinds: Iterable[str] = ()) -> Question:
    """Its own coalition changes a question while it is new (the core group has not picked it up)."""
    if question.coalition_id not in coalition_ids_of(by):
        raise QuestionsError(_("Alleen de eigen lokale coalitie past dit vraagstuk aan."))
    if question.status != QuestionStatus.NEW or question.merged_into_id is not None:
        raise QuestionsError(_("Dit vraagstuk is al in behandeling en kan niet meer worden aangepast."))
    title, kinds = _check_text(title, action_line, organisation_kinds)
    before = _state(question)
    question.title, question.body, question.action_line = title, body or "", action_line
    _set_kinds(question, kinds)
    db.session.flush()
    record(by, "question.edit", question, before, _state(question))
    return question


def _live(question: Question) -> None:
    if question.merged_into_id is not None:
        raise QuestionsError(_("Dit vraagstuk is samengevoegd met een ander vraagstuk."))


def signal_question(by: User, question: Question, coalition: Coalition, note: str = "") -> QuestionSignal:
    """'Ook bij ons': another coalition has this question too; once per coalition."""
    _live(question)
    if coalition.id not in coalition_ids_of(by):
        raise QuestionsError(_("Je kunt alleen namens je eigen lokale coalitie ‘ook bij ons’ zeggen."))
    if coalition.id == question.coalition_id:
        raise QuestionsError(_("Dit vraagstuk komt al van jullie coalitie."))
    exists = db.session.execute(select(QuestionSignal.id).where(
        QuestionSignal.question_id == question.id, QuestionSignal.coalition_id == coalition.id)).first()
    refused = QuestionsError(_("Jullie coalitie heeft dit vraagstuk al als ‘ook bij ons’ gemeld."))
    if exists:
        raise refused
    signal = QuestionSignal(question_id=question.id, coalition_id=coalition.id, user_id=by.id, note=(note or "").strip())
    try:
        with db.session.begin_nested():  # a colleague saying it in the same instant: the unique key decides
            db.session.add(signal)
            db.session.flush()
    except IntegrityError:
        raise refused from None
    record(by, "question.signal", question, None, {"coalition_id": coalition.id, "note": signal.note})
    return signal


def withdraw_signal(by: User, signal: QuestionSignal) -> None:
    """A member of the signalling coalition takes 'ook bij ons' back (the audit log keeps it)."""
    if signal.coalition_id not in coalition_ids_of(by):
        raise QuestionsError(_("Alleen de eigen lokale coalitie trekt haar ‘ook bij ons’ in."))
    question = signal.question
    before = {"coalition_id": signal.coalition_id, "note": signal.note}
    db.session.delete(signal)
    db.session.flush()
    record(by, "question.unsignal", question, before, None)


def _published(deliverables: Iterable[Deliverable]) -> list[Deliverable]:
    found = list(deliverables)
    if any(d.published_version_id is None or d.withdrawn_at is not None for d in found):
        raise QuestionsError(_("Koppel alleen gepubliceerde eindproducten."), "answers")
    return found


def move_question(by: User, question: Question, status: str, *, table: ThematicTable | None = None,
                  reason: str = "", answers: Iterable[Deliverable] = ()) -> Question:
    """The core group or staff move a question on: in behandeling, ondergebracht bij een tafel
    (of a planned or running round), beantwoord (by published end products) or niet opgepakt
    (with a reason the coalitions see)."""
    if not (by.is_staff or by.is_core_group):
        raise QuestionsError(_("Alleen de kerngroep en het ROS behandelen vraagstukken."))
    _live(question)
    before_status = question.status
    if status not in QUESTION_STEPS.get(before_status, ()):
        raise QuestionsError(_("Een vraagstuk dat %(from)s is, kan niet naar %(to)s.",
                               **{"from": QuestionStatus.label_of(before_status),
                                  "to": QuestionStatus.label_of(status)}), "status")
    before = _state(question)
    new_answers: list[Deliverable] = []
    if status == QuestionStatus.PLACED:
        if table is None:
            raise QuestionsError(_("Kies de tafel waar het vraagstuk wordt ondergebracht."), "table_id")
        if table.round.closed_at is not None or table.round.phase == "afgesloten":
            raise QuestionsError(_("Kies een tafel van een geplande of lopende ronde."), "table_id")
        question.table_id = table.id
    elif status == QuestionStatus.ANSWERED:
        answers = _published(answers)
        if not answers and not question.answers:
            raise QuestionsError(_("Koppel minstens één gepubliceerd eindproduct dat het vraagstuk beantwoordt."),
                                 "answers")
        new_answers = [d for d in answers if d not in question.answers]
        question.answers.extend(new_answers)
    elif status == QuestionStatus.NOT_TAKEN_UP:
        reason = (reason or "").strip()
        if not reason:
            raise QuestionsError(_("Schrijf op waarom het vraagstuk niet wordt opgepakt; de coalities lezen het."),
                                 "reason")
        question.reason = reason
    question.status = status
    if status != QuestionStatus.NOT_TAKEN_UP:
        question.reason = ""
    db.session.flush()
    record(by, "question.status", question, before, _state(question))
    signals.question_moved.send(question, before=before_status)
    if new_answers:
        signals.question_answered.send(question, deliverables=new_answers)
    return question


def link_answers(by: User, question: Question, deliverables: Iterable[Deliverable]) -> Question:
    """Link more published end products to a question (answered at once if it was not yet)."""
    if question.status != QuestionStatus.ANSWERED:
        return move_question(by, question, QuestionStatus.ANSWERED, answers=deliverables)
    if not (by.is_staff or by.is_core_group):
        raise QuestionsError(_("Alleen de kerngroep en het ROS behandelen vraagstukken."))
    new = [d for d in _published(deliverables) if d not in question.answers]
    if not new:
        raise QuestionsError(_("Kies een gepubliceerd eindproduct dat nog niet gekoppeld is."), "answers")
    before = _state(question)
    question.answers.extend(new)
    db.session.flush()
    record(by, "question.answers", question, before, _state(question))
    signals.question_answered.send(question, deliverables=new)
    return question


def place_at_new_table(by: User, question: Question, table: ThematicTable) -> Question:
    """A table made from a candidate question takes it up (the table form's `vraagstuk=`)."""
    if question.status == QuestionStatus.PLACED and question.table_id == table.id:
        return question
    return move_question(by, question, QuestionStatus.PLACED, table=table)


def merge_question(by: User, duplicate: Question, keep: Question) -> Question:
    """Merge a duplicate into the question that stays: the duplicate points to it, its signals and
    its own coalition (as a signal) move over with their notes; a coalition that signalled both
    keeps one signal with the notes joined. Nothing is deleted except a signal folded into another."""
    if not (by.is_staff or by.is_core_group):
        raise QuestionsError(_("Alleen de kerngroep en het ROS voegen vraagstukken samen."))
    if duplicate.id == keep.id:
        raise QuestionsError(_("Kies een ander vraagstuk om mee samen te voegen."), "keep_id")
    _live(duplicate)
    _live(keep)
    before_dup, before_keep = _state(duplicate), _state(keep)
    kept = {s.coalition_id: s for s in keep.signals}
    moved: list[dict] = []

    def take(coalition_id: int, user_id: int, note: str, created_at) -> None:  # noqa: ANN001
        if coalition_id == keep.coalition_id:
            if note:
                moved.append({"coalition_id": coalition_id, "note": note, "into": "own"})
            return
        target = kept.get(coalition_id)
        if target is None:
            target = QuestionSignal(question_id=keep.id, coalition_id=coalition_id, user_id=user_id, note=note,
                                    created_at=created_at)
            db.session.add(target)
            kept[coalition_id] = target
        elif note and note not in target.note:
            target.note = f"{target.note}\n\n{note}".strip()
        moved.append({"coalition_id": coalition_id, "note": note})

    # The duplicate's own coalition becomes a signal on the kept question, its text as the note.
    take(duplicate.coalition_id, duplicate.author_id, _("Samengevoegd vraagstuk: %(title)s", title=duplicate.title),
         duplicate.created_at)
    for signal in list(duplicate.signals):
        take(signal.coalition_id, signal.user_id, signal.note, signal.created_at)
        db.session.delete(signal)
    db.session.flush()
    duplicate.merged_into_id = keep.id
    db.session.flush()
    record(by, "question.merge", duplicate, before_dup, _state(duplicate) | {"moved": moved})
    record(by, "question.merged_in", keep, before_keep, _state(keep) | {"from": duplicate.id})
    return keep


def similar_questions(text: str, *, limit: int = 5, exclude: int | None = None) -> list[tuple[Question, int]]:
    """Open questions that share stemmed words with `text`, best first.

    Scored in Python over the live questions (titles weigh double): fine at this scale (18
    coalitions, tens to hundreds of questions); the library's FTS index would be the next step."""
    wanted = {t for t in query_terms(text, limit=20) if len(t) > 2}
    if not wanted:
        return []
    rows = db.session.execute(
        select(Question).where(Question.merged_into_id.is_(None),
                               Question.status.not_in([QuestionStatus.NOT_TAKEN_UP]))
    ).scalars().all()
    scored = []
    for question in rows:
        if question.id == exclude:
            continue
        title_terms = set(terms(question.title))
        body_terms = set(terms(question.body))
        score = 2 * len(wanted & title_terms) + len(wanted & (body_terms - title_terms))
        if score:
            scored.append((question, score))
    scored.sort(key=lambda qs: (-qs[1], -qs[0].id))
    return scored[:limit]
