"""What the organisation directory and a municipality's page read, each in a fixed number of
queries whatever the number of organisations (tests/coalitions/test_place_pages.py counts them).

An organisation is active in a municipality when it works there (`gemeente`, `regio`) or works in
all of Friesland (`provincie`), which counts for all 18.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..database import inline
from ..dates import days_back
from ..extensions import db
from ..library.models import LibraryEntry, entry_municipalities
from ..rounds.models import ActionLine
from ..web import Pages
from .models import (
    Coalition,
    CoalitionMember,
    DeliverableUse,
    Municipality,
    Organisation,
    OrganisationKind,
    Question,
    QuestionSignal,
    QuestionStatus,
    WorkingArea,
    organisation_action_lines,
)


@dataclass
class OrganisationRow:
    organisation: Organisation
    action_lines: list[str]

    @property
    def municipality_names(self) -> list[str]:
        return [m.name for m in self.organisation.municipalities]


@dataclass
class MapTile:
    municipality: Municipality
    count: int
    level: int            # 0 (none) .. 4 (most), the tile's shade
    col: int
    row: int


@dataclass
class DirectoryPage:
    rows: list[OrganisationRow]
    municipalities: list[Municipality]
    tiles: list[MapTile]
    filters: dict[str, str] = field(default_factory=dict)
    question_map: bool = False    # the map shows open questions instead of organisations
    archived: bool = False        # the list shows the archived organisations (for staff and core group)
    archived_count: int = 0
    pages: Pages | None = None    # the list's paging (the map counts every organisation)


# A schematic tile map of Friesland: each municipality one square, roughly where it lies
# (the Wadden islands along the top, Leeuwarden in the middle, the Stellingwerven in the south-east).
TILE_POSITIONS: dict[str, tuple[int, int]] = {  # name → (column, row)
    "Vlieland": (0, 0), "Terschelling": (1, 0), "Ameland": (3, 0), "Schiermonnikoog": (4, 0),
    "Harlingen": (0, 1), "Waadhoeke": (1, 1), "Leeuwarden": (2, 1), "Noardeast-Fryslân": (3, 1),
    "Dantumadiel": (4, 1),
    "Súdwest-Fryslân": (1, 2), "Tytsjerksteradiel": (3, 2), "Achtkarspelen": (4, 2),
    "De Fryske Marren": (1, 3), "Heerenveen": (2, 3), "Smallingerland": (3, 3), "Opsterland": (4, 3),
    "Weststellingwerf": (2, 4), "Ooststellingwerf": (3, 4),
}
MAP_COLUMNS, MAP_ROWS = 5, 5


def _active_in(municipality_id: int):  # noqa: ANN202
    """Condition: the organisation is active in this municipality (province-wide ones always)."""
    from .models import organisation_municipalities as om

    return or_(Organisation.working_area == WorkingArea.PROVINCE, Organisation.id.in_(
        select(om.c.organisation_id).where(om.c.municipality_id == municipality_id)))


def _action_lines(organisation_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    if organisation_ids:
        for org_id, line in db.session.execute(select(
                organisation_action_lines.c.organisation_id, organisation_action_lines.c.action_line).where(
                organisation_action_lines.c.organisation_id.in_(organisation_ids))):
            found[org_id].add(line)
    return {org_id: [line.value for line in ActionLine if line.value in lines] for org_id, lines in found.items()}


def _level(count: int, most: int) -> int:
    if count == 0 or most == 0:
        return 0
    return max(1, min(4, -(-count * 4 // most)))


def _tiles(municipalities: list[Municipality], counts: dict[int, int]) -> list[MapTile]:
    most = max(counts.values(), default=0)
    return [MapTile(m, counts.get(m.id, 0), _level(counts.get(m.id, 0), most),
                    *TILE_POSITIONS.get(m.name, (i % MAP_COLUMNS, MAP_ROWS + i // MAP_COLUMNS)))
            for i, m in enumerate(municipalities)]


OPEN_QUESTION_STATES = (QuestionStatus.NEW, QuestionStatus.IN_PROGRESS, QuestionStatus.PLACED)


def open_question_counts() -> dict[int, int]:
    """Municipality id → open questions its coalition raised or shares ("ook bij ons"); merged
    duplicates count through the question they were merged into. One query."""
    live = (Question.merged_into_id.is_(None), Question.status.in_(OPEN_QUESTION_STATES))
    raised = (select(Coalition.municipality_id.label("municipality_id"), Question.id.label("question_id"))
              .join(Question, Question.coalition_id == Coalition.id).where(*live))
    shared = (select(Coalition.municipality_id, QuestionSignal.question_id)
              .join(QuestionSignal, QuestionSignal.coalition_id == Coalition.id)
              .join(Question, Question.id == QuestionSignal.question_id).where(*live))
    pairs = union(raised, shared).subquery()
    return dict(db.session.execute(
        select(pairs.c.municipality_id, func.count()).group_by(pairs.c.municipality_id)).tuples().all())


def question_tiles() -> list[MapTile]:
    """The tile map coloured by open questions. Two queries."""
    municipalities = list(db.session.execute(select(Municipality).order_by(Municipality.name)).scalars())
    return _tiles(municipalities, open_question_counts())


ORGANISATIONS_PER_PAGE = 25


def directory(q: str = "", kind: str = "", municipality_slug: str = "", action_line: str = "",
              question_map: bool = False, archived: bool = False, page: int = 1,
              per_page: int = ORGANISATIONS_PER_PAGE) -> DirectoryPage:
    """The organisation directory, filtered and paged; with the map's count per municipality
    (counted in the database under the same filters, except the municipality). A fixed number of
    queries whatever the number of organisations: municipalities, the map's two counts, the
    total, one page of organisations with their municipalities and action lines, the archive's count."""
    municipalities = list(db.session.execute(select(Municipality).order_by(Municipality.name)).scalars())
    conditions = [Organisation.active.is_(not archived)]
    words = q.strip().lower()
    if words:
        pattern = f"%{words}%"
        conditions.append(or_(func.lower(Organisation.name).like(pattern),
                              func.lower(Organisation.description).like(pattern),
                              func.lower(Organisation.when_to_engage).like(pattern)))
    if kind in OrganisationKind.__members__.values():
        conditions.append(Organisation.kind == kind)
    if action_line in ActionLine.__members__.values():
        conditions.append(Organisation.id.in_(select(organisation_action_lines.c.organisation_id).where(
            organisation_action_lines.c.action_line == action_line)))

    if question_map:
        counts = open_question_counts()
    else:
        from .models import organisation_municipalities as om

        province = db.session.execute(select(func.count()).select_from(Organisation).where(
            *conditions, Organisation.working_area == WorkingArea.PROVINCE)).scalar_one()
        local = dict(db.session.execute(
            select(om.c.municipality_id, func.count(func.distinct(om.c.organisation_id)))
            .join(Organisation, Organisation.id == om.c.organisation_id)
            .where(*conditions, Organisation.working_area != WorkingArea.PROVINCE)
            .group_by(om.c.municipality_id)).tuples().all())
        counts = {m.id: province + local.get(m.id, 0) for m in municipalities}
    tiles = _tiles(municipalities, counts)

    chosen = next((m for m in municipalities if m.slug == municipality_slug), None)
    if chosen is not None:
        conditions.append(_active_in(chosen.id))
    total = db.session.execute(select(func.count()).select_from(Organisation).where(*conditions)).scalar_one()
    pages = Pages.within(page, total, per_page)
    organisations = list(db.session.execute(
        select(Organisation).where(*conditions).options(selectinload(Organisation.municipalities))
        .order_by(Organisation.name, Organisation.id)
        .limit(inline(per_page)).offset(inline((pages.page - 1) * per_page))).scalars())
    lines = _action_lines([o.id for o in organisations])
    return DirectoryPage(
        rows=[OrganisationRow(o, lines.get(o.id, [])) for o in organisations], municipalities=municipalities,
        tiles=tiles, question_map=question_map, archived=archived, pages=pages,
        archived_count=db.session.execute(select(func.count()).select_from(Organisation).where(
            Organisation.active.is_(False))).scalar_one(),
        filters={"q": q, "soort": kind, "gemeente": chosen.slug if chosen else "", "actielijn": action_line})


