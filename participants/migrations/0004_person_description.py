"""Describe a registration's person with the shared vocabulary of events.people (issue 8).

Gender, age group, role and sector keep their stored values: every registration value is in the shared lists
(which add `worker` and `employer` to roles, `transport` to sectors). They become optional on the field, as on
concerns, and the new check constraint `registration_person_described` keeps them required for registrations.

The six Washington Group questions are added blank ("not asked") on every existing row: nobody was asked them,
and no answer is made up. The old single yes/no question ("Do you have difficulty seeing, hearing, walking,
remembering, looking after yourself or communicating?") cannot be turned into Washington Group answers: it had
no degree of difficulty, so "yes" covers "some difficulty", which is below the disability cut-off. Its answers
are kept as they were, renamed `legacy_disability_answer`, read-only, so the figures already reported for past
forums can be reproduced; they are never counted in `has_disability`. New registrations leave it blank.
"""

import django.db.models.deletion
from django.db import migrations, models

import events.people


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_load_provinces"),
        ("participants", "0003_reminder_settings"),
    ]

    operations = [
        migrations.RenameField(
            model_name="registration",
            old_name="disability",
            new_name="legacy_disability_answer",
        ),
        migrations.AlterField(
            model_name="registration",
            name="legacy_disability_answer",
            field=models.CharField(
                blank=True,
                choices=[("no", "No"), ("yes", "Yes"), ("undisclosed", "Prefer not to say")],
                editable=False,
                help_text="Asked before the Washington Group questions; not counted as a disability.",
                max_length=20,
                verbose_name="answer to the old single difficulty question",
            ),
        ),
        migrations.AddField(
            model_name="registration",
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
            model_name="registration",
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
            model_name="registration",
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
            model_name="registration",
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
            model_name="registration",
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
            model_name="registration",
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
        migrations.AlterField(
            model_name="registration",
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
        migrations.AlterField(
            model_name="registration",
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
            model_name="registration",
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
            model_name="registration",
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
            model_name="registration",
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
            model_name="registration",
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
        migrations.AddField(
            model_name="registration",
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
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("gender", ""), _negated=True),
                    models.Q(("age_group", ""), _negated=True),
                    models.Q(("role", ""), _negated=True),
                    models.Q(("sector", ""), _negated=True),
                ),
                name="registration_person_described",
                violation_error_message="Give the gender, age group, role and sector.",
            ),
        ),
    ]
