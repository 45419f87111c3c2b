"""The full-text index of the library, one backend per database dialect.

SQLite: an FTS5 table; PostgreSQL: a tsvector with a GIN index. Both hold the terms that
library/text.py made in Python, with the 'simple' configuration / unicode61 tokenizer, so they
find the same end products. Three fields, by weight: the title, the body, and the parts of the
compound words in both (lowest, so that an exact word ranks above a compound part). FTS5 filters
by column; on PostgreSQL the weighted `document` ranks, and the narrower tiers have columns of
their own (`title_terms`, `text_terms`: terms without positions, each with a GIN index) because
a query with weights rechecks every row (migration 0015). The index tables are created by
migrations 0002/0013/0015 and live outside the ORM metadata on purpose: they differ per
dialect. Beside them, `library_search_words` holds every word the index has seen, for
"Bedoelde je …?".

A query is a list of groups that must all match; a group is a list of alternatives (any may
match); an alternative is a list of terms that must all match. So "jgz kraamzorg" with a
synonym group becomes ((jgz) OR (jeugdgezondheidszorg) OR (consultatiebureau)) AND
((kraamzorg) OR (kram AND zorg)).
"""

from __future__ import annotations

import json
import re

from pyroaring import FrozenBitMap
from sqlalchemy import bindparam, text

from ..extensions import db

Query = list[list[list[str]]]


class Parts(list):
    """An alternative made of a compound word's parts ("kraam" and "zorg" for "kraamzorg"). It
    counts only in the widest tier: the narrower ones (the title; title and body) hold the words
    as typed, so an end product with the word itself ranks above one with its parts. It also
    keeps those tiers cheap: a part such as "zorg" is in nearly every end product, and matching
    it within one field reads all of its positions."""

_TERM = re.compile(r"^[0-9a-z]+$")


def _dialect(conn=None) -> str:  # noqa: ANN001
    return conn.dialect.name if conn is not None else db.engine.dialect.name


def index(deliverable_id: int, title: str, body: str, parts: str = "", words: set[str] | None = None,
          conn=None) -> None:  # noqa: ANN001
    """(Re)index one end product; `title`, `body` and `parts` are stemmed term strings, `words`
    the folded words it holds (for suggestions). `conn`: a connection (a migration's), else the
    session."""
    runner = conn if conn is not None else db.session
    remove(deliverable_id, conn)
    if _dialect(conn) == "postgresql":
        runner.execute(
            text("INSERT INTO library_search (deliverable_id, document, title_terms, text_terms) VALUES (:id, "
                 "setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :body), 'B')"
                 " || setweight(to_tsvector('simple', :parts), 'D'), strip(to_tsvector('simple', :title)),"
                 " strip(to_tsvector('simple', :title) || to_tsvector('simple', :body)))"),
            {"id": deliverable_id, "title": title, "body": body, "parts": parts},
        )
    else:
        runner.execute(
            text("INSERT INTO library_search (rowid, title, body, parts) VALUES (:id, :title, :body, :parts)"),
            {"id": deliverable_id, "title": title, "body": body, "parts": parts},
        )
    if words:
        remember_words(words, conn)


def remember_words(words: set[str], conn=None) -> None:  # noqa: ANN001
    """Add words to the vocabulary (kept, never removed: a reindex rebuilds it)."""
    rows = [{"w": w} for w in sorted(words) if 3 <= len(w) <= 40 and w.isalpha()]
    if not rows:
        return
    if _dialect(conn) == "postgresql":
        statement = "INSERT INTO library_search_words (word) VALUES (:w) ON CONFLICT DO NOTHING"
    else:
        statement = "INSERT OR IGNORE INTO library_search_words (word) VALUES (:w)"
    (conn if conn is not None else db.session).execute(text(statement), rows)


def clear(conn=None) -> None:  # noqa: ANN001
    """Empty the index and vocabulary (before a full rebuild)."""
    runner = conn if conn is not None else db.session
    runner.execute(text("DELETE FROM library_search"))
    runner.execute(text("DELETE FROM library_search_words"))


def remove(deliverable_id: int, conn=None) -> None:  # noqa: ANN001
    runner = conn if conn is not None else db.session
    if _dialect(conn) == "postgresql":
        statement = text("DELETE FROM library_search WHERE deliverable_id = :id")
    else:
        statement = text("DELETE FROM library_search WHERE rowid = :id")
    runner.execute(statement, {"id": deliverable_id})
    runner.execute(text("UPDATE library_search_state SET generation = generation + 1 WHERE id = 1"))


def generation() -> int:
    """The library's generation: moved by every change to the index (one row, one read)."""
    return db.session.execute(text("SELECT generation FROM library_search_state WHERE id = 1")).scalar_one()


