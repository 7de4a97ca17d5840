"""Seed SQLite's planner statistics for the inbox tables (SQLite only; PostgreSQL analyses by itself).

Without sqlite_stat1 rows SQLite guesses that `channel_id = ?` matches about ten rows, so for
`channel_id = ? AND external_id IN (...500 ids...)` it walks the whole channel through
comment_channel_newest instead of probing the unique (channel_id, external_id) index: an import
slows down quadratically with the size of the inbox. These rows describe the expected shape (few
channels, a million comments, unique external ids); a later ANALYZE or `PRAGMA optimize` replaces
them with measured figures. Indexes are matched by their columns, not their generated names.
"""

from django.db import migrations

ROWS = 1_000_000
# table -> {(index columns...): "rows-per-key for each prefix"}
SHAPE = {
    "inbox_comment": {
        ("channel_id", "external_id"): "250000 1",
        ("channel_id",): "250000",
        ("channel_id", "created_time", "id"): "250000 1 1",
        ("created_time", "id"): "1 1",
        ("post_id",): "200",
        ("post_id", "created_time"): "200 1",
        ("parent_id",): "100000",  # mostly NULL (top-level comments)
        ("platform_state", "created_time", "id"): "333333 1 1",
        ("triage_route", "created_time", "id"): "166666 1 1",
        ("triage_moderation", "created_time", "id"): "500000 1 1",
        ("channel_id", "parent_external_id"): "250000 1",
    },
    "inbox_post": {
        ("channel_id", "external_id"): "2500 1",
        ("channel_id",): "2500",
        ("channel_id", "created_time"): "2500 1",
    },
}
POST_ROWS = 10_000


def seed(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sqlite_schema")  # creates sqlite_stat1 when it does not exist yet
        for table, shapes in SHAPE.items():
            rows = ROWS if table == "inbox_comment" else POST_ROWS
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table])
            for (index,) in cursor.fetchall():
                cursor.execute(f'PRAGMA index_info("{index}")')
                columns = tuple(row[2] for row in cursor.fetchall())
                stat = shapes.get(columns)
                if stat is None:
                    continue
                cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s AND idx = %s", [table, index])
                cursor.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)",
                               [table, index, f"{rows} {stat}"])
        cursor.execute("ANALYZE sqlite_schema")  # load the rows into the planner


class Migration(migrations.Migration):
    dependencies = [("inbox", "0002_search_and_orphans")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
