"""What the round, table, work package and dashboard pages need, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import Date, Integer, bindparam, func, literal, or_, select, union, union_all
from sqlalchemy.orm import contains_eager, defaultload, defer, joinedload, lazyload, selectinload
from sqlalchemy.sql import Select

from ..audit import AuditEvent
from ..auth.models import User
from ..database import inline, inline_param
from ..dates import day_start
from ..extensions import db
from ..library.models import Deliverable, DeliverableVersion, VersionStatus
from ..web import Pages
from .generation import keep
from .models import (
    Light,
    Milestone,
    ProgressUpdate,
    Round,
    SupportRequest,
    TableEvaluation,
    TableMembership,
    TableRole,
    ThematicTable,
    WorkPackage,
    WorkPackageStatus,
)

STALE_AFTER_DAYS = 14
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class TableStatus:
    """The colour of a table on the round picture: its work packages' most worrying latest light."""

    light: str | None

    SEVERITY = {None: 0, Light.ON_TRACK: 1, Light.AT_RISK: 2, Light.DELAYED: 3}

    @classmethod
    def worst(cls, lights: list[str | None]) -> TableStatus:
        known = [light for light in lights if light]
        return cls(max(known, key=lambda light: cls.SEVERITY[light]) if known else None)


def latest_lights(work_package_ids: list[int]) -> dict[int, ProgressUpdate]:
    """The newest update of each work package that still counts (not withdrawn), in one query
    (a window function, built once per process)."""
    if not work_package_ids:
        return {}
    rows = db.session.execute(_latest_lights(), {"ids": list(work_package_ids)}).scalars()
    return {u.work_package_id: u for u in rows}


@cache
def _latest_lights() -> Select:
    ranked = (
        select(
            ProgressUpdate.id,
            func.row_number()
            .over(partition_by=ProgressUpdate.work_package_id,
                  order_by=(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc()))
            .label("rank"),
        )
        .where(ProgressUpdate.work_package_id.in_(bindparam("ids", expanding=True)), ProgressUpdate.live())
        .subquery()
    )
    return (select(ProgressUpdate).join(ranked, ranked.c.id == ProgressUpdate.id).where(ranked.c.rank == 1)
            .options(lazyload(ProgressUpdate.author)))  # its light counts here, not who wrote it


def current_round(today: date) -> Round | None:
    """The round today falls in, else the next planned one, else the latest."""
    return (
        db.session.execute(select(Round).where(Round.starts_on <= today, Round.ends_on >= today)).scalar()
        or db.session.execute(select(Round).where(Round.starts_on > today).order_by(Round.starts_on)).scalar()
        or db.session.execute(select(Round).order_by(Round.starts_on.desc())).scalar()
    )


@dataclass
class TableRow:
    table: ThematicTable
    status: TableStatus
    work_packages: list[WorkPackage] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    member_count: int = 0
    evaluated: bool = False


@dataclass
class TablePage:
    table: ThematicTable
    members: list[TableMembership]
    work_packages: list[WorkPackage]
    milestones: dict[int, list[Milestone]]
    lights: dict[int, ProgressUpdate]
    support_requests: list[SupportRequest]
    evaluation: TableEvaluation | None
    carried_to: ThematicTable | None
    later_rounds: list[Round]


def table_page(table: ThematicTable) -> TablePage:
    """The table, its members, work packages with their milestones and latest lights, support
    requests, evaluation, where it was carried to and the rounds it could go to: eight queries,
    built once per process (`_TableReads`)."""
    reads = _table_reads()
    params = {"table": table.id}
    members = list(db.session.execute(reads.members, params).scalars())
    wps = list(db.session.execute(reads.work_packages, params).scalars())
    by_wp: dict[int, list[Milestone]] = defaultdict(list)
    if wps:
        for m in db.session.execute(reads.milestones, params).scalars():
            by_wp[m.work_package_id].append(m)
    requests = list(db.session.execute(reads.support_requests, params).scalars())
    evaluation = db.session.execute(reads.evaluation, params).scalar_one_or_none()
    carried_to = db.session.execute(reads.carried_to, params).scalar_one_or_none()
    later = list(db.session.execute(reads.later_rounds, {"starts_on": table.round.starts_on}).scalars())
    return TablePage(table=table, members=members, work_packages=wps, milestones=by_wp,
                     lights=latest_lights([w.id for w in wps]), support_requests=requests,
                     evaluation=evaluation, carried_to=carried_to, later_rounds=later)


