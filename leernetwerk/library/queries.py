"""Library search: full text, facets with counts, sorting and paging, in a fixed number of queries."""

from __future__ import annotations

import heapq
from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import datetime
from operator import itemgetter
from typing import Any, overload

from flask_babel import get_locale
from flask_babel import gettext as _
from pyroaring import FrozenBitMap
from sqlalchemy import Select, and_, func, or_, select, true
from sqlalchemy.orm import joinedload

from ..coalitions.models import Municipality
from ..database import inline
from ..dates import days_back
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
    SynonymGroup,
    Visibility,
    entry_audiences,
    entry_municipalities,
)
from .text import compound_parts, join_blocks, lexicon, query_terms, query_words, snippet, stem

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
    expand: str = ""        # the facet whose every value is listed (`alle=`); the others show FACET_SHOWN

    # A facet lists its FACET_SHOWN largest values (and every chosen one); at national scale the
    # `tafel` facet alone has thousands, which would make every library page megabytes.
    FACET_SHOWN = 12

    @classmethod
    def from_args(cls, args: Any) -> LibraryQuery:
        filters = {name: [v for v in args.getlist(name) if v.strip()][:20] for name in FACETS}
        sort = args.get("sorteer", "relevantie")
        return cls(q=(args.get("q") or "")[:200], filters={k: v for k, v in filters.items() if v},
                   sort=sort if sort in ("relevantie", "datum") else "relevantie",
                   page=parse_page(args.get("pagina")),
                   per_page=parse_page(args.get("per_pagina"), default=PER_PAGE, maximum=MAX_PER_PAGE),
                   expand=args.get("alle") if args.get("alle") in FACETS else "")

    def shown(self, name: str, values: FacetValues) -> Sequence[FacetValue]:
        """The values of facet `name` to list: all when it is expanded, else its FACET_SHOWN
        largest and every chosen one (in Python: a template filter over a national-scale facet
        cost more than the rest of the page)."""
        if self.expand == name:
            return values
        head = values[:self.FACET_SHOWN]
        if not self.filters.get(name):
            return head
        return head + values.chosen_after(self.FACET_SHOWN)

    def link_args(self) -> dict[str, object]:
        """The parameters that make this search, for links to its other pages (never the raw
        query string, whose names url_for might take for its own)."""
        args: dict[str, object] = {"q": self.q or None, **self.filters}
        if self.sort != "relevantie":
            args["sorteer"] = self.sort
        if self.per_page != PER_PAGE:
            args["per_pagina"] = self.per_page
        if self.expand:
            args["alle"] = self.expand
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


class FacetValues(Sequence[FacetValue]):
    """A facet's values that have end products, most first, each with its count. A FacetValue is
    made only when asked for: the `tafel` facet has thousands of values and a page lists a dozen
    (making them all cost more than counting them)."""

    def __init__(self, rows: list[tuple[Any, int]], label: Callable[[Any], str], chosen: list[str]) -> None:
        self._rows = rows            # (value, count), most first
        self._label = label
        self._chosen = set(chosen)

    def _value(self, row: tuple[Any, int]) -> FacetValue:
        value = str(row[0])
        return FacetValue(value=value, label=self._label(row[0]), count=row[1], selected=value in self._chosen)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> FacetValue: ...

    @overload
    def __getitem__(self, index: slice) -> list[FacetValue]: ...

    def __getitem__(self, index: int | slice) -> FacetValue | list[FacetValue]:
        if isinstance(index, slice):
            return [self._value(row) for row in self._rows[index]]
        return self._value(self._rows[index])

    def chosen_after(self, n: int) -> list[FacetValue]:
        """The chosen values after the first `n`."""
        return [self._value(row) for row in self._rows[n:] if str(row[0]) in self._chosen]


@dataclass
class Results:
    query: LibraryQuery
    hits: list[Hit]
    total: int
    facets: dict[str, FacetValues]
    terms: list[str]
    suggestion: str | None = None
    past_end: bool = False  # a page past the last was asked for; this is the last page
    generation: int = 0  # of the search index these results were read from

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


