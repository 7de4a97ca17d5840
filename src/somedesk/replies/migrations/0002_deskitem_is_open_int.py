# DeskItem.is_open: boolean -> 0/1 small integer, so SQLite can use it as an index equality.
# PostgreSQL cannot cast boolean to smallint by itself, so it gets an explicit USING clause.

from django.db import migrations, models


def to_small_int(apps, schema_editor):
    model = apps.get_model("replies", "DeskItem")
    table = schema_editor.quote_name(model._meta.db_table)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'ALTER TABLE {table} ALTER COLUMN "is_open" TYPE smallint USING CASE WHEN "is_open" THEN 1 ELSE 0 END'
        )
        schema_editor.execute(
            f'ALTER TABLE {table} ADD CONSTRAINT "replies_deskitem_is_open_check" CHECK ("is_open" >= 0)'
        )
        return
    old_field = model._meta.get_field("is_open")
    new_field = models.PositiveSmallIntegerField(default=1)
    new_field.set_attributes_from_name("is_open")
    new_field.model = model
    schema_editor.alter_field(model, old_field, new_field)


class Migration(migrations.Migration):
    dependencies = [
        ("replies", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(to_small_int, migrations.RunPython.noop)],
            state_operations=[
                migrations.AlterField(
                    model_name="deskitem",
                    name="is_open",
                    field=models.PositiveSmallIntegerField(default=1),
                ),
            ],
        ),
    ]