@dataclass(frozen=True)
class _TableReads:
    """The table page's statements, for the table given as the parameter `table`."""

    members: Select
    work_packages: Select
    milestones: Select
    support_requests: Select
    evaluation: Select
    carried_to: Select
    later_rounds: Select


@cache
def _table_reads() -> _TableReads:
    table_id = bindparam("table", type_=Integer)
    return _TableReads(
        members=select(TableMembership).where(TableMembership.table_id == table_id)
        .join(TableMembership.user).order_by(TableMembership.role, User.name)
        .options(contains_eager(TableMembership.user)),  # from the join above, not a second one
        # The table (with its round and liaison) is in the session: not joined in again for each.
        work_packages=select(WorkPackage).where(WorkPackage.table_id == table_id)
        .options(joinedload(WorkPackage.owner), lazyload(WorkPackage.table)).order_by(WorkPackage.id),
        milestones=select(Milestone)
        .where(Milestone.work_package_id.in_(select(WorkPackage.id).where(WorkPackage.table_id == table_id)),
               Milestone.live())
        .options(joinedload(Milestone.assignee)).order_by(Milestone.due_on, Milestone.id),
        support_requests=select(SupportRequest).where(SupportRequest.table_id == table_id)
        .options(selectinload(SupportRequest.withdrawn_by), lazyload(SupportRequest.table))
        .order_by(SupportRequest.is_open.desc(), SupportRequest.created_at.desc()),  # waiting ones first
        evaluation=select(TableEvaluation).where(TableEvaluation.table_id == table_id),
        carried_to=select(ThematicTable).where(ThematicTable.carried_over_from_id == table_id),
        later_rounds=select(Round).where(Round.starts_on > bindparam("starts_on", type_=Date), Round.closed_at.is_(None))
        .order_by(Round.starts_on),
    )


UPDATES_SHOWN = 20   # updates per page of a work package (newest first); older ones a page further
CHANGES_SHOWN = 20   # entries of its change history per page


@dataclass
class WorkPackagePage:
    work_package: WorkPackage
    milestones: list[Milestone]
    updates: list[ProgressUpdate]
    updates_page: Pages
    deliverables: list[tuple[Deliverable, DeliverableVersion]]


def work_package_page(wp: WorkPackage, updates_page: int = 1) -> WorkPackagePage:
    """The package, its milestones, a page of its updates (counted in the database), its end
    products: four queries, however long its history (the change history is read apart,
    `work_package_changes`). Their statements are built once per process (`_WorkPackageReads`):
    building one and its cache key took as long as running it on SQLite."""
    reads = _work_package_reads()
    params = {"wp": wp.id}
    milestones = list(db.session.execute(reads.milestones, params).scalars())
    updates_at = Pages.within(updates_page, db.session.execute(reads.updates_count, params).scalar_one(),
                              UPDATES_SHOWN)
    updates = list(db.session.execute(
        reads.updates, {**params, "offset": (updates_at.page - 1) * UPDATES_SHOWN}).scalars())
    deliverables = [tuple(row) for row in db.session.execute(reads.deliverables, params).all()]
    return WorkPackagePage(work_package=wp, milestones=milestones, updates=updates, updates_page=updates_at,
                           deliverables=deliverables)


def work_package_changes(wp: WorkPackage, page: int = 1) -> tuple[list[AuditEvent], Pages]:
    """A page of the package's change history, newest first (withdrawn updates stay in it,
    marked; removed milestones' removal too): two queries."""
    reads = _work_package_reads()
    params = {"wp": wp.id}
    at = Pages.within(page, db.session.execute(reads.changes_count, params).scalar_one(), CHANGES_SHOWN)
    changes = list(db.session.execute(reads.changes, {**params, "offset": (at.page - 1) * CHANGES_SHOWN}).scalars())
    return changes, at