def _base(visible_to_network: bool, hits_subquery, filters: dict[str, list[str]],  # noqa: ANN001
          query: Select | None = None) -> Select:
    """`query` (by default the ids) restricted to what this visitor may see and the chosen facets."""
    query = query if query is not None else select(LibraryEntry.deliverable_id)
    if hits_subquery is not None:
        query = query.join(hits_subquery, hits_subquery.c.deliverable_id == LibraryEntry.deliverable_id)
    if not visible_to_network:
        query = query.where(LibraryEntry.visibility == Visibility.PUBLIC)
    for name, values in filters.items():
        query = _apply(query, name, values)
    return query


# --- facet counts -----------------------------------------------------------------------------
# Counting facets over 100,000 end products in SQL costs far more than finding one page of hits
# (each facet joins every hit again). Instead each process keeps, per generation of the library,
# one set of end-product ids per facet value, built once from three queries; a search then
# fetches its hits' ids once and every count is the size of an intersection. The sets are
# compressed bitmaps (Roaring, pyroaring): a value of the `tafel` facet holds a dozen ids out of
# 100,000, and intersecting it costs what those ids cost, not what the whole range would (as
# plain bit sets it cost ~100 ms per search to count 7,500 tables, and 90 MB a process).
# The generation is a counter beside the index (library_search_state) that every change to the
# index moves: publish(), withdraw(), a reindex. The counts themselves are kept too, keyed by
# the generation and the query.

Ids = FrozenBitMap  # immutable: the kept ones are shared between requests
_NONE = FrozenBitMap()


def _union(sets: list[Ids]) -> Ids:
    return FrozenBitMap.union(*sets) if sets else _NONE


@dataclass
class _Snapshot:
    everything: Ids
    public: Ids
    frisian: Ids
    by_facet: dict[str, dict[Any, Ids]]   # each facet's values in the order of their names
    newest: array                         # every id, newest first (published_at, then id)
    position: array                       # id -> its place in `newest`


def _snapshot_build() -> _Snapshot:
    """Three plain queries on the driver's own cursor (rows as tuples, fetched at once: the ORM's
    or even a Result's per-row cost was most of the second it took at 100,000)."""
    facets: dict[str, dict[Any, list[int]]] = {name: {} for name in ("soort", "actielijn", "ronde", "tafel")}
    everything, public, frisian = [], [], []
    fetched = []
    with closing(db.session.connection().connection.driver_connection.cursor()) as cursor:
        for statement in ("SELECT deliverable_id, kind, action_line, round_id, table_id, visibility, all_of_friesland "
                          "FROM library_entries ORDER BY published_at DESC, deliverable_id DESC",
                          "SELECT deliverable_id, audience FROM library_entry_audiences",
                          "SELECT deliverable_id, municipality_id FROM library_entry_municipalities"):
            cursor.execute(statement)
            fetched.append(cursor.fetchall())
    rows, audience_rows, municipality_rows = fetched
    public_value = Visibility.PUBLIC.value
    for did, kind, line, round_id, table_id, visibility, all_of_friesland in rows:
        everything.append(did)
        if visibility == public_value:
            public.append(did)
        if all_of_friesland:
            frisian.append(did)
        facets["soort"].setdefault(kind, []).append(did)
        facets["actielijn"].setdefault(line, []).append(did)
        facets["ronde"].setdefault(round_id, []).append(did)
        facets["tafel"].setdefault(table_id, []).append(did)
    audiences: dict[Any, list[int]] = {}
    for did, audience in audience_rows:
        audiences.setdefault(audience, []).append(did)
    municipalities: dict[Any, list[int]] = {}
    for did, municipality_id in municipality_rows:
        municipalities.setdefault(municipality_id, []).append(did)
    facets["doelgroep"] = audiences
    facets["gemeente"] = municipalities
    position = array("l", [0]) * ((max(everything) + 1) if everything else 0)
    for n, did in enumerate(everything):
        position[did] = n
    return _Snapshot(everything=Ids(everything), public=Ids(public), frisian=Ids(frisian),
                     by_facet={name: {v: Ids(values[v]) for v in sorted(values, key=str)}
                               for name, values in facets.items()},
                     newest=array("l", everything), position=position)


