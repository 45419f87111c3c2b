"""The round page at any size (`/rondes/<id>`, and the running round on `/rondes`): its totals,
filters, one page of tables, and theme groups for the timeline when the tables are many.

Everything that grows with the round is counted or paged in the database, so the page costs
the same number of queries and stays a screenful whether a round has four tables or 7,500.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import astuple, dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import case, exists, func, literal, literal_column, or_, select
from sqlalchemy.orm import joinedload, lazyload
from sqlalchemy.sql import Select

from ..auth.models import User
from ..database import inline
from ..dates import day_start
from ..extensions import db
from ..library.models import Deliverable, DeliverableVersion, VersionStatus
from ..params import parse_id
from ..web import Pages
from .generation import keep
from .models import (
    ActionLine,
    Light,
    Milestone,
    ProgressUpdate,
    Round,
    SupportRequest,
    TableEvaluation,
    TableMembership,
    ThematicTable,
    WorkPackage,
    WorkPackageStatus,
)
from .queries import TableRow, TableStatus, latest_lights, quiet_on

PER_PAGE = 25          # tables per page of the list (and of the timeline when it is not grouped)
MAX_GROUPS = 30        # theme lines on a grouped timeline; more themes are reached through the filter
NO_UPDATE = "geen"     # the status filter's value for tables without any update yet
SEVERITY = {NO_UPDATE: 0, Light.ON_TRACK: 1, Light.AT_RISK: 2, Light.DELAYED: 3}
LIGHT_OF = {0: None, 1: Light.ON_TRACK, 2: Light.AT_RISK, 3: Light.DELAYED}


class Attention:
    """The "needs attention" filter's values; /mijn links to them with counts."""

    QUIET = "stil"          # a running work package without an update in 14 days
    SUPPORT = "vraag"       # an open support request
    REVIEW = "review"       # an end product waiting for review
    EVALUATION = "evaluatie"  # no evaluation yet
    PUBLISH = "publiceren"  # an approved end product waiting for staff to publish it
    ALL = (QUIET, SUPPORT, REVIEW, EVALUATION, PUBLISH)


@dataclass
class RoundFilters:
    theme: str | None = None
    action_line: str | None = None
    status: str | None = None     # a Light value or NO_UPDATE
    liaison: int | None = None
    mine: bool = False
    attention: str | None = None

    PARAMS = ("thema", "actielijn", "stand", "verbinding", "mijn", "aandacht")

    @classmethod
    def from_args(cls, args: Any) -> RoundFilters:
        """Unknown values are ignored (a stale link shows the whole round, not an error)."""
        def pick(name: str, allowed) -> str | None:  # noqa: ANN001
            value = (args.get(name) or "").strip()
            return value if value and value in allowed else None

        liaison = parse_id(args.get("verbinding"))
        return cls(
            theme=(args.get("thema") or "").strip()[:120] or None,
            action_line=pick("actielijn", {a.value for a in ActionLine}),
            status=pick("stand", set(SEVERITY)),
            liaison=liaison if liaison and liaison > 0 else None,
            mine=args.get("mijn") == "1",
            attention=pick("aandacht", set(Attention.ALL)),
        )

    @property
    def active(self) -> bool:
        return any((self.theme, self.action_line, self.status, self.liaison, self.mine, self.attention))

    def args(self, **changes: Any) -> dict[str, Any]:
        """These filters as query parameters (a link's whole address is built from them), with changes."""
        values: dict[str, Any] = {"thema": self.theme, "actielijn": self.action_line, "stand": self.status,
                                  "verbinding": self.liaison, "mijn": "1" if self.mine else None,
                                  "aandacht": self.attention}
        values.update(changes)
        return {name: value for name, value in values.items() if value}


def severity_by_table(round_id: int):  # noqa: ANN201 - a subquery
    """(table_id, severity) for the round's tables that have a work package: the most worrying
    latest light of their work packages (0-3, see SEVERITY; 0 also for no update), in SQL. Each
    package's latest live update is looked up through (work_package_id, created_at), so this
    costs one index probe per work package, not a pass over every update."""
    latest = (
        select(ProgressUpdate.light).where(ProgressUpdate.work_package_id == WorkPackage.id, ProgressUpdate.live())
        .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc()).limit(inline(1))
        .correlate(WorkPackage).scalar_subquery()
    )
    lights = (
        select(WorkPackage.table_id.label("table_id"), latest.label("light"))
        .join(ThematicTable, ThematicTable.id == WorkPackage.table_id).where(ThematicTable.round_id == round_id)
        .subquery()
    )
    level = case(*((lights.c.light == light, n) for light, n in SEVERITY.items() if light != NO_UPDATE), else_=0)
    return select(lights.c.table_id, func.max(level).label("severity")).group_by(lights.c.table_id).subquery()