@dataclass
class MunicipalityPage:
    municipality: Municipality
    coalition: Coalition | None
    members: list[User]
    by_kind: list[tuple[str, list[Organisation]]]     # (kind, organisations), in OrganisationKind's order
    entries: list[LibraryEntry]                        # end products for it or for all of Friesland
    uses: dict[int, int]                                # deliverable id → coalitions that use it
    used_here: list[tuple[LibraryEntry, DeliverableUse]]
    questions: list = field(default_factory=list)      # (question, shared): its coalition's open questions
    kind_counts: dict[str, int] = field(default_factory=dict)  # organisations active here per kind (all)
    entry_count: int = 0                               # end products for it, of which `entries` are the newest


PER_KIND = 8          # organisations shown per kind on a municipality's page
ENTRIES_SHOWN = 20    # its newest end products shown; the library lists them all


def municipality_page(slug: str, *, visible_to_network: bool = True) -> MunicipalityPage | None:
    """One municipality: its coalition and members, the organisations active there grouped by
    kind, and the end products that concern it. Seven queries."""
    municipality = db.session.execute(select(Municipality).where(Municipality.slug == slug)).scalar_one_or_none()
    if municipality is None:
        return None
    coalition = db.session.execute(select(Coalition).where(
        Coalition.municipality_id == municipality.id)).unique().scalar_one_or_none()
    members = [] if coalition is None else list(db.session.execute(
        select(User).join(CoalitionMember, CoalitionMember.user_id == User.id)
        .where(CoalitionMember.coalition_id == coalition.id, User.active.is_(True)).order_by(User.name)
    ).unique().scalars())
    active_here = (Organisation.active.is_(True), _active_in(municipality.id))
    # A few per kind, with each kind's count: the rest is one click away in the filtered directory.
    ranked = (select(Organisation.id, func.row_number().over(
        partition_by=Organisation.kind, order_by=(Organisation.name, Organisation.id)).label("rank"))
        .where(*active_here).subquery())
    organisations = list(db.session.execute(
        select(Organisation).join(ranked, ranked.c.id == Organisation.id)
        .where(ranked.c.rank <= PER_KIND).order_by(Organisation.name, Organisation.id)).scalars())
    kind_counts = dict(db.session.execute(
        select(Organisation.kind, func.count()).where(*active_here).group_by(Organisation.kind)).tuples().all())
    grouped: dict[str, list[Organisation]] = defaultdict(list)
    for organisation in organisations:
        grouped[organisation.kind].append(organisation)
    by_kind = [(kind.value, grouped[kind.value]) for kind in OrganisationKind if grouped.get(kind.value)]

    entry_query = select(LibraryEntry).where(or_(
        LibraryEntry.all_of_friesland.is_(True),
        LibraryEntry.deliverable_id.in_(select(entry_municipalities.c.deliverable_id).where(
            entry_municipalities.c.municipality_id == municipality.id))))
    if not visible_to_network:
        from ..library.models import Visibility

        entry_query = entry_query.where(LibraryEntry.visibility == Visibility.PUBLIC)
    entries = list(db.session.execute(
        entry_query.order_by(LibraryEntry.published_at.desc(), LibraryEntry.deliverable_id.desc())
        .limit(inline(ENTRIES_SHOWN))).scalars())
    entry_count = db.session.execute(
        select(func.count()).select_from(entry_query.subquery())).scalar_one()
    uses = use_counts([e.deliverable_id for e in entries])
    used_here: list[tuple[LibraryEntry, DeliverableUse]] = []
    if coalition is not None:
        used_here = [(entry, use) for entry, use in db.session.execute(
            select(LibraryEntry, DeliverableUse)
            .join(DeliverableUse, DeliverableUse.deliverable_id == LibraryEntry.deliverable_id)
            .where(DeliverableUse.coalition_id == coalition.id)
            .order_by(DeliverableUse.created_at.desc()).limit(inline(ENTRIES_SHOWN))).unique().all()]
    from .queries import questions_of

    questions = questions_of([coalition.id], open_only=True) if coalition is not None else []
    return MunicipalityPage(municipality, coalition, members, by_kind, entries, uses, used_here, questions,
                            kind_counts=kind_counts, entry_count=entry_count)


