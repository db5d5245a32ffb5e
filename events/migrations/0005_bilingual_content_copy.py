"""Copy the text written before content was bilingual into the column of the language it is written in.

A text with Khmer letters goes to `<field>_km`, any other to `<field>_en`; a column already filled is kept.
"""

from django.db import migrations

TRANSLATED = {
    "ForumSeries": ("title", "theme"),
    "Forum": ("title", "description", "venue_name", "venue_address"),
    "AgendaItem": ("title", "description"),
    "Speaker": ("name", "organisation", "job_title"),
}


def _language(text: str) -> str:
    return "km" if any("\u1780" <= ch <= "\u17ff" for ch in text) else "en"


def copy_into_language_columns(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("events", model_name)
        for row in model.objects.all().iterator():
            changed = []
            for field in fields:
                text = getattr(row, field) or ""
                if not text or getattr(row, f"{field}_km") or getattr(row, f"{field}_en"):
                    continue
                column = f"{field}_{_language(text)}"
                setattr(row, column, text)
                changed.append(column)
            if changed:
                row.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("events", "0004_bilingual_content")]

    operations = [migrations.RunPython(copy_into_language_columns, migrations.RunPython.noop)]