@dataclass(frozen=True)
class _WorkPackageReads:
    """The work-package page's statements, for the package given as the parameter `wp`."""

    milestones: Select
    updates_count: Select
    updates: Select
    changes_count: Select
    changes: Select
    deliverables: Select


@cache
def _work_package_reads() -> _WorkPackageReads:
    wp_id = bindparam("wp", type_=Integer)

    # The history keeps what happened to removed milestones too (their removal among it).
    # Made anew for each statement (a shared subquery defeats the statement cache).
    def about_this():  # noqa: ANN202
        return or_((AuditEvent.object_type == "work_packages") & (AuditEvent.object_id == wp_id),
                   (AuditEvent.object_type == "milestones") & (AuditEvent.object_id.in_(
                       select(Milestone.id).where(Milestone.work_package_id == wp_id))))

    latest = (  # of this package's end products only (not a pass over every version)
        select(DeliverableVersion.deliverable_id, func.max(DeliverableVersion.number).label("number"))
        .where(DeliverableVersion.deliverable_id.in_(select(Deliverable.id).where(Deliverable.work_package_id == wp_id)))
        .group_by(DeliverableVersion.deliverable_id).subquery()
    )
    return _WorkPackageReads(
        milestones=select(Milestone).where(Milestone.work_package_id == wp_id, Milestone.live())
        .options(joinedload(Milestone.assignee)).order_by(Milestone.due_on, Milestone.id),
        # Withdrawn updates stay in the list, marked as such.
        updates_count=select(func.count(ProgressUpdate.id)).where(ProgressUpdate.work_package_id == wp_id),
        changes_count=select(func.count(AuditEvent.id)).where(about_this()),
        updates=select(ProgressUpdate).where(ProgressUpdate.work_package_id == wp_id)
        .options(selectinload(ProgressUpdate.withdrawn_by))
        .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
        .offset(inline_param("offset")).limit(inline(UPDATES_SHOWN)),
        changes=select(AuditEvent).where(about_this()).order_by(AuditEvent.id.desc())
        .offset(inline_param("offset")).limit(inline(CHANGES_SHOWN)),
        deliverables=select(Deliverable, DeliverableVersion)
        .join(DeliverableVersion, DeliverableVersion.deliverable_id == Deliverable.id)
        .join(latest, (latest.c.deliverable_id == Deliverable.id) & (latest.c.number == DeliverableVersion.number))
        .where(Deliverable.work_package_id == wp_id).order_by(Deliverable.id)
        # The page shows each one's title and state: its text (long, at national scale) stays unread,
        # and the package, its table, round and liaison are not joined in again for each (156
        # columns a row): this package is in the session already, so they cost no query.
        .options(defer(DeliverableVersion.body), defer(DeliverableVersion.summary),
                 lazyload(Deliverable.work_package), lazyload(DeliverableVersion.deliverable)),
    )


def quiet_on(today: date):  # noqa: ANN201 - a SQL condition on WorkPackage
    """The work package is quiet today (see `quiet_cutoff`)."""
    return quiet_since(quiet_cutoff(today))


def quiet_cutoff(today: date) -> datetime:
    """Work is quiet today when its latest live update is from the day 14 days ago or earlier, or
    it has none: no update since this moment. Counted in calendar days, as the reminder counts
    (it fires 14 days after the day of the last update), so the answer changes only when the day
    does."""
    return day_start(today - timedelta(days=STALE_AFTER_DAYS - 1))


def quiet_since(moment):  # noqa: ANN001, ANN201 - a SQL condition on WorkPackage
    """The work package has no live update since `moment`: its latest one, looked up per package
    through the (work_package_id, created_at) index, is older or missing."""
    latest = (select(func.max(ProgressUpdate.created_at))
              .where(ProgressUpdate.work_package_id == WorkPackage.id, ProgressUpdate.live())
              .correlate(WorkPackage).scalar_subquery())
    return or_(latest.is_(None), latest < moment)