def use_counts(deliverable_ids: list[int]) -> dict[int, int]:
    """How many coalitions use each end product (one query)."""
    if not deliverable_ids:
        return {}
    return dict(db.session.execute(
        select(DeliverableUse.deliverable_id, func.count()).where(DeliverableUse.deliverable_id.in_(deliverable_ids))
        .group_by(DeliverableUse.deliverable_id)).all())


def uses_of(deliverable_id: int) -> list[DeliverableUse]:
    """Where an end product is used: each coalition's mark, by municipality (one query)."""
    return list(db.session.execute(
        select(DeliverableUse).join(Coalition, Coalition.id == DeliverableUse.coalition_id)
        .join(Municipality, Municipality.id == Coalition.municipality_id)
        .where(DeliverableUse.deliverable_id == deliverable_id).order_by(Municipality.name)).unique().scalars())


@dataclass
class MyPlaces:
    """The coalition part of `/mijn`: the person's municipalities and what is new for them."""

    coalitions: list[Coalition]
    new_entries: list[LibraryEntry]      # for one of their municipalities or all of Friesland
    since: datetime | None               # new since this moment (their previous visit)
    questions: list = field(default_factory=list)  # (question, shared) their coalitions raised or share
    alike: list = field(default_factory=list)      # questions of other coalitions that look like theirs
    tiles: list[MapTile] = field(default_factory=list)  # the map, coloured by open questions


def my_places(user: User, since: datetime | None) -> MyPlaces | None:
    """For a coalition member: end products published for their municipality or all of Friesland
    since `since` (their previous visit; the last 30 days on a first visit). Two queries."""
    from .places import coalitions_of

    coalitions = coalitions_of(user)
    if not coalitions:
        return None
    start = since or days_back(30)
    municipality_ids = [c.municipality_id for c in coalitions]
    new_entries = list(db.session.execute(
        select(LibraryEntry).where(LibraryEntry.published_at > start, or_(
            LibraryEntry.all_of_friesland.is_(True),
            LibraryEntry.deliverable_id.in_(select(entry_municipalities.c.deliverable_id).where(
                entry_municipalities.c.municipality_id.in_(municipality_ids)))))
        .order_by(LibraryEntry.published_at.desc()).limit(inline(20))).scalars())
    from .queries import questions_of
    from .services import similar_questions

    questions = questions_of([c.id for c in coalitions], limit=10)
    own = {q.id for q, _shared in questions}
    alike = [q for q, _score in similar_questions(" ".join(q.title for q, _shared in questions), limit=8)
             if q.id not in own][:5] if questions else []
    return MyPlaces(coalitions, new_entries, since, questions, alike, question_tiles())
