"""search: synonym groups, compound parts in the index, a vocabulary for suggestions

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 22:10:00.000000

"""
from alembic import op
import sqlalchemy as sa
import leernetwerk.database


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('synonym_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('created_at', leernetwerk.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', leernetwerk.database.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_synonym_groups'))
    )
    # (The entries' index by date, which search walks too, came with 0011.)
    # Hand-managed (outside the ORM, like library_search): every word the index holds.
    op.execute("CREATE TABLE library_search_words (word VARCHAR(40) NOT NULL PRIMARY KEY)")
    # One row: the library's generation, moved by every change to the index (caches key on it).
    op.execute("CREATE TABLE library_search_state (id INTEGER NOT NULL PRIMARY KEY, generation BIGINT NOT NULL)")
    op.execute("INSERT INTO library_search_state (id, generation) VALUES (1, 1)")
    # SQLite: the FTS5 table gains a third column for compound parts (an FTS5 table cannot be
    # altered). PostgreSQL keeps its tsvector: parts go in with weight D.
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE library_search")
        op.execute(
            "CREATE VIRTUAL TABLE library_search USING fts5("
            "title, body, parts, tokenize = 'unicode61 remove_diacritics 2')"
        )
    # Rebuild the index with the new analysis (compound parts, blocks kept apart in snippets).
    from leernetwerk.library.services import reindex

    reindex(op.get_bind())


def downgrade():
    op.execute("DROP TABLE library_search_words")
    op.execute("DROP TABLE library_search_state")
    op.drop_table('synonym_groups')
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE library_search")
        op.execute(
            "CREATE VIRTUAL TABLE library_search USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
    # The old index held no parts; rebuild it as 0002 made it.
    bind = op.get_bind()
    from leernetwerk.library.text import index_text

    rows = bind.execute(sa.text(
        "SELECT e.deliverable_id, e.title, e.summary, e.plain_text, e.theme FROM library_entries e")).all()
    bind.execute(sa.text("DELETE FROM library_search"))
    for deliverable_id, title, summary, plain_text, theme in rows:
        body = index_text(" ".join([summary, plain_text, theme]))
        if bind.dialect.name == "postgresql":
            bind.execute(sa.text(
                "INSERT INTO library_search (deliverable_id, document) VALUES (:id, "
                "setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :body), 'B'))"),
                {"id": deliverable_id, "title": index_text(title), "body": body})
        else:
            bind.execute(sa.text("INSERT INTO library_search (rowid, title, body) VALUES (:id, :title, :body)"),
                         {"id": deliverable_id, "title": index_text(title), "body": body})
