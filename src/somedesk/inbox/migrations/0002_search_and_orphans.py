"""Full-text search through the database's own index, and an index for replies waiting for a parent.

SQLite: an FTS5 external-content table over inbox_comment(text, author_name), kept in step by
triggers (so every write path, ORM or raw SQL, updates it). PostgreSQL: a GIN index on
to_tsvector('norwegian', text || ' ' || author_name) (replaced in 0004 by a stored search_vector column).
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE inbox_comment_fts USING fts5(
           text, author_name, content='inbox_comment', content_rowid='id',
           tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER inbox_comment_fts_ai AFTER INSERT ON inbox_comment BEGIN
           INSERT INTO inbox_comment_fts(rowid, text, author_name) VALUES (new.id, new.text, new.author_name);
       END""",
    """CREATE TRIGGER inbox_comment_fts_ad AFTER DELETE ON inbox_comment BEGIN
           INSERT INTO inbox_comment_fts(inbox_comment_fts, rowid, text, author_name)
           VALUES ('delete', old.id, old.text, old.author_name);
       END""",
    """CREATE TRIGGER inbox_comment_fts_au AFTER UPDATE OF text, author_name ON inbox_comment BEGIN
           INSERT INTO inbox_comment_fts(inbox_comment_fts, rowid, text, author_name)
           VALUES ('delete', old.id, old.text, old.author_name);
           INSERT INTO inbox_comment_fts(rowid, text, author_name) VALUES (new.id, new.text, new.author_name);
       END""",
    "INSERT INTO inbox_comment_fts(inbox_comment_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS inbox_comment_fts_au",
    "DROP TRIGGER IF EXISTS inbox_comment_fts_ad",
    "DROP TRIGGER IF EXISTS inbox_comment_fts_ai",
    "DROP TABLE IF EXISTS inbox_comment_fts",
]
POSTGRES_FORWARD = [
    """CREATE INDEX IF NOT EXISTS comment_search_norwegian ON inbox_comment
           USING GIN (to_tsvector('norwegian'::regconfig, text || ' ' || author_name))""",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS comment_search_norwegian"]

# Replies that arrived before their parent; tiny, and it keeps linking them O(batch) not O(inbox).
COMMON_FORWARD = [
    """CREATE INDEX IF NOT EXISTS comment_orphans ON inbox_comment (channel_id, parent_external_id)
           WHERE parent_id IS NULL""",
]
COMMON_BACKWARD = ["DROP INDEX IF EXISTS comment_orphans"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("inbox", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD + COMMON_FORWARD, "postgresql": POSTGRES_FORWARD + COMMON_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD + COMMON_BACKWARD,
                  "postgresql": POSTGRES_BACKWARD + COMMON_BACKWARD}),
        ),
    ]
