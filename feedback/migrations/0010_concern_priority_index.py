from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("feedback", "0009_concern_description_trigram")]

    operations = [
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(fields=["-priority", "received_at", "id"], name="concern_priority_idx"),
        ),
    ]
