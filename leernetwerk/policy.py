"""Who may do what: the one place that answers it, for views and templates alike.

`can(user, action, obj)` answers; `require(action, obj)` guards a view (401 sends an
anonymous visitor to the login page, 403 refuses a logged-in one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort
from flask_login import current_user

from .library.models import VersionStatus, Visibility
from .person_facts import person_facts
from .rounds.models import MemberRole, RoundPhase


def _logged_in(user: Any, _obj: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


def _staff(user: Any, _obj: Any) -> bool:
    return _logged_in(user, None) and user.is_staff


def _staff_on_other_user(user: Any, target: Any) -> bool:
    # Staff must not lock themselves out: deactivating one's own account is refused.
    return _staff(user, None) and target is not None and target.id != user.id


def _anyone(_user: Any, _obj: Any) -> bool:
    return True


def table_role(user: Any, table: Any) -> str | None:
    """'kartrekker' or 'lid' when `user` sits at `table` (read with the person's other facts, once
    per request, for all tables)."""
    if not _logged_in(user, None) or table is None:
        return None
    return person_facts(user).table_roles.get(table.id)


def _is_liaison(user: Any, table: Any) -> bool:
    return _logged_in(user, None) and table is not None and table.liaison_id == user.id


def _open(round_: Any) -> bool:
    return round_ is not None and round_.closed_at is None


def _round_staff(user: Any, round_: Any) -> bool:
    return _staff(user, None) and _open(round_)


def _table_create(user: Any, round_: Any) -> bool:
    return _logged_in(user, None) and (user.is_staff or user.is_core_group) and _open(round_)


def _table_steer(user: Any, table: Any) -> bool:
    """Staff and the table's liaison edit the table itself while its round is open."""
    return table is not None and _open(table.round) and (_staff(user, None) or _is_liaison(user, table))


def _table_carry_over(user: Any, table: Any) -> bool:
    """Carrying over leaves the old table untouched, so it is allowed from a closed round too."""
    return table is not None and (_staff(user, None) or _is_liaison(user, table))


def _table_evaluate(user: Any, table: Any) -> bool:
    """A table is evaluated once its round has begun: there is nothing to evaluate before."""
    if table is None or table.round is None or table.round.phase == RoundPhase.PLANNED:
        return False
    return _table_steer(user, table) or (_open(table.round) and table_role(user, table) == MemberRole.LEAD)


def _table_work(user: Any, table: Any) -> bool:
    """Only members of a table, its liaison and staff change its work; never in a closed round."""
    return table is not None and _open(table.round) and (
        _staff(user, None) or _is_liaison(user, table) or table_role(user, table) is not None
    )


def _support_ask(user: Any, table: Any) -> bool:
    return table is not None and _open(table.round) and table_role(user, table) is not None


def _support_answer(user: Any, request: Any) -> bool:
    return request is not None and (_staff(user, None) or _is_liaison(user, request.table))


def _author(user: Any, item: Any) -> bool:
    return _logged_in(user, None) and item is not None and item.author_id == user.id


def _update_edit(user: Any, update: Any) -> bool:
    """Only its author changes a progress update (while still working at the table, round open);
    not staff, not the liaison: it is someone's own account. The time window is the service's."""
    return _author(user, update) and _table_work(user, update.work_package.table)


def _update_withdraw(user: Any, update: Any) -> bool:
    """Its author withdraws it; staff may withdraw anyone's (moderation). Never in a closed round."""
    return update is not None and (
        _update_edit(user, update) or (_staff(user, None) and _open(update.work_package.table.round))
    )


def _support_edit(user: Any, request: Any) -> bool:
    """Only who asked changes a support request (still at the table, round open); until it is
    answered, which the service checks."""
    return _author(user, request) and _support_ask(user, request.table)


def _support_withdraw(user: Any, request: Any) -> bool:
    """Who asked withdraws it; staff may withdraw anyone's (moderation). Never in a closed round."""
    return request is not None and (
        _support_edit(user, request) or (_staff(user, None) and _open(request.table.round))
    )


def _deliverable_team(user: Any, deliverable: Any) -> bool:
    """Staff, the table's liaison and its members see an end product's drafts and reviews."""
    if deliverable is None or not _logged_in(user, None):
        return False
    table = deliverable.work_package.table
    return user.is_staff or _is_liaison(user, table) or table_role(user, table) is not None


def _deliverable_edit(user: Any, deliverable: Any) -> bool:
    return deliverable is not None and (
        _staff(user, None) or _table_work(user, deliverable.work_package.table)
    )


def _deliverable_review(user: Any, deliverable: Any) -> bool:
    return deliverable is not None and (_staff(user, None) or _is_liaison(user, deliverable.work_package.table))


def _version_read(user: Any, version: Any) -> bool:
    """Published public versions are for everyone, network-only ones for logged-in people;
    anything unpublished only for the end product's own team."""
    if version is None:
        return False
    if version.published_at is not None and version.deliverable.published_version_id is not None:
        return version.visibility == Visibility.PUBLIC or _logged_in(user, None)
    return _deliverable_team(user, version.deliverable)


