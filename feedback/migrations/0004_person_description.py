"""Describe a concern's author with the shared vocabulary of events.people (issue 8).

Rename `submitter_role` to `role`, the name registrations use; widen sector and role to the shared lists; add the
age group, the district and the six Washington Group questions, all optional (blank = not asked: no concern filed
before this migration was asked them). `has_disability` and `disability` are computed by the database from the six
answers. The stored values that changed are mapped by the next migration.
"""

import django.db.models.deletion
from django.db import migrations, models

import events.people


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_load_provinces"),
        ("feedback", "0003_concern_received_index"),
    ]

    operations = [
        migrations.RenameField(
            model_name="concern",
            old_name="submitter_role",
            new_name="role",
        ),
        migrations.AddField(
            model_name="concern",
            name="age_group",
            field=models.CharField(
                blank=True,
                choices=[
                    ("under_25", "Under 25"),
                    ("25_34", "25 to 34"),
                    ("35_44", "35 to 44"),
                    ("45_54", "45 to 54"),
                    ("55_64", "55 to 64"),
                    ("65_plus", "65 or older"),
                    ("undisclosed", "Prefer not to say"),
                ],
                max_length=20,
                verbose_name="age group",
            ),
        ),
        migrations.AddField(
            model_name="concern",
            name="difficulty_communicating",
            field=models.CharField(
                blank=True,
                choices=[
                    ("none", "No difficulty"),
                    ("some", "Some difficulty"),
                    ("a_lot", "A lot of difficulty"),
                    ("cannot", "Cannot do at all"),
                    ("undisclosed", "Prefer not to answer"),
                ],
                max_length=20,
                verbose_name="difficulty communicating",
            ),
        ),
        migrations.AddField(
            model_name="concern",
            name="difficulty_hearing",
            field=models.CharField(
                blank=True,
                choices=[
                    ("none", "No difficulty"),
                    ("some", "Some difficulty"),
                    ("a_lot", "A lot of difficulty"),
                    ("cannot", "Cannot do at all"),
                    ("undisclosed", "Prefer not to answer"),
                ],
                max_length=20,
                verbose_name="difficulty hearing",
            ),
        ),
        migrations.AddField(
            model_name="concern",
            name="difficulty_remembering",
            field=models.CharField(
                blank=True,
                choices=[
                    ("none", "No difficulty"),
                    ("some", "Some difficulty"),
                    ("a_lot", "A lot of difficulty"),
                    ("cannot", "Cannot do at all"),
                    ("undisclosed", "Prefer not to answer"),
                ],
                max_length=20,
                verbose_name="difficulty remembering or concentrating",
            ),
        ),
        migrations.AddField(
            model_name="concern",
            name="difficulty_seeing",
            field=models.CharField(
                blank=True,
                choices=[
                    ("none", "No difficulty"),
                    ("some", "Some difficulty"),
                    ("a_lot", "A lot of difficulty"),
                    ("cannot", "Cannot do at all"),
                    ("undisclosed", "Prefer not to answer"),
                ],
                max_length=20,
                verbose_name="difficulty seeing",
            ),
        ),
        migrations.AddField(
            model_name="concern",
            name="difficulty_self_care",
            field=models.CharField(
                blank=True,
                choices=[
                    ("none", "No difficulty"),
                    ("some", "Some difficulty"),
                    ("a_lot", "A lot of difficulty"),
                    ("cannot", "Cannot do at all"),
                    ("undisclosed", "Prefer not to answer"),
                ],
                max_length=20,
                verbose_name="difficulty with self-care",
            ),
        ),
        migrations.AddField(
            model_name="concern",
            name="difficulty_walking",
            field=models.CharField(
                blank=True,
                choices=[
                    ("none", "No difficulty"),
                    ("some", "Some difficulty"),
                    ("a_lot", "A lot of difficulty"),
                    ("cannot", "Cannot do at all"),
                    ("undisclosed", "Prefer not to answer"),
                ],
                max_length=20,
                verbose_name="difficulty walking or climbing steps",
            ),
        ),
        migrations.AddField(
            model_name="concern",
            name="district",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(class)ss",
                to="events.district",
                verbose_name="district",
            ),
        ),
        migrations.AlterField(
            model_name="concern",
            name="role",
            field=models.CharField(
                blank=True,
                choices=[
                    ("worker", "Worker"),
                    ("workers_rep", "Workers' representative"),
                    ("employer", "Employer"),
                    ("local_leader", "Local leader"),
                    ("community_rep", "Community representative"),
                    ("cso", "Civil-society or NGO representative"),
                    ("expert", "Expert"),
                    ("official", "Ministry or provincial official"),
                    ("service_provider", "Service provider"),
                    ("journalist", "Journalist"),
                    ("other", "Other"),
                ],
                max_length=30,
                verbose_name="role",
            ),
        ),
        migrations.AlterField(
            model_name="concern",
            name="gender",
            field=models.CharField(
                blank=True,
                choices=[
                    ("woman", "Woman"),
                    ("man", "Man"),
                    ("another", "Another gender identity"),
                    ("undisclosed", "Prefer not to say"),
                ],
                max_length=20,
                verbose_name="gender",
            ),
        ),
        migrations.AlterField(
            model_name="concern",
            name="province",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(class)ss",
                to="events.province",
                verbose_name="province",
            ),
        ),
        migrations.AlterField(
            model_name="concern",
            name="sector",
            field=models.CharField(
                blank=True,
                choices=[
                    ("garment", "Garment, footwear and travel goods"),
                    ("construction", "Construction"),
                    ("entertainment", "Entertainment"),
                    ("tourism", "Tourism and hospitality"),
                    ("transport", "Transport and delivery"),
                    ("informal", "Informal economy"),
                    ("farming", "Agriculture and fishing, including smallholder farming"),
                    ("public", "Public sector"),
                    ("other", "Other"),
                ],
                max_length=30,
                verbose_name="sector",
            ),
        ),
        migrations.AddField(
            model_name="concern",
            name="disability",
            field=events.people.DerivedField(
                choices=[
                    ("yes", "With a disability"),
                    ("no", "Without a disability"),
                    ("undisclosed", "Preferred not to answer"),
                    ("", "Unknown: not asked or not all answered"),
                ],
                db_persist=True,
                expression=models.Case(
                    models.When(
                        models.Q(
                            ("difficulty_seeing__in", ("a_lot", "cannot")),
                            ("difficulty_hearing__in", ("a_lot", "cannot")),
                            ("difficulty_walking__in", ("a_lot", "cannot")),
                            ("difficulty_remembering__in", ("a_lot", "cannot")),
                            ("difficulty_self_care__in", ("a_lot", "cannot")),
                            ("difficulty_communicating__in", ("a_lot", "cannot")),
                            _connector="OR",
                        ),
                        then=models.Value("yes"),
                    ),
                    models.When(
                        models.Q(
                            ("difficulty_seeing__in", ("none", "some")),
                            ("difficulty_hearing__in", ("none", "some")),
                            ("difficulty_walking__in", ("none", "some")),
                            ("difficulty_remembering__in", ("none", "some")),
                            ("difficulty_self_care__in", ("none", "some")),
                            ("difficulty_communicating__in", ("none", "some")),
                        ),
                        then=models.Value("no"),
                    ),
                    models.When(
                        models.Q(
                            ("difficulty_seeing__in", ("undisclosed",)),
                            ("difficulty_hearing__in", ("undisclosed",)),
                            ("difficulty_walking__in", ("undisclosed",)),
                            ("difficulty_remembering__in", ("undisclosed",)),
                            ("difficulty_self_care__in", ("undisclosed",)),
                            ("difficulty_communicating__in", ("undisclosed",)),
                            _connector="OR",
                        ),
                        then=models.Value("undisclosed"),
                    ),
                    default=models.Value(""),
                ),
                output_field=models.CharField(max_length=20),
                verbose_name="disability",
            ),
        ),
        migrations.AddField(
            model_name="concern",
            name="has_disability",
            field=events.people.DerivedField(
                db_persist=True,
                expression=models.Q(
                    ("difficulty_seeing__in", ("a_lot", "cannot")),
                    ("difficulty_hearing__in", ("a_lot", "cannot")),
                    ("difficulty_walking__in", ("a_lot", "cannot")),
                    ("difficulty_remembering__in", ("a_lot", "cannot")),
                    ("difficulty_self_care__in", ("a_lot", "cannot")),
                    ("difficulty_communicating__in", ("a_lot", "cannot")),
                    _connector="OR",
                ),
                output_field=models.BooleanField(),
                verbose_name="has a disability",
            ),
        ),
    ]
