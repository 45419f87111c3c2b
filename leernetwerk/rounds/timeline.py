"""Geometry of the round picture: an SVG timeline drawn on the server, no JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..dates import add_months
from .models import MilestoneState

WIDTH = 960
LABEL_WIDTH = 250
ROW_HEIGHT = 44
TOP = 40
PLOT_WIDTH = WIDTH - LABEL_WIDTH - 20


@dataclass
class Mark:
    x: float
    title: str
    due_on: date
    state: MilestoneState | str
    count: int = 1  # on a grouped line: the milestones of the theme in that week


@dataclass
class Row:
    y: float
    label: str
    status: str | None
    marks: list[Mark]
    url_id: int | None = None
    theme: str | None = None  # a grouped line: one theme, its tables counted


@dataclass
class Tick:
    x: float
    day: date


@dataclass
class Timeline:
    width: int
    height: int
    plot_left: int
    plot_right: int
    rows: list[Row]
    ticks: list[Tick]
    today_x: float | None
    today: date


def build(view, today: date) -> Timeline:  # noqa: ANN001 - a RoundView (or anything with round, rows, groups)
    """One line per table of the view's page, or, when the view groups, one line per theme with a
    mark per week that has milestones (its colour the most worrying state in that week)."""
    start, end = view.round.starts_on, view.round.ends_on
    span = max((end - start).days, 1)

    def x(day: date) -> float:
        clipped = min(max(day, start), end)
        return round(LABEL_WIDTH + PLOT_WIDTH * (clipped - start).days / span, 1)

    rows = []
    if getattr(view, "groups", None) is not None:
        for i, group in enumerate(view.groups):
            marks = [Mark(x=x(week.week + timedelta(days=3)), title="", due_on=week.week, state=week.state,
                          count=week.total) for week in group.weeks]
            rows.append(Row(y=TOP + i * ROW_HEIGHT + ROW_HEIGHT / 2, label=group.theme, status=group.status,
                            marks=marks, theme=group.theme))
    else:
        for i, row in enumerate(view.rows):
            marks = [
                Mark(x=x(m.due_on), title=m.title, due_on=m.due_on,
                     state=m.state_on(today))
                for m in row.milestones
            ]
            rows.append(Row(y=TOP + i * ROW_HEIGHT + ROW_HEIGHT / 2, label=row.table.title, status=row.status.light,
                            marks=marks, url_id=row.table.id))
    ticks, month = [], date(start.year, start.month, 1)
    while month <= end:
        if month >= start:
            ticks.append(Tick(x=x(month), day=month))
        month = add_months(month, 1)
    return Timeline(
        width=WIDTH,
        height=TOP + max(len(rows), 1) * ROW_HEIGHT + 10,
        plot_left=LABEL_WIDTH,
        plot_right=LABEL_WIDTH + PLOT_WIDTH,
        rows=rows,
        ticks=ticks,
        today_x=x(today) if start <= today <= end + timedelta(days=0) else None,
        today=today,
    )
