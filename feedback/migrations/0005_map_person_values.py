"""Map the sector and role values concerns stored before the shared vocabulary (issue 8) to the shared ones.

Concerns had their own lists: `hospitality` is now `tourism` ("Tourism and hospitality"), `agriculture` is now
`farming` ("Agriculture and fishing, including smallholder farming"), the role `union` is now `workers_rep` ("Workers'
representative") and `civil_society` is now `cso` ("Civil-society or NGO representative"). Every other stored
value (garment, construction, transport, informal, public, other; worker, employer, local_leader, other) means
the same in both lists and is kept. Gender values were already the same; only their labels changed.

Going back maps the four values back; a sector or role that only the shared list has (entertainment; community
representative, expert, official, service provider, journalist) becomes `other`, the only honest old value.
"""

from django.db import migrations

FORWARD = {
    "sector": {"hospitality": "tourism", "agriculture": "farming"},
    "role": {"union": "workers_rep", "civil_society": "cso"},
}
OLD_VALUES = {
    "sector": {"garment", "construction", "hospitality", "agriculture", "transport", "informal", "public", "other"},
    "role": {"worker", "union", "employer", "local_leader", "civil_society", "other"},
}


def _remap(Concern, mapping: dict[str, dict[str, str]]) -> None:
    for field, values in mapping.items():
        for old, new in values.items():
            Concern.objects.filter(**{field: old}).update(**{field: new})


def forward(apps, schema_editor):
    _remap(apps.get_model("feedback", "Concern"), FORWARD)


def backward(apps, schema_editor):
    Concern = apps.get_model("feedback", "Concern")
    _remap(Concern, {field: {new: old for old, new in values.items()} for field, values in FORWARD.items()})
    for field, allowed in OLD_VALUES.items():
        Concern.objects.exclude(**{f"{field}__in": [*allowed, ""]}).update(**{field: "other"})


class Migration(migrations.Migration):
    dependencies = [("feedback", "0004_person_description")]

    operations = [migrations.RunPython(forward, backward)]
