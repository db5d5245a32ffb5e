"""A trigram index for the queue's word search, on PostgreSQL only.

The search is a case-insensitive substring match (Khmer has no spaces between words), which Django writes as
UPPER(description) LIKE UPPER('%word%'): a GIN trigram index on that very expression serves it. On SQLite the
extension and the index are skipped and the search scans, as before.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "concern_description_trgm_idx"


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON feedback_concern USING gin (UPPER(description) gin_trgm_ops)"
        )


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("feedback", "0008_resolution_appeals_next_due")]

    operations = [
        # CreateExtension does nothing on a database other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(index_create, index_drop, elidable=False),
    ]
