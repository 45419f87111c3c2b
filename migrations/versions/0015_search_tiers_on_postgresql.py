"""search on PostgreSQL: each tier its own indexed column, a narrow table, one function that
reads a tier's matches through its index

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 05:00:00

A tier's matches (title; title and body; anywhere) were `document @@ 'term':A`: a query with a
weight is rechecked on every row, and the rows held the documents inline (136 MB at 100,000 end
products), so a common word read and decompressed every document, once per tier (~500 ms).
Now the title's terms and the title's and body's terms are columns of their own (without
positions: they only match), each with a GIN index that needs no recheck; the documents (kept
for ranking) live out of line (toast_tuple_target), so the table is ~12 MB and a match is a
bitmap scan over it. `library_search_ids` reads with sequential scans off: the planner would
scan the narrow table and decompress every document instead. SQLite (FTS5 columns) is unchanged.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

IDS_FUNCTION = """
CREATE FUNCTION library_search_ids(query tsquery, tier text) RETURNS integer[]
LANGUAGE plpgsql STABLE SET enable_seqscan = off AS $$
BEGIN
    IF tier = 'title' THEN
        RETURN (SELECT array_agg(deliverable_id) FROM library_search WHERE title_terms @@ query);
    ELSIF tier = 'text' THEN
        RETURN (SELECT array_agg(deliverable_id) FROM library_search WHERE text_terms @@ query);
    END IF;
    RETURN (SELECT array_agg(deliverable_id) FROM library_search WHERE document @@ query);
END
$$
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # A new table rather than new columns: an update in place would leave the wide rows' pages.
    op.execute(
        "CREATE TABLE library_search_new ("
        " deliverable_id INTEGER PRIMARY KEY REFERENCES library_entries (deliverable_id) ON DELETE CASCADE,"
        " document TSVECTOR NOT NULL, title_terms TSVECTOR NOT NULL, text_terms TSVECTOR NOT NULL)"
        " WITH (toast_tuple_target = 128)")
    op.execute(
        "INSERT INTO library_search_new (deliverable_id, document, title_terms, text_terms) "
        "SELECT deliverable_id, document, strip(ts_filter(document, '{a}')), strip(ts_filter(document, '{a,b}')) "
        "FROM library_search")
    op.execute("DROP TABLE library_search")
    op.execute("ALTER TABLE library_search_new RENAME TO library_search")
    op.execute("ALTER INDEX library_search_new_pkey RENAME TO library_search_pkey")
    op.execute("ALTER TABLE library_search RENAME CONSTRAINT library_search_new_deliverable_id_fkey "
               "TO library_search_deliverable_id_fkey")
    op.execute("CREATE INDEX ix_library_search_document ON library_search USING GIN (document)")
    op.execute("CREATE INDEX ix_library_search_title_terms ON library_search USING GIN (title_terms)")
    op.execute("CREATE INDEX ix_library_search_text_terms ON library_search USING GIN (text_terms)")
    op.execute(IDS_FUNCTION)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION library_search_ids(tsquery, text)")
    op.execute("DROP INDEX ix_library_search_title_terms")
    op.execute("DROP INDEX ix_library_search_text_terms")
    op.execute("ALTER TABLE library_search DROP COLUMN title_terms, DROP COLUMN text_terms")
    op.execute("ALTER TABLE library_search RESET (toast_tuple_target)")
