"""The generation of the rounds' work: a number that moves whenever a round's totals, its tables'
colours, the lists its filters give or the names on them could change. A round's summary (rounds/overview.py) is
kept per process under it (rule R32); how a generation works is in leernetwerk/generations.py.
Bulk statements on these models must call `bump()` themselves (a listener sees only ORM changes).

`keep` holds what is computed from round work per process under this generation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app

from ..generations import Generation, Watched
from ..kept import Kept
from .models import WorkState


def _watched() -> Watched:
    from ..auth.models import User
    from ..library.models import Deliverable, DeliverableVersion
    from .models import (
        Milestone,
        ProgressUpdate,
        Round,
        SupportRequest,
        TableEvaluation,
        TableMembership,
        ThematicTable,
        WorkPackage,
    )

    # End products count for the "waiting for review" and "to publish" filters; a liaison's name is
    # on the round page's table list (a login, which also changes the person's row, is not).
    return (Round, ThematicTable, TableMembership, WorkPackage, Milestone, ProgressUpdate, SupportRequest,
            TableEvaluation, Deliverable, DeliverableVersion, (User, ("name",)))


WORK = Generation("work_generation", WorkState, _watched)
current = WORK.current
bump = WORK.bump


KEPT = 128  # things kept per process (a few KB each; the ids of a 7,500-table round ~60 KB)


def keep(key: tuple, compute: Callable[[], Any]) -> Any:
    """What `compute` makes, kept in this process under `key` plus the rounds' work generation
    (rule R32): computed again after any change to round work, by any worker or app server. What
    follows the clock follows the day ("updates this week", "quiet for 14 days" count calendar
    days), so every key holds the day and nothing expires by the hour: a part rebuilt in a
    visitor's request costs up to a second at national scale. Only for plain values (numbers,
    ids, text, rendered HTML), never rows of a session."""
    generation = WORK.current()[0]
    if not generation:  # no generation row (a database filled by bulk statements): nothing is kept
        return compute()
    kept = current_app.extensions.get("round_summaries")
    if kept is None:
        kept = current_app.extensions["round_summaries"] = Kept(KEPT)
    return kept.get((generation, *key), compute)
