"""Notices for what people do (not for the calendar): the receivers of the areas' signals."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from .. import signals
from ..auth.models import User
from ..coalitions.models import CoalitionMember, Question, QuestionSignal, QuestionStatus
from ..extensions import db
from ..library.models import DeliverableVersion, Follow, FollowFacet
from ..rounds.models import SupportRequest, TableMembership, ThematicTable
from ..urls import site_path
from .models import EventKind
from .services import notify


@signals.members_seated.connect
def _members_seated(table: ThematicTable, *, users: list[User]) -> None:
    """A person added to a table hears of it, with a link to the table."""
    notify(users, kind=EventKind.TABLE_SEAT,
           title=_("Je zit nu aan de thematafel %(table)s (%(round)s)", table=table.title, round=table.round.name),
           url=site_path("rounds.table_detail", table_id=table.id))


@signals.support_requested.connect
def _support_requested(request: SupportRequest) -> None:
    """A support request reaches the table's liaison at once."""
    table = request.table
    notify([table.liaison], kind=EventKind.SUPPORT_REQUEST,
           title=_("Ondersteuningsvraag van %(table)s: %(subject)s", table=table.title, subject=request.subject),
           url=site_path("rounds.table_detail", table_id=table.id, _anchor=f"vraag-{request.id}"))


@signals.support_answered.connect
def _support_answered(request: SupportRequest) -> None:
    notify([request.author], kind=EventKind.SUPPORT_ANSWER,
           title=_("Antwoord op je ondersteuningsvraag: %(subject)s", subject=request.subject),
           url=site_path("rounds.table_detail", table_id=request.table_id, _anchor=f"vraag-{request.id}"))


@signals.review_requested.connect
def _review_requested(version: DeliverableVersion) -> None:
    notify([version.deliverable.work_package.table.liaison], kind=EventKind.REVIEW_REQUESTED,
           title=_("Eindproduct ter review: %(title)s", title=version.title),
           url=site_path("library.manage", deliverable_id=version.deliverable_id))


@signals.review_done.connect
def _review_done(version: DeliverableVersion, *, approved: bool) -> None:
    """The author hears the decision; once approved, staff hear that it waits for publication."""
    url = site_path("library.manage", deliverable_id=version.deliverable_id)
    notify([db.session.get(User, version.created_by_id)], kind=EventKind.REVIEW_DONE,
           title=(_("Goedgekeurd: %(title)s", title=version.title) if approved
                  else _("Teruggestuurd met opmerkingen: %(title)s", title=version.title)), url=url)
    if approved:
        staff = db.session.execute(select(User).where(User.is_staff.is_(True), User.active.is_(True))).scalars()
        notify(staff, kind=EventKind.REVIEW_REQUESTED,
               title=_("Klaar om te publiceren: %(title)s", title=version.title), url=url)


@signals.version_published.connect
def _version_published(version: DeliverableVersion) -> None:
    """The table that made it hears it is out, with a direct link; people who follow this kind or
    this theme hear of a new publication."""
    table = version.deliverable.work_package.table
    members = db.session.execute(
        select(User).join(TableMembership, TableMembership.user_id == User.id)
        .where(TableMembership.table_id == table.id, User.active.is_(True))
    ).scalars()
    notify(members, kind=EventKind.REVIEW_DONE,
           title=_("Gepubliceerd in de bibliotheek: %(title)s", title=version.title),
           url=site_path("library.detail", slug=version.deliverable.slug))
    theme = table.theme
    followers = db.session.execute(
        select(User).join(Follow, Follow.user_id == User.id).where(
            ((Follow.facet == FollowFacet.KIND) & (Follow.value == version.kind))
            | ((Follow.facet == FollowFacet.THEME) & (Follow.value == theme))
        ).distinct()
    ).scalars()
    notify(followers, kind=EventKind.LIBRARY_PUBLISHED, title=_("Nieuw in de bibliotheek: %(title)s", title=version.title),
           url=site_path("library.detail", slug=version.deliverable.slug))
    # Coalitions whose question this end product answers, or whose question sits at this table.
    answered = select(Question).where(Question.merged_into_id.is_(None)).where(
        Question.answers.any(id=version.deliverable_id)
        | ((Question.table_id == table.id) & (Question.status == QuestionStatus.PLACED)))
    for question in db.session.execute(answered).scalars():
        notify(coalition_people(question), kind=EventKind.QUESTION_ANSWERED,
               title=_("Nieuw eindproduct bij jullie vraagstuk ‘%(question)s’: %(title)s",
                       question=question.title, title=version.title),
               url=site_path("library.detail", slug=version.deliverable.slug))


def coalition_people(question: Question) -> list[User]:
    """Every active member of every coalition that raised or signalled the question."""
    coalitions = select(QuestionSignal.coalition_id).where(QuestionSignal.question_id == question.id)
    return list(db.session.execute(
        select(User).join(CoalitionMember, CoalitionMember.user_id == User.id)
        .where((CoalitionMember.coalition_id == question.coalition_id) | CoalitionMember.coalition_id.in_(coalitions),
               User.active.is_(True)).distinct()
    ).scalars())


@signals.question_moved.connect
def _question_moved(question: Question, *, before: str) -> None:
    """Everyone in the coalitions that share the question hears where it stands now."""
    notify(coalition_people(question), kind=EventKind.QUESTION_MOVED,
           title=_("Vraagstuk ‘%(title)s’: %(status)s", title=question.title,
                   status=QuestionStatus.label_of(question.status)),
           url=site_path("questions.detail", question_id=question.id))


@signals.question_answered.connect
def _question_answered(question: Question, *, deliverables: list) -> None:
    """Linked to end products that are already published: a direct link to each."""
    for deliverable in deliverables:
        title = deliverable.published_version.title
        notify(coalition_people(question), kind=EventKind.QUESTION_ANSWERED,
               title=_("Antwoord op jullie vraagstuk ‘%(question)s’: %(title)s", question=question.title, title=title),
               url=site_path("library.detail", slug=deliverable.slug))