SHOWN = 5          # items per panel of /mijn: the most urgent ones; the rest through the links
TABLES_SHOWN = 8   # tables on /mijn before "all my tables" links


@dataclass
class Panel:
    """One list on `/mijn`: its most urgent items, whether there are more, and how many tables
    each open round has with such items (the links into the round page's filtered list)."""

    items: list
    more: bool = False
    by_round: list[tuple[Round, int]] = field(default_factory=list)

    def __iter__(self):  # noqa: ANN204 - iterating a panel iterates its items
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class Dashboard:
    tables: Panel  # of (ThematicTable, role)
    milestones: Panel
    stale: Panel
    support_requests: Panel
    reviews: Panel
    to_publish: Panel  # approved, waiting for staff (empty for everyone else)
    today: date
    # The panels that can have content for this person's roles ("tables", "milestones", "stale",
    # "support", "reviews", "publish"); the others are not shown.
    panels: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _PanelReads:
    """A panel's statements: its first rows (one more than shown, to know there are more) and
    its distinct tables per round (run with the other panels' in `_by_round`, and only when
    those counts are not kept)."""

    rows: Select
    counted: Select


def _panel(query, table_id, limit: int = SHOWN, *,  # noqa: ANN001
           first_by: tuple = (), shown: tuple = ()) -> _PanelReads:
    """The statements of a panel that lists the first `limit` rows of `query`.

    With `first_by` (the order, `query` then has none), the first rows' ids are found with the
    filters alone and only those rows are read with the relations their model joins in: joined
    before the limit, PostgreSQL joins every open item of the network to its table, its
    liaison and its author before it sorts. `shown`: loader options for those rows, so that only
    what the panel shows is joined in (a version's title, not its end product, package, table,
    round and liaison: 88 columns a row)."""
    if first_by:
        entity = query.column_descriptions[0]["entity"]
        first = query.with_only_columns(entity.id).order_by(*first_by).limit(inline(limit + 1))
        rows = select(entity).where(entity.id.in_(first)).order_by(*first_by).options(*shown)
    else:
        rows = query.limit(inline(limit + 1))
    tables = query.with_only_columns(table_id.label("table_id")).order_by(None).subquery()
    counted = (select(ThematicTable.round_id, func.count(func.distinct(tables.c.table_id)))
               .join(tables, tables.c.table_id == ThematicTable.id).group_by(ThematicTable.round_id))
    return _PanelReads(rows, counted)


def _table_title_only(table):  # noqa: ANN001, ANN202 - a relationship; loader options
    """The panel shows its rows' table by title: the table joined in, not its round and liaison."""
    return (defaultload(table).lazyload(ThematicTable.round), defaultload(table).lazyload(ThematicTable.liaison))


def _by_round(panels: list[tuple[Panel, _PanelReads]], params: dict, key: tuple) -> None:
    """Fill each panel's tables per open round: one query for all panels (UNION ALL), kept under
    the rounds' work generation (for staff it counts over the whole network), and one for the
    rounds they name."""
    def count() -> list[tuple]:
        parts = [reads.counted.add_columns(literal(i).label("panel")) for i, (_panel_, reads) in enumerate(panels)]
        return [tuple(row) for row in db.session.execute(union_all(*parts), params)]

    rows = keep(("dashboard", *key), count)
    rounds = {r.id: r for r in db.session.execute(
        select(Round).where(Round.id.in_({row[0] for row in rows}))).scalars()}
    for round_id, n, i in sorted(rows, key=lambda row: (rounds[row[0]].starts_on, row[0])):
        panels[i][0].by_round.append((rounds[round_id], n))