def _level(severity):  # noqa: ANN001, ANN202
    """A table's severity, 0 for a table without work packages. The 0 is written into the SQL (not
    a bound parameter) so that PostgreSQL sees the same expression in SELECT and GROUP BY."""
    return func.coalesce(severity.c.severity, literal_column("0"))


def quiet_table_ids(today: date) -> Select:
    """Tables with running work (not started or in progress, round started and open) that has no
    live update for 14 days: the same rule as /mijn's quiet work and the reminder."""
    return (
        select(WorkPackage.table_id).join(WorkPackage.table).join(ThematicTable.round)
        .where(Round.starts_on <= today, Round.closed_at.is_(None),
               WorkPackage.status.in_([WorkPackageStatus.NOT_STARTED, WorkPackageStatus.IN_PROGRESS]),
               quiet_on(today))
    )


def support_table_ids() -> Select:
    return select(SupportRequest.table_id).where(SupportRequest.is_open)


def review_table_ids(status: str = VersionStatus.IN_REVIEW) -> Select:
    return (
        select(WorkPackage.table_id).join(Deliverable, Deliverable.work_package_id == WorkPackage.id)
        .join(DeliverableVersion, DeliverableVersion.deliverable_id == Deliverable.id)
        .where(DeliverableVersion.status == status)
    )


def mine_clause(user: User):  # noqa: ANN201
    return or_(ThematicTable.liaison_id == user.id,
               ThematicTable.id.in_(select(TableMembership.table_id).where(TableMembership.user_id == user.id)))


def _filtered(round_: Round, filters: RoundFilters, user: User, today: date, severity) -> Select:  # noqa: ANN001
    """The ids of the round's tables that pass the filters."""
    query = select(ThematicTable.id).where(ThematicTable.round_id == round_.id)
    if filters.status:  # the colours are computed only when asked for
        query = query.outerjoin(severity, severity.c.table_id == ThematicTable.id)
    if filters.theme:
        query = query.where(ThematicTable.theme == filters.theme)
    if filters.action_line:
        query = query.where(ThematicTable.action_line == filters.action_line)
    if filters.liaison:
        query = query.where(ThematicTable.liaison_id == filters.liaison)
    if filters.mine:
        query = query.where(mine_clause(user))
    if filters.status:
        query = query.where(_level(severity) == SEVERITY[filters.status])
    if filters.attention == Attention.QUIET:
        query = query.where(ThematicTable.id.in_(quiet_table_ids(today)))
    elif filters.attention == Attention.SUPPORT:
        query = query.where(ThematicTable.id.in_(support_table_ids()))
    elif filters.attention == Attention.REVIEW:
        query = query.where(ThematicTable.id.in_(review_table_ids()))
    elif filters.attention == Attention.PUBLISH:
        query = query.where(ThematicTable.id.in_(review_table_ids(VersionStatus.APPROVED)))
    elif filters.attention == Attention.EVALUATION:
        query = query.where(ThematicTable.archived_at.is_(None),
                            ~exists().where(TableEvaluation.table_id == ThematicTable.id))
    return query


@dataclass
class Totals:
    tables: int = 0
    by_status: dict[str | None, int] = field(default_factory=dict)  # light (None: no update yet) → tables
    milestones_open: int = 0
    milestones_overdue: int = 0
    milestones_done: int = 0
    updates_this_week: int = 0
    without_evaluation: int = 0


@dataclass(frozen=True)
class StatusCount:
    """How many of the round's tables of one theme have one status, inside the filters or not."""

    theme: str
    level: int  # see SEVERITY; 0: no update
    filtered: bool
    tables: int


