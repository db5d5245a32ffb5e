"""A trigram index for the queue's word search, on PostgreSQL only.

The search is a case-insensitive substring match (Khmer has no spaces between words), which Django writes as
UPPER(description) LIKE UPPER('%word%'): GIN trigram indexes on those very expressions serve it. On SQLite the
extension and the index are skipped and the search scans, as before.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# The search also matches part of a tracking code (OR-ed with the text): both sides need an index, or neither is used.
INDEXES = {
    "concern_description_trgm_idx": "UPPER(description) gin_trgm_ops",
    "concern_code_trgm_idx": "UPPER(tracking_code::text) gin_trgm_ops",
}


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, expression in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON feedback_concern USING gin ({expression})")


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("feedback", "0010_resolution_appeals_next_due")]

    operations = [
        # CreateExtension does nothing on a database other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(index_create, index_drop, elidable=False),
    ]