def dashboard(user: User, today: date) -> Dashboard:
    """`/mijn`: my tables, my milestones (overdue first), stale work, open support, reviews; each
    its most urgent few, with the number of tables per round that have more (a fixed number of
    queries, however large the network). The statements are built once per process
    (`_dashboard_reads`) and run with this person and day as parameters."""
    reads = _dashboard_reads(user.is_staff)
    params = {"me": user.id, "today": today, "due_by": today + timedelta(days=DUE_SOON_DAYS),
              "quiet_before": quiet_cutoff(today)}

    def read(panel: _PanelReads, limit: int = SHOWN, *, scalars: bool = True) -> tuple[Panel, _PanelReads]:
        rows = db.session.execute(panel.rows, params)
        items = list(rows.scalars() if scalars else rows.all())
        return Panel(items=items[:limit], more=len(items) > limit), panel

    my_tables = read(reads.tables, TABLES_SHOWN, scalars=False)
    my_tables[0].items = [(t, role or TableRole.LIAISON) for t, role in my_tables[0].items]
    shown = dashboard_panels(user, my_tables[0].items)
    chosen = [(name, read(panel)) for name, panel in reads.panels if name in shown]
    # Kept per person, day and the panels shown (their counts come back numbered by panel).
    _by_round([my_tables, *(read_ for _name, read_ in chosen)], params, (user.id, user.is_staff, today, shown))
    by_name = {name: panel for name, (panel, _reads) in chosen}
    empty = Panel(items=[])  # a panel this person does not see: not asked for

    def panel(name: str) -> Panel:
        return by_name.get(name, empty)

    return Dashboard(tables=my_tables[0], milestones=panel("milestones"), stale=panel("stale"),
                     support_requests=panel("support"), reviews=panel("reviews"), to_publish=panel("publish"),
                     today=today, panels=shown)


@dataclass(frozen=True)
class _DashboardReads:
    tables: _PanelReads
    panels: tuple[tuple[str, _PanelReads], ...]  # in the order they are read, by name


