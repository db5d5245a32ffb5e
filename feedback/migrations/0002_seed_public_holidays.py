"""Seed Cambodia's public holidays for the current year; the administrator maintains the table afterwards.

Fixed-date holidays are generated for the year the migration runs; the lunar ones (Visak Bochea, the
Royal Ploughing Ceremony, Pchum Ben, the Water Festival) are listed per year from the government's annual
announcement, so the administrator checks them each year in the admin.
"""

from datetime import date

from django.db import migrations

FIXED = [
    (1, 1, "International New Year Day", "ទិវាចូលឆ្នាំសកល"),
    (1, 7, "Victory over Genocide Day", "ទិវាជ័យជម្នះលើរបបប្រល័យពូជសាសន៍"),
    (3, 8, "International Women's Day", "ទិវានារីអន្តរជាតិ"),
    (4, 14, "Khmer New Year", "ពិធីបុណ្យចូលឆ្នាំប្រពៃណីជាតិ"),
    (4, 15, "Khmer New Year", "ពិធីបុណ្យចូលឆ្នាំប្រពៃណីជាតិ"),
    (4, 16, "Khmer New Year", "ពិធីបុណ្យចូលឆ្នាំប្រពៃណីជាតិ"),
    (5, 1, "International Labour Day", "ទិវាពលកម្មអន្តរជាតិ"),
    (5, 14, "King Norodom Sihamoni's Birthday", "ព្រះរាជពិធីបុណ្យចម្រើនព្រះជន្ម ព្រះមហាក្សត្រ"),
    (6, 18, "Queen Mother's Birthday", "ព្រះរាជពិធីបុណ្យចម្រើនព្រះជន្ម សម្តេចព្រះមហាក្សត្រី"),
    (9, 24, "Constitution Day", "ទិវាប្រកាសរដ្ឋធម្មនុញ្ញ"),
    (10, 15, "Commemoration Day of King Father Norodom Sihanouk", "ទិវាប្រារព្ធពិធីគោរពព្រះវិញ្ញាណក្ខន្ធ"),
    (10, 29, "King Norodom Sihamoni's Coronation Day", "ព្រះរាជពិធីគ្រងព្រះបរមរាជសម្បត្តិ"),
    (11, 9, "Independence Day", "ពិធីបុណ្យឯករាជ្យជាតិ"),
    (12, 29, "Peace Day", "ទិវាសន្តិភាពនៅកម្ពុជា"),
]

LUNAR = {
    2026: [
        (date(2026, 5, 31), "Visak Bochea Day", "ពិធីបុណ្យវិសាខបូជា"),
        (date(2026, 6, 4), "Royal Ploughing Ceremony", "ព្រះរាជពិធីច្រត់ព្រះនង្គ័ល"),
        (date(2026, 10, 10), "Pchum Ben Festival", "ពិធីបុណ្យភ្ជុំបិណ្ឌ"),
        (date(2026, 10, 11), "Pchum Ben Festival", "ពិធីបុណ្យភ្ជុំបិណ្ឌ"),
        (date(2026, 10, 12), "Pchum Ben Festival", "ពិធីបុណ្យភ្ជុំបិណ្ឌ"),
        (date(2026, 11, 23), "Water Festival", "ព្រះរាជពិធីបុណ្យអុំទូក"),
        (date(2026, 11, 24), "Water Festival", "ព្រះរាជពិធីបុណ្យអុំទូក"),
        (date(2026, 11, 25), "Water Festival", "ព្រះរាជពិធីបុណ្យអុំទូក"),
    ],
}


def seed(apps, schema_editor):
    PublicHoliday = apps.get_model("feedback", "PublicHoliday")
    year = date.today().year
    rows = [(date(year, month, day), en, km) for month, day, en, km in FIXED] + LUNAR.get(year, [])
    for day, name_en, name_km in rows:
        PublicHoliday.objects.get_or_create(date=day, defaults={"name_en": name_en, "name_km": name_km})


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
