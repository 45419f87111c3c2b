"""Library search: full text, facets with counts, sorting and paging, in a fixed number of queries."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, or_, select, true
from sqlalchemy.orm import joinedload

from ..coalitions.models import Municipality
from ..extensions import db
from ..params import parse_ids, parse_page
from ..rounds.models import ActionLine, Round, ThematicTable
from . import generation, search
from .models import (
    Attachment,
    Audience,
    Deliverable,
    DeliverableKind,
    DeliverableVersion,
    Follow,
    FollowFacet,
    LibraryEntry,
    Visibility,
    entry_audiences,
    entry_municipalities,
)
from .text import query_terms, snippet

PER_PAGE = 20
MAX_PER_PAGE = 100

# URL parameter -> how it filters. Names are Dutch because they are part of public URLs.
FRIESLAND = "friesland"  # the `gemeente` facet's value for "heel Friesland"
FACETS = ("soort", "actielijn", "doelgroep", "gemeente", "ronde", "tafel")


@dataclass
class LibraryQuery:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevantie"
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_args(cls, args: Any) -> LibraryQuery:
        filters = {name: [v for v in args.getlist(name) if v.strip()][:20] for name in FACETS}
        sort = args.get("sorteer", "relevantie")
        return cls(q=(args.get("q") or "")[:200], filters={k: v for k, v in filters.items() if v},
                   sort=sort if sort in ("relevantie", "datum") else "relevantie",
                   page=parse_page(args.get("pagina")),
                   per_page=parse_page(args.get("per_pagina"), default=PER_PAGE, maximum=MAX_PER_PAGE))

    def link_args(self) -> dict[str, object]:
        """The parameters that make this search, for links to its other pages (never the raw
        query string, whose names url_for might take for its own)."""
        args: dict[str, object] = {"q": self.q or None, **self.filters}
        if self.sort != "relevantie":
            args["sorteer"] = self.sort
        if self.per_page != PER_PAGE:
            args["per_pagina"] = self.per_page
        return {name: value for name, value in args.items() if value}


@dataclass
class Hit:
    entry: LibraryEntry
    snippet: Any


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Results:
    query: LibraryQuery
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    terms: list[str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def _apply(query: Select, name: str, values: list[str]) -> Select:
    if name == "soort":
        return query.where(LibraryEntry.kind.in_(values))
    if name == "actielijn":
        return query.where(LibraryEntry.action_line.in_(values))
    if name == "ronde":
        return query.where(LibraryEntry.round_id.in_(parse_ids(values)))
    if name == "tafel":
        return query.where(LibraryEntry.table_id.in_(parse_ids(values)))
    if name == "doelgroep":
        return query.where(LibraryEntry.deliverable_id.in_(
            select(entry_audiences.c.deliverable_id).where(entry_audiences.c.audience.in_(values))))
    if name == "gemeente":
        # An end product for all of Friesland concerns every municipality: choosing one includes it.
        ids = parse_ids([v for v in values if v != FRIESLAND])
        condition = LibraryEntry.deliverable_id.in_(
            select(entry_municipalities.c.deliverable_id).where(entry_municipalities.c.municipality_id.in_(ids)))
        if ids or FRIESLAND in values:
            condition = condition | LibraryEntry.all_of_friesland.is_(True)
        return query.where(condition)
    return query


def _base(visible_to_network: bool, hits_subquery, filters: dict[str, list[str]], skip: str | None = None,  # noqa: ANN001
          query: Select | None = None) -> Select:
    """`query` (by default the ids) restricted to what this visitor may see and the chosen facets."""
    query = query if query is not None else select(LibraryEntry.deliverable_id)
    if hits_subquery is not None:
        query = query.join(hits_subquery, hits_subquery.c.deliverable_id == LibraryEntry.deliverable_id)
    if not visible_to_network:
        query = query.where(LibraryEntry.visibility == Visibility.PUBLIC)
    for name, values in filters.items():
        if name != skip:
            query = _apply(query, name, values)
    return query


# Counting facets over 100,000 end products costs far more than finding one page of hits, and
# the same counts are asked again and again (the landing page above all). They are kept per
# process, keyed by the library's generation (library/generation.py), which every change to what
# the library holds moves, in the database, so that every worker sees it.
_COUNTS: OrderedDict[tuple, tuple[int, dict[str, list[FacetValue]]]] = OrderedDict()
_COUNTS_MAX = 512


def _generation() -> int:
    return generation.current()[0]


def search_library(q: LibraryQuery, *, visible_to_network: bool) -> Results:
    """A fixed number of queries whatever the data: the generation and one page of hits, and
    (unless known for this generation) the total and one count per facet."""
    terms = query_terms(q.q)
    hits_sq = search.matches(terms) if terms else None
    counting_sq = search.matches(terms, ranked=False) if terms else None

    key = (_generation(), str(get_locale()), visible_to_network, tuple(terms),
           tuple(sorted((name, tuple(sorted(values))) for name, values in q.filters.items())))
    if key in _COUNTS:
        _COUNTS.move_to_end(key)
        total, facets = _COUNTS[key]
    else:
        total = db.session.execute(
            _base(visible_to_network, counting_sq, q.filters, query=select(func.count()).select_from(LibraryEntry))
        ).scalar_one()
        facets = _facets(q, visible_to_network, counting_sq)
        _COUNTS[key] = (total, facets)
        if len(_COUNTS) > _COUNTS_MAX:
            _COUNTS.popitem(last=False)

    # The page joins the full-text hits once, directly: a nested join of the hits is not
    # flattened by SQLite and costs seconds at 100,000 end products.
    page_query = _base(visible_to_network, hits_sq, q.filters, query=select(LibraryEntry))
    if hits_sq is not None and q.sort == "relevantie":
        page_query = page_query.order_by(
            hits_sq.c.rank.desc(), LibraryEntry.published_at.desc(), LibraryEntry.deliverable_id.desc())
    else:
        page_query = page_query.order_by(LibraryEntry.published_at.desc(), LibraryEntry.deliverable_id.desc())
    entries = db.session.execute(
        page_query.limit(q.per_page).offset((q.page - 1) * q.per_page)
    ).scalars().all()
    hits = [Hit(entry=e, snippet=snippet(f"{e.summary} {e.plain_text}".strip(), terms)) for e in entries]
    return Results(query=q, hits=hits, total=total, facets=facets, terms=terms)


def _facets(q: LibraryQuery, visible_to_network: bool, hits_sq) -> dict[str, list[FacetValue]]:  # noqa: ANN001
    """Counts per facet value, each given the other facets' choices; read from covering indexes."""
    def counted(name: str, column) -> list[tuple[Any, int]]:  # noqa: ANN001
        query = _base(visible_to_network, hits_sq, q.filters, skip=name,
                      query=select(column, func.count()).select_from(LibraryEntry))
        return db.session.execute(query.group_by(column).order_by(func.count().desc(), column)).all()

    def counted_in(name: str, table, column) -> list[tuple[Any, int]]:  # noqa: ANN001
        # These link tables carry the entry's visibility, so the plain facet needs no join.
        query = select(column, func.count()).select_from(table)
        if not visible_to_network:
            query = query.where(table.c.visibility == Visibility.PUBLIC)
        others = {k: v for k, v in q.filters.items() if k != name}
        if others or hits_sq is not None:
            query = query.where(table.c.deliverable_id.in_(_base(True, hits_sq, others)))
        return db.session.execute(query.group_by(column).order_by(func.count().desc(), column)).all()

    def values(name: str, rows, labeler) -> list[FacetValue]:  # noqa: ANN001
        chosen = set(q.filters.get(name, []))
        return [FacetValue(value=str(v), label=labeler(v), count=n, selected=str(v) in chosen) for v, n in rows]

    municipalities = counted_in("gemeente", entry_municipalities, entry_municipalities.c.municipality_id)
    # End products for all of Friesland count for every municipality, and as a value of their own.
    frisian = dict(counted("gemeente", LibraryEntry.all_of_friesland)).get(True, 0)
    rounds = counted("ronde", LibraryEntry.round_id)
    tables = counted("tafel", LibraryEntry.table_id)
    names = {
        "gemeente": dict(db.session.execute(select(Municipality.id, Municipality.name).where(
            Municipality.id.in_([m for m, _ in municipalities] or [-1]) if not frisian else true())).all()),
        "ronde": dict(db.session.execute(select(Round.id, Round.name).where(
            Round.id.in_([r for r, _ in rounds] or [-1]))).all()),
        "tafel": dict(db.session.execute(select(ThematicTable.id, ThematicTable.title).where(
            ThematicTable.id.in_([t for t, _ in tables] or [-1]))).all()),
    }
    return {
        "soort": values("soort", counted("soort", LibraryEntry.kind), DeliverableKind.label_of),
        "actielijn": values("actielijn", counted("actielijn", LibraryEntry.action_line), ActionLine.label_of),
        "doelgroep": values("doelgroep", counted_in("doelgroep", entry_audiences, entry_audiences.c.audience),
                            Audience.label_of),
        "gemeente": _municipality_values(q, municipalities, frisian, names["gemeente"]),
        "ronde": values("ronde", rounds, lambda v: names["ronde"].get(v, str(v))),
        "tafel": values("tafel", tables, lambda v: names["tafel"].get(v, str(v))),
    }


