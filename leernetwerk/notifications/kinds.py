"""Which kinds of reminders and notices can reach a person, so their settings offer only those.

One rule per kind, by the person's roles now (a change of role shows the kind from then on; a
notice is written in the app regardless of settings, so nothing is lost in between):

- at a table (member or kartrekker, any round): milestones due and overdue, quiet work packages,
  a round starting, a round ending (kartrekkers), seated at a table, an answer to a support
  request, the decision on an end product;
- a table's liaison: a round ending, a review waiting, a support request (new and unanswered),
  an end product offered for review;
- staff: a review waiting, a support request unanswered, end products to review or publish;
- everyone: new in the library among what they follow.
- The core group steers tables, so it gets what a liaison gets and being seated at a table.
  Staff, the core group and people at a table hear they were seated at one.

- A coalition member: a question of their coalition (raised or shared) moved on or answered.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from ..auth.models import User
from ..extensions import db
from ..rounds.models import TableMembership, ThematicTable
from .models import PREFERENCE_KINDS, EventKind, ReminderKind

AT_TABLE = {ReminderKind.MILESTONE_DUE, ReminderKind.MILESTONE_OVERDUE, ReminderKind.WORK_PACKAGE_QUIET,
            ReminderKind.ROUND_STARTING, ReminderKind.ROUND_ENDING, EventKind.TABLE_SEAT,
            EventKind.SUPPORT_ANSWER, EventKind.REVIEW_DONE}
LIAISON = {ReminderKind.ROUND_ENDING, ReminderKind.REVIEW_WAITING, ReminderKind.SUPPORT_UNANSWERED,
           EventKind.SUPPORT_REQUEST, EventKind.REVIEW_REQUESTED}
STAFF = {ReminderKind.REVIEW_WAITING, ReminderKind.SUPPORT_UNANSWERED, EventKind.REVIEW_REQUESTED,
         EventKind.TABLE_SEAT}
EVERYONE = {EventKind.LIBRARY_PUBLISHED}
QUESTION_KINDS = {EventKind.QUESTION_MOVED, EventKind.QUESTION_ANSWERED}


def kinds_for(user: User) -> list[str]:
    """The preference kinds that can reach `user`, in PREFERENCE_KINDS order (one query)."""
    at_table, liaison = db.session.execute(select(
        exists().where(TableMembership.user_id == user.id),
        exists().where(ThematicTable.liaison_id == user.id))).one()
    kinds = set(EVERYONE)
    if at_table:
        kinds |= AT_TABLE
    if liaison or user.is_core_group:
        kinds |= LIAISON | {EventKind.TABLE_SEAT}
    if user.is_staff:
        kinds |= STAFF
    if user.coalitions:
        kinds |= QUESTION_KINDS
    return [kind for kind in PREFERENCE_KINDS if kind in kinds]