def status_counts(round_: Round, filtered: Select, severity) -> list[StatusCount]:  # noqa: ANN001
    """The round's tables counted per theme, status and whether the filters keep them: one query.
    Its status (the latest lights of every work package) is the costly part at national scale:
    worked out once for the round's totals and the grouped timeline both."""
    level = _level(severity)
    kept = ThematicTable.id.in_(filtered)
    return [StatusCount(theme, lvl, bool(inside), n) for theme, lvl, inside, n in db.session.execute(
        select(ThematicTable.theme, level, kept, func.count(ThematicTable.id))
        .outerjoin(severity, severity.c.table_id == ThematicTable.id)
        .where(ThematicTable.round_id == round_.id).group_by(ThematicTable.theme, level, kept)
        .order_by(ThematicTable.theme)
    ).all()]


def totals(round_: Round, today: date, counts: list[StatusCount]) -> Totals:
    """The round's numbers, counted in the database: one query besides `counts`."""
    result = Totals()
    for count in counts:
        light = LIGHT_OF[count.level]
        result.by_status[light] = result.by_status.get(light, 0) + count.tables
        result.tables += count.tables
    in_round = select(WorkPackage.id).join(WorkPackage.table).where(ThematicTable.round_id == round_.id)
    open_ = Milestone.done_at.is_(None)

    def count_if(condition) -> object:  # noqa: ANN001
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    milestones = (
        select(count_if(open_ & (Milestone.due_on >= today)), count_if(open_ & (Milestone.due_on < today)),
               count_if(~open_))
        .where(Milestone.work_package_id.in_(in_round), Milestone.live()).subquery()
    )
    week_ago = day_start(today - timedelta(days=6))  # the last seven calendar days, today included
    row = db.session.execute(select(
        *milestones.c,
        select(func.count(ProgressUpdate.id)).where(ProgressUpdate.work_package_id.in_(in_round),
                                                    ProgressUpdate.live(), ProgressUpdate.created_at >= week_ago)
        .scalar_subquery(),
        select(func.count(ThematicTable.id)).where(
            ThematicTable.round_id == round_.id, ThematicTable.archived_at.is_(None),
            ~exists().where(TableEvaluation.table_id == ThematicTable.id)).scalar_subquery(),
    )).one()
    (result.milestones_open, result.milestones_overdue, result.milestones_done, result.updates_this_week,
     result.without_evaluation) = (n or 0 for n in row)
    return result


@dataclass
class WeekMark:
    """The milestones of one theme in one week, on a grouped timeline."""

    week: date        # its Monday
    total: int
    overdue: int
    open: int
    done: int

    @property
    def state(self) -> str:
        return "overdue" if self.overdue else "open" if self.open else "done"


@dataclass
class ThemeGroup:
    theme: str
    tables: int
    by_status: dict[str | None, int]
    milestones_overdue: int = 0
    milestones_open: int = 0
    milestones_done: int = 0
    weeks: list[WeekMark] = field(default_factory=list)

    @property
    def status(self) -> str | None:
        """The most worrying light among its tables (for the swatch)."""
        return TableStatus.worst([light for light, n in self.by_status.items() if n]).light


def theme_groups(filtered: Select, today: date, counts: list[StatusCount]) -> tuple[list[ThemeGroup], int]:
    """Up to MAX_GROUPS themes of the filtered tables with their counts, and how many themes in all:
    one query (milestones per theme, day and state) besides `counts`."""
    groups: dict[str, ThemeGroup] = {}
    for count in counts:
        if count.filtered:
            group = groups.setdefault(count.theme, ThemeGroup(theme=count.theme, tables=0, by_status={}))
            group.by_status[LIGHT_OF[count.level]] = count.tables
            group.tables += count.tables
    shown = dict(list(groups.items())[:MAX_GROUPS])
    if shown:
        state = case((Milestone.done_at.is_not(None), literal("done")), (Milestone.due_on < today, literal("overdue")),
                     else_=literal("open"))
        weeks: dict[str, dict[date, WeekMark]] = defaultdict(dict)
        for theme, due_on, st, n in db.session.execute(
            select(ThematicTable.theme, Milestone.due_on, state, func.count(Milestone.id))
            .join(WorkPackage, WorkPackage.id == Milestone.work_package_id)
            .join(ThematicTable, ThematicTable.id == WorkPackage.table_id)
            .where(ThematicTable.id.in_(filtered), ThematicTable.theme.in_(list(shown)), Milestone.live())
            .group_by(ThematicTable.theme, Milestone.due_on, state)
        ).all():
            monday = due_on - timedelta(days=due_on.weekday())
            mark = weeks[theme].setdefault(monday, WeekMark(week=monday, total=0, overdue=0, open=0, done=0))
            mark.total += n
            setattr(mark, st, getattr(mark, st) + n)
            group = shown[theme]
            setattr(group, f"milestones_{st}", getattr(group, f"milestones_{st}") + n)
        for theme, group in shown.items():
            group.weeks = sorted(weeks[theme].values(), key=lambda m: m.week)
    return list(shown.values()), len(groups)