_SNAPSHOT: dict[int, _Snapshot] = {}
_LABELS: dict[int, dict[str, dict[int, str]]] = {}


def _labels() -> dict[str, dict[int, str]]:
    """The names of the rounds and tables that have end products in the library, kept per
    generation of the library (a rename moves it): a count no longer looks up thousands of table
    names by id each time it is made."""
    number = generation.current()[0]
    if number and number in _LABELS:
        return _LABELS[number]
    in_library = select(LibraryEntry.round_id).distinct()
    labels = {
        "ronde": dict(db.session.execute(select(Round.id, Round.name).where(Round.id.in_(in_library))).all()),
        "tafel": dict(db.session.execute(select(ThematicTable.id, ThematicTable.title).where(
            ThematicTable.id.in_(select(LibraryEntry.table_id).distinct()))).all()),
    }
    if number:
        _LABELS.clear()
        _LABELS[number] = labels
    return labels


def _snapshot(generation: int) -> _Snapshot:
    if generation not in _SNAPSHOT:
        _SNAPSHOT.clear()
        _SNAPSHOT[generation] = _snapshot_build()
    return _SNAPSHOT[generation]


def _filter_ids(snapshot: _Snapshot, name: str, values: list[str]) -> Ids:
    """The end products a facet's chosen values let through (as _apply does in SQL)."""
    masks = snapshot.by_facet[name]
    if name in ("ronde", "tafel"):
        keys: list[Any] = parse_ids(values)
    elif name == "gemeente":
        keys = parse_ids([v for v in values if v != FRIESLAND])
    else:
        keys = values
    chosen = [masks[key] for key in keys if key in masks]
    if name == "gemeente" and (keys or FRIESLAND in values):
        chosen.append(snapshot.frisian)
    return _union(chosen)


# Counting facets is still the costliest part of a search; the same counts are asked again and
# again (the landing page above all), so they are kept per process, keyed by the generation.
_COUNTS: OrderedDict[tuple, tuple[int, dict[str, FacetValues], Ids, dict]] = OrderedDict()
_COUNTS_MAX = 512


def _generation() -> int:
    return search.generation()


def _names_generation() -> int:
    return generation.current()[0]


def _synonym_phrases() -> list[list[tuple[str, ...]]]:
    """Every synonym group as its phrases, each phrase as stemmed terms."""
    groups = []
    for (words,) in db.session.execute(select(SynonymGroup.words)).tuples():
        phrases = [tuple(query_terms(line)) for line in words.splitlines()]
        phrases = [p for p in phrases if p]
        if len(phrases) > 1:
            groups.append(phrases)
    return groups


def plan(q: str, synonyms: list[list[tuple[str, ...]]] | None = None) -> search.Query:
    """A user's query as index groups (see search.py): each word (or synonym phrase) must match,
    as itself, as one of its synonyms, or (a compound) as all of its parts."""
    words = query_words(q)
    terms = [stem(w) for w in words]
    synonyms = synonyms or []
    groups: search.Query = []
    i = 0
    while i < len(terms):
        matched = None
        for size in (3, 2, 1):
            phrase = tuple(terms[i:i + size])
            if len(phrase) < size:
                continue
            group = next((g for g in synonyms if phrase in g), None)
            if group is not None:
                matched = (size, [list(p) for p in group])
                break
        if matched:
            size, alternatives = matched
        else:
            size, alternatives = 1, [[terms[i]]]
            parts = compound_parts(words[i])
            if parts:
                split = [stem(p) for p in parts[:2]]
                if split != [terms[i]]:
                    alternatives.append(search.Parts(split))
        if alternatives not in groups:
            groups.append(alternatives)
        i += size
    return groups


