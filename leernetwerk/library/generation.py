"""The library's generation: a number that moves whenever what an anonymous visitor sees of the
library could change (a publication, a withdrawal, an attachment, a "gebruikt in" mark, a table
or round renamed). Cached public pages and their ETags are keyed by it (rule R24); how a
generation works is in leernetwerk/generations.py. Bulk statements on library entries call
`bump()` themselves (a listener sees only ORM changes).
"""

from __future__ import annotations

from ..generations import Generation, reader
from .models import LibraryState


def _watched() -> tuple[type, ...]:
    from ..coalitions.models import Coalition, DeliverableUse, Municipality, Organisation
    from ..rounds.models import Round, ThematicTable
    from .models import Attachment, Deliverable, DeliverableVersion, LibraryEntry, SynonymGroup

    # Synonyms change what a search finds, so cached result pages must go too.
    return (Deliverable, DeliverableVersion, LibraryEntry, Attachment, DeliverableUse, Coalition, Municipality,
            Organisation, ThematicTable, Round, SynonymGroup)


LIBRARY = Generation("library_generation", LibraryState, _watched)
current = LIBRARY.current
bump = LIBRARY.bump

__all__ = ["LIBRARY", "bump", "current", "reader"]