def _municipality_values(q: LibraryQuery, specific: list[tuple[Any, int]], frisian: int,
                         names: dict[int, str]) -> list[FacetValue]:
    """The `gemeente` facet: "heel Friesland" first, then each municipality with its own end
    products plus those for all of Friesland (what choosing it finds), most first."""
    chosen = set(q.filters.get("gemeente", []))
    own = dict(specific)
    counts = {m: own.get(m, 0) + frisian for m in names}
    result = [FacetValue(value=FRIESLAND, label=_("heel Friesland"), count=frisian, selected=FRIESLAND in chosen)
              ] if frisian else []
    for m, n in sorted(counts.items(), key=lambda item: (-item[1], names[item[0]])):
        if n:
            result.append(FacetValue(value=str(m), label=names[m], count=n, selected=str(m) in chosen))
    return result


@dataclass
class DetailPage:
    deliverable: Deliverable
    version: DeliverableVersion
    versions: list[DeliverableVersion]
    attachments: list[Attachment]
    audiences: list[str]


def detail(slug: str, number: int | None = None) -> DetailPage | None:
    """An end product's page: the published version (or a chosen earlier one) with provenance."""
    deliverable = db.session.execute(
        select(Deliverable).where(Deliverable.slug == slug)
        .options(joinedload(Deliverable.work_package))
    ).scalar_one_or_none()
    if deliverable is None or deliverable.published_version_id is None:
        return None
    versions = list(db.session.execute(
        select(DeliverableVersion).where(DeliverableVersion.deliverable_id == deliverable.id,
                                         DeliverableVersion.published_at.is_not(None))
        .order_by(DeliverableVersion.number.desc())
    ).scalars())
    if number is None:
        version = next(v for v in versions if v.id == deliverable.published_version_id)
    else:
        version = next((v for v in versions if v.number == number), None)
        if version is None:
            return None
    attachments = list(db.session.execute(
        select(Attachment).where(Attachment.version_id == version.id, Attachment.removed_at.is_(None))
        .order_by(Attachment.id)
    ).scalars())
    from .services import audiences_of

    return DetailPage(deliverable=deliverable, version=version, versions=versions, attachments=attachments,
                      audiences=audiences_of(version))


