"""Optimistic locking: a form carries the version it was loaded at, and a save made against an
older version is refused with what is stored now, so the page can show both side by side.

Versioned models name their editable fields in `EDIT_FIELDS` and a version column (SQLAlchemy's
`version_id_col`). Two checks catch a conflict: `check_version` before a change (someone saved
since the form was loaded), and the database's own version check at flush (someone saved in the
same instant), which `leernetwerk.web.save` turns into the same conflict. A save without a
version is refused outright (`VersionMissing`, a form error): no check, no save.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from .audit import snapshot
from .errors import EditConflict, VersionMissing

VERSION_MISSING = _l("Dit formulier mist zijn versienummer, dus we kunnen niet nagaan of iemand anders dit "
                     "intussen heeft gewijzigd. Er is niets opgeslagen: open het formulier opnieuw en breng je "
                     "wijziging nog eens aan.")
CONFLICT_MESSAGE = _l("Iemand anders heeft dit intussen opgeslagen. Hieronder staan beide versies: "
                      "neem over wat je wilt bewaren en sla opnieuw op.")


def version_of(obj: Any) -> int:
    mapper = type(obj).__mapper__
    return getattr(obj, mapper.get_property_by_column(mapper.version_id_col).key)


def conflict_with(obj: Any, message: object = CONFLICT_MESSAGE) -> EditConflict:
    """The conflict against what `obj` holds now (reload it first when the session is stale)."""
    return EditConflict(str(message), current=snapshot(obj, list(type(obj).EDIT_FIELDS)), version=version_of(obj))


def check_version(obj: Any, version: int | None) -> None:
    """Refuse a save made against an older version than the one stored, and one that does not say
    which version it was made against (`None`: the form came without its version field)."""
    if version is None:
        raise VersionMissing(str(VERSION_MISSING))
    if version != version_of(obj):
        raise conflict_with(obj)