def wanted_terms(query_plan: search.Query) -> frozenset[str]:
    return frozenset(t for group in query_plan for alternative in group for t in alternative)


def search_library(q: LibraryQuery, *, visible_to_network: bool) -> Results:
    """A fixed number of queries whatever the data: the synonyms, the generation, the hits' ids
    and one page of hits (and, unless known for this generation, the facet id sets and labels),
    and a look in the vocabulary when little was found."""
    query_plan = plan(q.q, _synonym_phrases()) if query_words(q.q) else []

    generation = _generation()
    snapshot = _snapshot(generation)
    # Under the library's generation too: a renamed round or table moves it, not the index's, and
    # the facets carry their names.
    key = (generation, _names_generation(), str(get_locale()), visible_to_network,
           search.expression(query_plan) if query_plan else "",
           tuple(sorted((name, tuple(sorted(values))) for name, values in q.filters.items())))
    if key in _COUNTS:
        _COUNTS.move_to_end(key)
        total, facets, allowed, tiers = _COUNTS[key]
    else:
        matches = search.matching_ids(query_plan) if query_plan else _NONE
        total, facets, allowed, matched = _count(q, visible_to_network, query_plan, snapshot, matches)
        # The query's narrower tiers join these when a page by relevance needs them, and the
        # pages it made (_ranked_page).
        tiers = {"all": matched}
        _COUNTS[key] = (total, facets, allowed, tiers)
        if len(_COUNTS) > _COUNTS_MAX:
            _COUNTS.popitem(last=False)

    # Past the last page: show the last page, and say so.
    pages = max(1, -(-total // q.per_page))
    past_end = q.page > pages
    if past_end:
        q = replace(q, page=pages)
    if not total:
        entries: list[LibraryEntry] = []
    elif query_plan and q.sort == "relevantie":
        entries = _ranked_page(query_plan, allowed, q, tiers, snapshot)
    elif query_plan:
        # A query's hits by date: newest first, of what `allowed` lets through.
        entries = _entries(_newest(snapshot, allowed, (q.page - 1) * q.per_page, q.per_page))
    else:
        # By date: the newest first, from the (visibility, published_at) index.
        page_query = _base(visible_to_network, None, q.filters, query=select(LibraryEntry)).order_by(
            LibraryEntry.published_at.desc(), LibraryEntry.deliverable_id.desc())
        entries = list(db.session.execute(
            page_query.limit(inline(q.per_page)).offset(inline((q.page - 1) * q.per_page))).scalars())
    wanted = wanted_terms(query_plan)
    hits = [Hit(entry=e, snippet=snippet(join_blocks(e.summary, e.plain_text), wanted)) for e in entries]
    suggestion = None
    if query_plan and total < SUGGEST_BELOW:
        suggestion = suggest(q.q, total, visible_to_network)
    return Results(query=q, hits=hits, total=total, facets=facets, terms=sorted(wanted), suggestion=suggestion,
                   past_end=past_end, generation=generation)


# Ranking every match costs about 10 µs an end product in the index (bm25 / ts_rank read each
# match's positions), too much for a word in most of 100,000 end products. So a page by relevance
# is made tier by tier: matches in the title first, then in the body, then only as a compound
# part. Where the index would rank at most RANK_LIMIT end products (the tier before the facets)
# it ranks; a larger tier (a very common word) comes newest first, which for such words says
# more than term counts do.
RANK_LIMIT = 3000
_TIER_ORDER = ("title", "text", "")
KEEP_PAGES = 5  # the first pages by relevance are kept with a query's counts (the later ones are rarely asked)


def _ranked_page(query_plan: search.Query, allowed: Ids, q: LibraryQuery, tiers: dict,
                 snapshot: _Snapshot) -> list[LibraryEntry]:
    """One page of hits by relevance, of those this visitor may see with the chosen facets
    (`allowed`). `tiers` keeps the tiers' id sets with the query's counts, and the pages made."""
    skip, wanted = (q.page - 1) * q.per_page, q.per_page
    made = ("page", skip, wanted)
    if made in tiers:
        return _entries(tiers[made])
    seen, ids = _NONE, []
    for tier in _TIER_ORDER:
        if tier and tier not in tiers:
            # A narrower tier is fetched when a page first needs it (each is a query of its
            # own: a page that the titles fill needs no more); at most two.
            tiers[tier] = search.matching_ids(query_plan, tier)
        whole = tiers[tier] if tier else tiers["all"]  # what the index would rank: it decides
        tier_ids = ((whole & allowed) if tier else allowed) - seen
        seen = seen | tier_ids
        size = len(tier_ids)
        if skip >= size:
            skip -= size
            continue
        take = min(wanted - len(ids), size - skip)
        if len(whole) <= RANK_LIMIT:
            ids += _best(query_plan, tier, tier_ids, skip, take)
        else:
            ids += _newest(snapshot, tier_ids, skip, take)
        skip = 0
        if len(ids) >= wanted:
            break
    if q.page <= KEEP_PAGES:
        tiers[made] = ids
    return _entries(ids)


def _entries(ids: list[int]) -> list[LibraryEntry]:
    """The entries of `ids`, in that order (one query)."""
    found = {e.deliverable_id: e for e in db.session.execute(
        select(LibraryEntry).where(LibraryEntry.deliverable_id.in_(ids or [-1]))).scalars()}
    return [found[i] for i in ids if i in found]


def _best(query_plan: search.Query, tier: str, members: Ids, skip: int, take: int) -> list[int]:
    """`take` ids of a tier by the index's rank, after `skip`."""
    limit = max(4 * (skip + take), 200)
    while True:
        ranked = search.ranked_ids(query_plan, limit, tier)
        kept = [i for i in ranked if i in members]
        if len(kept) >= skip + take or len(ranked) < limit:
            return kept[skip: skip + take]
        limit *= 4


def _newest(snapshot: _Snapshot, members: Ids, skip: int, take: int) -> list[int]:
    """`take` of `members`, newest first, after `skip`, from the order the snapshot keeps: a few
    members are sorted by their place in it, many are picked from it in order (each found
    within a few places)."""
    wanted = skip + take
    if len(members) * 8 < len(snapshot.newest):
        return heapq.nsmallest(wanted, members, key=snapshot.position.__getitem__)[skip:]
    found: list[int] = []
    for i in snapshot.newest:
        if i in members:
            found.append(i)
            if len(found) == wanted:
                break
    return found[skip:]


def _count(q: LibraryQuery, visible_to_network: bool, query_plan: search.Query,
           snapshot: _Snapshot, matched: Ids) -> tuple[int, dict[str, FacetValues], Ids, Ids]:
    """The total, the counts per facet value (each facet given the other facets' choices), the
    ids of what this visitor may see with the chosen facets, and those of every match (`matched`,
    the query's matches)."""
    base = snapshot.everything if visible_to_network else snapshot.public
    if query_plan:
        base &= matched
    chosen = {name: _filter_ids(snapshot, name, values) for name, values in q.filters.items()
              if name in snapshot.by_facet}

    def within(skip: str | None) -> Ids:
        result = base
        for name, ids in chosen.items():
            if name != skip:
                result &= ids
        return result

    allowed = within(None)
    total = len(allowed)

    def counted(name: str) -> list[tuple[Any, int]]:
        """(value, count) of the values with end products, most first; equal counts in the
        order of the values' names (the snapshot's order, kept by a stable sort)."""
        scope = within(name)
        rows = [(value, n) for value, ids in snapshot.by_facet[name].items()
                if (n := scope.intersection_cardinality(ids))]
        rows.sort(key=itemgetter(1), reverse=True)
        return rows

    def values(name: str, rows, labeler) -> FacetValues:  # noqa: ANN001
        return FacetValues(rows, labeler, q.filters.get(name, []))

    municipalities = counted("gemeente")
    # End products for all of Friesland count for every municipality, and as a value of their own.
    frisian = within("gemeente").intersection_cardinality(snapshot.frisian)
    rounds = counted("ronde")
    tables = counted("tafel")
    names = {
        "gemeente": dict(db.session.execute(select(Municipality.id, Municipality.name).where(
            Municipality.id.in_([m for m, _ in municipalities] or [-1]) if not frisian else true())).all()),
        **_labels(),
    }
    return total, {
        "soort": values("soort", counted("soort"), DeliverableKind.label_of),
        "actielijn": values("actielijn", counted("actielijn"), ActionLine.label_of),
        "doelgroep": values("doelgroep", counted("doelgroep"), Audience.label_of),
        "gemeente": _municipality_values(q, municipalities, frisian, names["gemeente"]),
        "ronde": values("ronde", rounds, lambda v: names["ronde"].get(v, str(v))),
        "tafel": values("tafel", tables, lambda v: names["tafel"].get(v, str(v))),
    }, allowed, matched


# --- "Bedoelde je …?" -------------------------------------------------------------------------
SUGGEST_BELOW = 3  # offer a suggestion when a search finds fewer end products than this


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance (insert, delete, replace, swap two neighbours), or limit + 1 when above it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _closest(word: str) -> str | None:
    limit = 1 if len(word) <= 5 else 2
    best: tuple[int, float, str] | None = None
    frequencies = lexicon()
    for candidate in search.similar_words(word):
        if candidate == word:
            continue
        d = _distance(word, candidate, limit)
        if d <= limit:
            rank = (d, -frequencies.get(candidate, 0.0), candidate)
            if best is None or rank < best:
                best = rank
    return best[2] if best else None


def suggest(query: str, total: int, visible_to_network: bool) -> str | None:
    """The query with unknown words replaced by the nearest words the library holds, when that
    finds more; None when there is nothing better to offer."""
    words = query_words(query)
    known = search.known_words(words)
    changed, suggested = False, []
    for word in words:
        if word in known or word.isdigit() or len(word) < 4:
            suggested.append(word)
            continue
        closest = _closest(word)
        suggested.append(closest or word)
        changed = changed or closest is not None
    if not changed:
        return None
    text = " ".join(suggested)
    snapshot = _snapshot(_generation())
    visible = snapshot.everything if visible_to_network else snapshot.public
    finds = visible.intersection_cardinality(search.matching_ids(plan(text, _synonym_phrases())))
    return text if finds > total else None


def _municipality_values(q: LibraryQuery, specific: list[tuple[Any, int]], frisian: int,
                         names: dict[int, str]) -> FacetValues:
    """The `gemeente` facet: "heel Friesland" first, then each municipality with its own end
    products plus those for all of Friesland (what choosing it finds), most first."""
    own = dict(specific)
    counts = {m: own.get(m, 0) + frisian for m in names}
    rows: list[tuple[Any, int]] = [(FRIESLAND, frisian)] if frisian else []
    rows += [(m, n) for m, n in sorted(counts.items(), key=lambda item: (-item[1], names[item[0]])) if n]
    return FacetValues(rows, lambda m: _("heel Friesland") if m == FRIESLAND else names[m],
                       q.filters.get("gemeente", []))


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


def my_follows(user, since: datetime | None) -> list[FollowRow]:  # noqa: ANN001
    """What the person follows, each with how many end products appeared for it since `since`
    (their previous visit; the last 30 days on a first visit): one query, whatever the number of
    follows."""
    since = since or days_back(30)
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
        .order_by(LibraryEntry.published_at.desc(), LibraryEntry.deliverable_id.desc()).limit(inline(limit))
    ).scalars())
