"""Indexes for forums of 100,000 people: one for the counts, trigram ones for the search (PostgreSQL only).

The counts index lets every figure of a forum come from one index-only scan (participants.selectors).

`registration_search_q` matches `full_name__icontains` (UPPER(full_name) LIKE ...) and `phone__contains`;
without these, a search in a forum of 100,000 people reads every row. pg_trgm splits Khmer text into trigrams
too (checked with Khmer names). SQLite, used for development only, has no such index and searches by scanning.
"""

from django.db import migrations, models

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registration_name_trgm_idx ON participants_registration "
    "USING gin (UPPER(full_name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registration_phone_trgm_idx ON participants_registration USING gin (phone gin_trgm_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS registration_name_trgm_idx",
    "DROP INDEX IF EXISTS registration_phone_trgm_idx",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0007_certificates_evaluation"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(fields=["forum", "status", "gender", "checked_in_at"], name="registration_counts_idx"),
        ),
        migrations.RunPython(_run(CREATE), _run(DROP), elidable=False),
    ]
