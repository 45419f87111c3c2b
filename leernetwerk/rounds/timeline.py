"""Geometry of the round picture: an SVG timeline drawn on the server, no JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..dates import add_months
from .models import MilestoneState
from .queries import RoundPicture

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
    state: MilestoneState


@dataclass
class Row:
    y: float
    label: str
    status: str | None
    marks: list[Mark]
    url_id: int


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


def build(picture: RoundPicture, today: date) -> Timeline:
    start, end = picture.round.starts_on, picture.round.ends_on
    span = max((end - start).days, 1)

    def x(day: date) -> float:
        clipped = min(max(day, start), end)
        return round(LABEL_WIDTH + PLOT_WIDTH * (clipped - start).days / span, 1)

    rows = []
    for i, row in enumerate(picture.rows):
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
