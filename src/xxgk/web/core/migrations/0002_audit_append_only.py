"""The database refuses UPDATE of an audit event, whoever asks (SQLite and PostgreSQL)."""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE ON core_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS core_auditevent_append_only"]
POSTGRES = [
    "CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE ON core_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for sql in SQLITE if vendor == "sqlite" else POSTGRES if vendor == "postgresql" else []:
        schema_editor.execute(sql)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for sql in SQLITE_DROP if vendor == "sqlite" else POSTGRES_DROP if vendor == "postgresql" else []:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
