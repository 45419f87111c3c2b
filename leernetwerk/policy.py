"""Who may do what: the one place that answers it, for views and templates alike.

`can(user, action, obj)` answers; `require(action, obj)` guards a view (401 sends an
anonymous visitor to the login page, 403 refuses a logged-in one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort
from flask_login import current_user


def _logged_in(user: Any, _obj: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


def _staff(user: Any, _obj: Any) -> bool:
    return _logged_in(user, None) and user.is_staff


def _staff_on_other_user(user: Any, target: Any) -> bool:
    # Staff must not lock themselves out: deactivating one's own account is refused.
    return _staff(user, None) and target is not None and target.id != user.id


def _anyone(_user: Any, _obj: Any) -> bool:
    return True


RULES: dict[str, Callable[[Any, Any], bool]] = {
    "site.view": _anyone,
    "account.view": _logged_in,
    "network.view": _logged_in,
    "users.list": _staff,
    "users.invite": _staff,
    "users.deactivate": _staff_on_other_user,
    "users.reactivate": _staff,
    "audit.view": _staff,
}


def can(user: Any, action: str, obj: Any = None) -> bool:
    """True when `user` may perform `action` (on `obj`). Unknown actions are refused."""
    rule = RULES.get(action)
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
