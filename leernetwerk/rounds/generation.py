"""The generation of the rounds' work: a number that moves whenever a round's totals, its tables'
colours, the lists its filters give or the names on them could change. A round's summary (rounds/overview.py) is
kept per process under it (rule R32); how a generation works is in leernetwerk/generations.py.
Bulk statements on these models must call `bump()` themselves (a listener sees only ORM changes).
"""

from __future__ import annotations

from ..generations import Generation, Watched
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
