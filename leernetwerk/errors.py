"""The one error hierarchy of the domain: a broken rule, with a message for the user.

Services raise these without knowing about HTTP; `leernetwerk.web.save` turns them into a
form error, a flash message or the conflict page. Each area has its own subclass.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A broken rule with a translated message for the user, tied to a form field if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class EditConflict(DomainError):
    """Someone else saved first. Carries what is stored now, so the page can show both versions
    side by side and nothing typed is lost; `version` is what the next save must be made against."""

    def __init__(self, message: str, current: dict[str, Any], version: int) -> None:
        super().__init__(message)
        self.current = current
        self.version = version


class VersionMissing(DomainError):
    """A save of a versioned object that does not say which version it was made against: refused,
    since the edit-conflict check cannot be made (it would be a silent overwrite)."""