def table_rows(tables: list[ThematicTable]) -> list[TableRow]:
    """The given tables with their work packages, live milestones, status, member count and
    whether they are evaluated: five queries, however many tables."""
    table_ids = [t.id for t in tables]
    # The same statements for an empty page as for a full one (the query count is tested).
    wps = list(db.session.execute(
        # Their tables are in the session already: not joined in again for each package.
        select(WorkPackage).where(WorkPackage.table_id.in_(table_ids)).options(lazyload(WorkPackage.table))
        .order_by(WorkPackage.id)
    ).scalars())
    wp_ids = [wp.id for wp in wps]
    milestones = list(db.session.execute(
        select(Milestone).where(Milestone.work_package_id.in_(wp_ids), Milestone.live())
        .order_by(Milestone.due_on, Milestone.id)
    ).scalars())
    lights = latest_lights(wp_ids)
    members = dict(db.session.execute(
        select(TableMembership.table_id, func.count()).where(TableMembership.table_id.in_(table_ids))
        .group_by(TableMembership.table_id)
    ).all())
    evaluated = set(db.session.execute(
        select(TableEvaluation.table_id).where(TableEvaluation.table_id.in_(table_ids))).scalars())
    rows = {t.id: TableRow(table=t, status=TableStatus(None), member_count=members.get(t.id, 0),
                           evaluated=t.id in evaluated) for t in tables}
    table_of_wp = {}
    for wp in wps:
        rows[wp.table_id].work_packages.append(wp)
        table_of_wp[wp.id] = wp.table_id
    for m in milestones:
        rows[table_of_wp[m.work_package_id]].milestones.append(m)
    for row in rows.values():
        row.status = TableStatus.worst([lights[wp.id].light if wp.id in lights else None for wp in row.work_packages])
    return list(rows.values())


@dataclass(frozen=True)
class Summary:
    """What a round page shows that depends on the whole round and its filters, not on the page:
    the filtered tables' ids in list order, the totals, the theme groups, the filters' choices.
    Kept per process under the rounds' work generation (see `summary`)."""

    table_ids: tuple[int, ...]
    totals: Totals
    groups: list[ThemeGroup] | None
    theme_count: int
    themes: tuple[str, ...]
    liaison_ids: tuple[int, ...]


def summary(round_: Round, filters: RoundFilters, user: User, today: date, per_page: int = PER_PAGE) -> Summary:
    """The round's summary for these filters: computed in eight queries (nine grouped), or kept
    (see `keep`) when nothing in the rounds' work has changed since."""
    return keep(("summary", round_.id, astuple(filters), user.id if filters.mine else None, per_page, today),
                lambda: _summarise(round_, filters, user, today, per_page))


def _summarise(round_: Round, filters: RoundFilters, user: User, today: date, per_page: int) -> Summary:
    severity = severity_by_table(round_.id)
    filtered = _filtered(round_, filters, user, today, severity)
    table_ids = tuple(db.session.execute(
        select(ThematicTable.id).where(ThematicTable.id.in_(filtered)).order_by(ThematicTable.title, ThematicTable.id)
    ).scalars())
    counts = status_counts(round_, filtered, severity)
    groups, theme_count = None, 0
    if len(table_ids) > per_page and not filters.theme:
        groups, theme_count = theme_groups(filtered, today, counts)
    themes = tuple(db.session.execute(
        select(ThematicTable.theme).where(ThematicTable.round_id == round_.id).distinct().order_by(ThematicTable.theme)
    ).scalars())
    liaison_ids = tuple(db.session.execute(
        select(ThematicTable.liaison_id).where(ThematicTable.round_id == round_.id).distinct()
    ).scalars())
    return Summary(table_ids=table_ids, totals=totals(round_, today, counts), groups=groups,
                   theme_count=theme_count, themes=themes, liaison_ids=liaison_ids)