@cache
def _dashboard_reads(staff: bool) -> _DashboardReads:
    """/mijn's statements for staff or for anyone else, with the person (`me`), the day (`today`),
    the last due day of "due soon" (`due_by`) and the start of quiet (`quiet_before`) as parameters."""
    me = bindparam("me", type_=Integer)
    open_round = Round.closed_at.is_(None)

    # My tables: two index lookups joined with UNION (as one OR, every table would be read). Made
    # anew for each statement: a subquery shared between statements is marked by the first one
    # run, and the others then miss SQLAlchemy's statement cache (compiled again every request).
    def my_table_ids():  # noqa: ANN202
        return union(select(TableMembership.table_id).where(TableMembership.user_id == me),
                     select(ThematicTable.id).where(ThematicTable.liaison_id == me))

    def mine():  # noqa: ANN202
        return ThematicTable.id.in_(my_table_ids())

    tables = _panel(
        select(ThematicTable, TableMembership.role).join(ThematicTable.round)
        .outerjoin(TableMembership, (TableMembership.table_id == ThematicTable.id) & (TableMembership.user_id == me))
        .where(mine(), open_round)
        .order_by(Round.starts_on, ThematicTable.title), ThematicTable.id, TABLES_SHOWN)

    # Mine: assigned to me, or unassigned in one of my tables (as one OR, the unassigned milestones
    # of the whole network would be read).
    my_milestone_ids = union(
        select(Milestone.id).where(Milestone.assignee_id == me),
        # From my tables' packages, not from every unassigned milestone: `coalesce` keeps a
        # planner without statistics (SQLite) off the assignee index, which matches a third of
        # the network.
        select(Milestone.id).where(
            Milestone.work_package_id.in_(select(WorkPackage.id).where(WorkPackage.table_id.in_(my_table_ids()))),
            func.coalesce(Milestone.assignee_id, 0) == 0))
    milestones = _panel(
        select(Milestone).join(Milestone.work_package).join(WorkPackage.table).join(ThematicTable.round)
        .where(Milestone.done_at.is_(None), Milestone.live(), open_round,
               Milestone.due_on <= bindparam("due_by", type_=Date), Milestone.id.in_(my_milestone_ids))
        # Filled from the joins above: a second, nested join to the packages would be
        # materialised for every package in the network.
        .options(contains_eager(Milestone.work_package).contains_eager(WorkPackage.table)
                 .contains_eager(ThematicTable.round))
        .order_by(Milestone.due_on, Milestone.id), ThematicTable.id)

    stale = _panel(
        select(WorkPackage).join(WorkPackage.table).join(ThematicTable.round)
        # Work of a round that has not started yet is not quiet (the reminder sweep skips it).
        .where(mine(), Round.starts_on <= bindparam("today", type_=Date), open_round,
               WorkPackage.status.in_([WorkPackageStatus.NOT_STARTED, WorkPackageStatus.IN_PROGRESS]),
               quiet_since(bindparam("quiet_before", type_=ProgressUpdate.created_at.type))),
        ThematicTable.id, first_by=(WorkPackage.due_on, WorkPackage.id), shown=_table_title_only(WorkPackage.table))

    support_query = (
        select(SupportRequest).join(SupportRequest.table).join(ThematicTable.round)
        .where(SupportRequest.is_open, open_round)
    )
    if not staff:
        support_query = support_query.where(mine())
    support = _panel(support_query, ThematicTable.id, first_by=(SupportRequest.created_at, SupportRequest.id),
                     shown=(lazyload(SupportRequest.author), *_table_title_only(SupportRequest.table)))

    versions_first = (DeliverableVersion.submitted_at, DeliverableVersion.id)
    review_query = (
        select(DeliverableVersion).join(DeliverableVersion.deliverable).join(Deliverable.work_package)
        .join(WorkPackage.table).where(DeliverableVersion.status == VersionStatus.IN_REVIEW)
    )
    if not staff:  # staff review everything; a liaison reviews their own tables
        # Reached from the liaison's tables, not by reading every version waiting for review.
        review_query = review_query.where(DeliverableVersion.deliverable_id.in_(
            select(Deliverable.id).join(Deliverable.work_package)
            .where(WorkPackage.table_id.in_(select(ThematicTable.id).where(ThematicTable.liaison_id == me)))))
    reviews = _panel(review_query, ThematicTable.id, first_by=versions_first,
                     shown=(lazyload(DeliverableVersion.deliverable),))
    to_publish = _panel(
        select(DeliverableVersion).join(DeliverableVersion.deliverable).join(Deliverable.work_package)
        .join(WorkPackage.table).where(DeliverableVersion.status == VersionStatus.APPROVED),
        ThematicTable.id, first_by=versions_first, shown=(lazyload(DeliverableVersion.deliverable),))
    return _DashboardReads(tables=tables, panels=(("milestones", milestones), ("stale", stale), ("support", support),
                                                  ("reviews", reviews), ("publish", to_publish)))


def dashboard_panels(user: User, tables: list[tuple[ThematicTable, str]]) -> frozenset[str]:
    """Which panels of `/mijn` can have content for this person's roles. Table work (milestones,
    quiet work packages) only with a table; support requests with a table or for staff; reviews
    for liaisons, the core group (who steer tables) and staff; publishing for staff. The list of
    tables is left out only for someone who is in a coalition and nothing else."""
    panels = set()
    steers = user.is_staff or user.is_core_group
    if tables:
        panels |= {"tables", "milestones", "stale", "support"}
    elif steers or not user.coalitions:
        panels.add("tables")
    if user.is_staff:
        panels |= {"support", "publish"}
    if steers or any(role == TableRole.LIAISON for _table, role in tables):
        panels.add("reviews")
    return frozenset(panels)


def active_people() -> list[User]:
    return list(db.session.execute(select(User).where(User.active.is_(True)).order_by(User.name)).scalars())


def table_people(table: ThematicTable) -> list[User]:
    """Who can own a work package or a milestone: the table's members and its liaison."""
    # Two index lookups in one set: an OR of the two made PostgreSQL read all 20,000 people.
    return list(db.session.execute(_table_people(), {"table": table.id}).scalars())


@cache
def _table_people() -> Select:
    table_id = bindparam("table", type_=Integer)
    people = union(select(TableMembership.user_id).where(TableMembership.table_id == table_id),
                   select(ThematicTable.liaison_id).where(ThematicTable.id == table_id))
    return select(User).where(User.id.in_(people)).order_by(User.name)
