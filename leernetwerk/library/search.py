"""The full-text index of the library, one backend per database dialect.

SQLite: an FTS5 table; PostgreSQL: a tsvector with a GIN index. Both hold the terms that
library/text.py made in Python, with the 'simple' configuration / unicode61 tokenizer, so they
find the same end products. The index tables are created by migration 0002 and live outside the
ORM metadata on purpose: they differ per dialect.
"""

from __future__ import annotations

from sqlalchemy import Select, literal_column, select, text
from sqlalchemy.sql import Subquery

from ..extensions import db


def _dialect() -> str:
    return db.engine.dialect.name


def index(deliverable_id: int, title: str, body: str) -> None:
    """(Re)index one end product; `title` and `body` are stemmed term strings."""
    remove(deliverable_id)
    if _dialect() == "postgresql":
        db.session.execute(
            text("INSERT INTO library_search (deliverable_id, document) VALUES (:id, "
                 "setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :body), 'B'))"),
            {"id": deliverable_id, "title": title, "body": body},
        )
    else:
        db.session.execute(
            text("INSERT INTO library_search (rowid, title, body) VALUES (:id, :title, :body)"),
            {"id": deliverable_id, "title": title, "body": body},
        )


def remove(deliverable_id: int) -> None:
    if _dialect() == "postgresql":
        statement = text("DELETE FROM library_search WHERE deliverable_id = :id")
    else:
        statement = text("DELETE FROM library_search WHERE rowid = :id")
    db.session.execute(statement, {"id": deliverable_id})


def matches(terms: list[str], ranked: bool = True) -> Subquery:
    """(deliverable_id, rank) of entries holding every term; a higher rank is more relevant.
    Counting needs no rank (`ranked=False`), and skipping it makes the index three times faster.

    Terms come from text.query_terms: only [0-9a-z], so they cannot break the query syntax;
    they are bound as parameters all the same.
    """
    params = {f"t{i}": term for i, term in enumerate(terms)}
    if _dialect() == "postgresql":
        tsquery = " || ' & ' || ".join(f":t{i}" for i in range(len(terms)))
        query: Select = select(
            literal_column("deliverable_id").label("deliverable_id"),
            literal_column("ts_rank_cd(document, q)" if ranked else "0").label("rank"),
        ).select_from(
            text(f"library_search, to_tsquery('simple', {tsquery}) AS q").bindparams(**params)
        ).where(text("document @@ q"))
    else:
        # FTS5: each term quoted as a string, all required; bm25 is lower-is-better, so negate it.
        fts_query = " || ' ' || ".join(f"'\"' || :t{i} || '\"'" for i in range(len(terms)))
        query = select(
            literal_column("rowid").label("deliverable_id"),
            literal_column("-bm25(library_search, 5.0, 1.0)" if ranked else "0").label("rank"),
        ).select_from(text("library_search")).where(
            text(f"library_search MATCH ({fts_query})").bindparams(**params)
        )
    return query.subquery("hits")