@dataclass
class RoundView:
    """What the round page shows: its `round` and `rows` (this page's tables, loaded when first
    read), plus totals, paging, and theme groups when the timeline groups."""

    round: Round
    filters: RoundFilters
    user: User
    totals: Totals
    page: Pages                     # over the filtered tables
    page_ids: list[int]             # this page's tables
    groups: list[ThemeGroup] | None  # None: the timeline shows this page's tables
    theme_count: int
    themes: tuple[str, ...]         # the filter's choices
    liaison_ids: tuple[int, ...]

    @property
    def grouped(self) -> bool:
        return self.groups is not None

    @property
    def many(self) -> bool:
        """More tables than one page: the page then shows the round's numbers and its filters."""
        return self.totals.tables > self.page.per_page

    @cached_property
    def liaisons(self) -> list[Any]:
        """The liaison filter's choices, rows of (id, name): names only, as at national scale a
        round has hundreds of liaisons (read when first used)."""
        return list(db.session.execute(
            select(User.id, User.name).where(User.id.in_(self.liaison_ids)).order_by(User.name, User.id)))

    @cached_property
    def rows(self) -> list[TableRow]:
        """This page's tables with their work, status and members: six queries."""
        return table_rows(list(db.session.execute(
            select(ThematicTable).where(ThematicTable.id.in_(self.page_ids))
            .options(joinedload(ThematicTable.liaison)).order_by(ThematicTable.title, ThematicTable.id)
        ).scalars()))

    def key(self, today: date) -> tuple:
        """What the page's table list and timeline depend on, besides the round's work (`keep`)."""
        return (self.round.id, astuple(self.filters), self.user.id if self.filters.mine else None,
                self.page.page, self.page.per_page, today)


def round_view(round_: Round, filters: RoundFilters, user: User, today: date, page: int = 1,
               per_page: int = PER_PAGE) -> RoundView:
    """The round's summary (see `summary`) and one page of its tables (read when first used, see
    `RoundView.rows`): one query when the summary is kept, the same however large the round.

    The timeline groups by theme when the filtered tables are more than one page and no theme is
    chosen; choosing a theme (a link on its line) shows its tables, a page at a time.
    """
    kept = summary(round_, filters, user, today, per_page)
    page = max(page, 1)
    return RoundView(round=round_, filters=filters, user=user, totals=kept.totals,
                     page=Pages(page, len(kept.table_ids), per_page),
                     page_ids=list(kept.table_ids[(page - 1) * per_page:page * per_page]), groups=kept.groups,
                     theme_count=kept.theme_count, themes=kept.themes, liaison_ids=kept.liaison_ids)


@dataclass
class RoundSummary:
    round: Round
    tables: int
    milestones_overdue: int


def rounds_overview(today: date) -> list[RoundSummary]:
    """Every round with its number of tables and overdue milestones: the counts in one query,
    kept (see `keep`); the rounds in one more."""
    counts = keep(("rounds", today), lambda: _round_counts(today))
    rounds = db.session.execute(select(Round).order_by(Round.starts_on.desc())).scalars()
    return [RoundSummary(r, *counts.get(r.id, (0, 0))) for r in rounds]


def _round_counts(today: date) -> dict[int, tuple[int, int]]:
    tables = (select(ThematicTable.round_id, func.count(ThematicTable.id).label("n"))
              .group_by(ThematicTable.round_id).subquery())
    overdue = (
        select(ThematicTable.round_id, func.count(Milestone.id).label("n"))
        .join(WorkPackage, WorkPackage.table_id == ThematicTable.id)
        .join(Milestone, Milestone.work_package_id == WorkPackage.id)
        .where(Milestone.live(), Milestone.done_at.is_(None), Milestone.due_on < today)
        .group_by(ThematicTable.round_id).subquery()
    )
    return {round_id: (t or 0, o or 0) for round_id, t, o in db.session.execute(
        select(Round.id, tables.c.n, overdue.c.n).outerjoin(tables, tables.c.round_id == Round.id)
        .outerjoin(overdue, overdue.c.round_id == Round.id)
    ).all()}