def _version_in(statuses: tuple[VersionStatus, ...],
                rule: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """`rule` on the version's end product, and only while the version is in one of `statuses`:
    what a person may do with the version as it is now (the buttons on its page)."""

    def check(user: Any, version: Any) -> bool:
        return version is not None and version.status in statuses and rule(user, version.deliverable)

    return check


def coalition_ids(user: Any) -> frozenset[int]:
    """The local coalitions a person belongs to (read with their other facts, once per request)."""
    return person_facts(user).coalition_ids


def _core_or_staff(user: Any, _obj: Any) -> bool:
    return _logged_in(user, None) and (user.is_staff or user.is_core_group)


def _questions_view(user: Any, _obj: Any) -> bool:
    """Coalition members, the core group and staff see every question; nobody else."""
    return _core_or_staff(user, None) or bool(coalition_ids(user))


def _question_raise(user: Any, _obj: Any) -> bool:
    return bool(coalition_ids(user))


def _question_edit(user: Any, question: Any) -> bool:
    """Its own coalition edits a question while it is new (and not merged)."""
    return (question is not None and question.status == "nieuw" and question.merged_into_id is None
            and question.coalition_id in coalition_ids(user))


def _question_signal(user: Any, question: Any) -> bool:
    """'Ook bij ons' from (or taken back by) another coalition than the one that raised it."""
    return (question is not None and question.merged_into_id is None
            and bool(coalition_ids(user) - {question.coalition_id}))


def _question_triage(user: Any, question: Any) -> bool:
    return _core_or_staff(user, None) and (question is None or question.merged_into_id is None)
def _staff_or_core(user: Any, _obj: Any) -> bool:
    return _logged_in(user, None) and (user.is_staff or user.is_core_group)


def _mark_used(user: Any, deliverable: Any) -> bool:
    """A member of a local coalition marks a published end product as used in their municipality."""
    return (_logged_in(user, None) and deliverable is not None and deliverable.published_version_id is not None
            and deliverable.withdrawn_at is None and bool(user.coalitions))


PERMISSIONS: dict[str, Callable[[Any, Any], bool]] = {
    "site.view": _anyone,
    "account.view": _logged_in,
    "network.view": _logged_in,
    "users.list": _staff,
    "users.invite": _staff,
    "users.edit": _staff,
    # Inviting someone for a table seats them at it: staff, and the table's own liaison.
    "users.invite_to_table": _table_steer,
    "users.deactivate": _staff_on_other_user,
    "users.reset_two_factor": _staff_on_other_user,
    "users.reactivate": _staff,
    "audit.view": _staff,
    "dashboard.view": _logged_in,
    "rounds.view": _logged_in,
    "round.create": _staff,
    "round.edit": _round_staff,
    "round.close": _round_staff,
    "table.create": _table_create,
    "table.view": _logged_in,
    "table.edit": _table_steer,
    "table.carry_over": _table_carry_over,
    "table.evaluate": _table_evaluate,
    "table.work": _table_work,
    "support.ask": _support_ask,
    "support.answer": _support_answer,
    "support.edit": _support_edit,
    "support.withdraw": _support_withdraw,
    "update.edit": _update_edit,
    "update.withdraw": _update_withdraw,
    "notifications.view": _logged_in,
    # The organisation directory and the municipality pages: for the whole network.
    "organisations.view": _logged_in,
    "organisation.create": _staff_or_core,
    "organisation.edit": _staff_or_core,
    "organisation.archive": _staff_or_core,
    "municipality.view": _logged_in,
    "deliverable.mark_used": _mark_used,
    "reminders.admin": _staff,
    "library.view": _anyone,
    "library.follow": _logged_in,
    # The synonym groups search applies (JGZ ~ jeugdgezondheidszorg): staff keep them.
    "synonyms.manage": _staff,
    "version.read": _version_read,
    "deliverable.create": _table_work,
    "deliverable.manage": _deliverable_team,
    "deliverable.edit": _deliverable_edit,
    "deliverable.submit": _deliverable_edit,
    "deliverable.review": _deliverable_review,
    "deliverable.publish": _staff,
    "deliverable.withdraw": _staff,
    # Status-aware: may this person do it to this version now?
    "version.edit": _version_in((VersionStatus.DRAFT,), _deliverable_edit),
    "version.submit": _version_in((VersionStatus.DRAFT,), _deliverable_edit),
    "version.start_next": _version_in((VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED), _deliverable_edit),
    "version.review": _version_in((VersionStatus.IN_REVIEW,), _deliverable_review),
    "version.publish": _version_in((VersionStatus.APPROVED,), _staff),
    "version.remove_attachment": _version_in((VersionStatus.DRAFT,), _deliverable_edit),
    # Coalition questions: all logged-in coalition members, the core group and staff see them.
    "questions.view": _questions_view,
    "question.raise": _question_raise,
    "question.edit": _question_edit,
    "question.signal": _question_signal,
    "question.triage": _question_triage,
    # The core group's own view; coalition members have /vraagstukken.
    "core_group.view": _core_or_staff,
}


def can(user: Any, action: str, obj: Any = None) -> bool:
    """True when `user` may perform `action` (on `obj`). Unknown actions are refused."""
    rule = PERMISSIONS.get(action)
    if rule is None:
        raise KeyError(f"unknown policy action: {action}")
    return rule(user, obj)


def require(action: str, obj: Any = None) -> None:
    """Abort the request unless the current user may perform `action`."""
    if can(current_user, action, obj):
        return
    if not current_user.is_authenticated:
        abort(401)
    abort(403)