def follows_of(user) -> set[tuple[str, str]]:  # noqa: ANN001
    """(facet, value) pairs the person follows, to show follow or unfollow buttons."""
    return set(db.session.execute(select(Follow.facet, Follow.value).where(Follow.user_id == user.id)).tuples())


@dataclass
class FollowRow:
    facet: str      # FollowFacet value: "soort" or "thema"
    value: str
    new: int        # end products for it published since the moment asked about


def my_follows(user, since: datetime) -> list[FollowRow]:  # noqa: ANN001
    """What the person follows, each with how many end products appeared for it since `since`:
    one query, whatever the number of follows."""
    matches = or_(and_(Follow.facet == FollowFacet.KIND, LibraryEntry.kind == Follow.value),
                  and_(Follow.facet == FollowFacet.THEME, LibraryEntry.theme == Follow.value))
    rows = db.session.execute(
        select(Follow.facet, Follow.value, func.count(LibraryEntry.deliverable_id))
        .outerjoin(LibraryEntry, and_(matches, LibraryEntry.published_at > since))
        .where(Follow.user_id == user.id)
        .group_by(Follow.facet, Follow.value).order_by(Follow.facet, Follow.value)).tuples()
    return [FollowRow(facet, value, new) for facet, value, new in rows]


def latest_public(limit: int = 30) -> list[LibraryEntry]:
    return list(db.session.execute(
        select(LibraryEntry).where(LibraryEntry.visibility == Visibility.PUBLIC)
        .order_by(LibraryEntry.published_at.desc(), LibraryEntry.deliverable_id.desc()).limit(limit)
    ).scalars())