# A tier as SQLite's column filter; on PostgreSQL a tier is a column (see _PG_RANKED: written
# out whole, a statement per column, so that no SQL is assembled from strings).
_TIERS = {"": "", "title": "{title} : ", "text": "{title body} : "}
_PG_RANKED = {
    "": "SELECT deliverable_id FROM library_search, to_tsquery('simple', :expr) AS q WHERE document @@ q "
        "ORDER BY ts_rank(document, q) DESC, deliverable_id DESC LIMIT :limit",
    "title": "SELECT deliverable_id FROM library_search, to_tsquery('simple', :expr) AS q WHERE title_terms @@ q "
             "ORDER BY ts_rank(document, q) DESC, deliverable_id DESC LIMIT :limit",
    "text": "SELECT deliverable_id FROM library_search, to_tsquery('simple', :expr) AS q WHERE text_terms @@ q "
            "ORDER BY ts_rank(document, q) DESC, deliverable_id DESC LIMIT :limit",
}


def expression(query: Query, tier: str = "") -> str:
    """The query in the database's own syntax. Terms are checked to be only [0-9a-z] (they come
    from text.py), so they cannot break the syntax; the whole expression is bound as one
    parameter. `tier` restricts it to fields (see matching_ids)."""
    postgres = _dialect() == "postgresql"
    columns = _TIERS[tier]
    and_, or_ = (" & ", " | ") if postgres else (" AND ", " OR ")
    groups = []
    for group in query:
        alternatives = []
        for alternative in group:
            if tier and isinstance(alternative, Parts):
                continue
            terms = [t for t in alternative if _TERM.match(t)]
            if terms:
                quoted = [f"'{t}'" if postgres else f'"{t}"' for t in terms]
                alternatives.append("(" + and_.join(quoted) + ")")
        if alternatives:
            groups.append("(" + or_.join(alternatives) + ")")
    if not groups:
        return ""
    return and_.join(groups) if postgres or not columns else columns + "(" + and_.join(groups) + ")"


def matching_ids(query: Query, tier: str = "") -> FrozenBitMap:
    """Every matching end product's id, unranked (for counting), as a set. `tier`: "title" for
    matches in the title alone, "text" for matches in title and body (no compound parts). On
    SQLite the ids come as one string (read as JSON: fetching 100,000 rows one by one costs ten
    times more, and int() on each twice as much); on PostgreSQL as one array in binary, through
    `library_search_ids` (migration 0015: it keeps the planner on the index)."""
    expr = expression(query, tier)
    if not expr:
        return FrozenBitMap()
    if _dialect() == "postgresql":
        # psycopg's binary loader reads an int array in C; SQLAlchemy's text() asks for text.
        cursor = db.session.connection().connection.driver_connection.cursor(binary=True)
        with cursor:
            ids = cursor.execute("SELECT library_search_ids(to_tsquery('simple', %s), %s)", (expr, tier)).fetchone()[0]
        return FrozenBitMap(ids or ())
    joined = db.session.execute(
        text("SELECT group_concat(rowid) FROM library_search WHERE library_search MATCH :expr"), {"expr": expr}
    ).scalar()
    return FrozenBitMap(json.loads(f"[{joined}]")) if joined else FrozenBitMap()


def similar_words(word: str, limit: int = 200) -> list[str]:
    """Vocabulary words that might be `word` mistyped: about the same length, and sharing its
    first letter or its last two (a bounded set, compared by edit distance in Python)."""
    n = len(word)
    rows = db.session.execute(
        text("SELECT word FROM library_search_words WHERE length(word) BETWEEN :lo AND :hi "
             "AND (substr(word, 1, 1) = :first OR substr(word, length(word) - 1, 2) = :last) LIMIT :limit"),
        {"lo": n - 2, "hi": n + 2, "first": word[:1], "last": word[-2:], "limit": limit * 25},
    ).scalars()
    return list(rows)


def known_words(words: list[str]) -> set[str]:
    """Those of `words` the vocabulary holds."""
    if not words:
        return set()
    statement = text("SELECT word FROM library_search_words WHERE word IN :words").bindparams(
        bindparam("words", expanding=True))
    return set(db.session.execute(statement, {"words": list(words)}).scalars())


def ranked_ids(query: Query, limit: int, tier: str = "") -> list[int]:
    """The ids of the best `limit` matches (of a tier, see matching_ids), best first (ties: the
    newest id first)."""
    expr = expression(query, tier)
    if not expr:
        return []
    if _dialect() == "postgresql":
        statement = _PG_RANKED[tier]
    else:
        # FTS5's own rank, with the column weights of `matches`: title 5, body 1, compound parts 0.3.
        statement = ("SELECT rowid FROM library_search WHERE library_search MATCH :expr "
                     "AND rank MATCH 'bm25(5.0, 1.0, 0.3)' ORDER BY rank, rowid DESC LIMIT :limit")
    return list(db.session.execute(text(statement), {"expr": expr, "limit": limit}).scalars())
