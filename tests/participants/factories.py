import factory

from events import people
from events.models import Province
from participants.models import Registration
from participants.services import code_new
from tests.events.factories import ForumFactory


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration from Svay Rieng, reminded by SMS in Khmer, with a unique Cambodian mobile number.

    The person answered "no difficulty" to the six Washington Group questions (`disability` is "no"); pass
    other answers, or blanks for "not asked", to change that.
    """

    class Meta:
        model = Registration

    forum = factory.SubFactory(ForumFactory)
    code = factory.LazyFunction(code_new)
    full_name = factory.Sequence(lambda n: f"Participant {n}")
    gender = Registration.Gender.WOMAN
    age_group = Registration.AgeGroup.FROM_35
    difficulty_seeing = people.Difficulty.NONE
    difficulty_hearing = people.Difficulty.NONE
    difficulty_walking = people.Difficulty.NONE
    difficulty_remembering = people.Difficulty.NONE
    difficulty_self_care = people.Difficulty.NONE
    difficulty_communicating = people.Difficulty.NONE
    role = Registration.Role.WORKERS_REP
    sector = Registration.Sector.GARMENT
    province = factory.LazyFunction(lambda: Province.objects.get(name_en="Svay Rieng"))
    phone = factory.Sequence(lambda n: f"+85512{n:06d}")
    preferred_language = "km"
    reminder_channel = Registration.Channel.SMS
    status = Registration.Status.CONFIRMED


def registration_data(**overrides) -> dict:
    """Return cleaned data for `registration_create`, as the form would give it."""
    data = {
        "full_name": "Sophea Chan",
        "gender": Registration.Gender.WOMAN,
        "age_group": Registration.AgeGroup.FROM_25,
        **dict.fromkeys(people.DIFFICULTY_FIELDS, people.Difficulty.NONE),
        "role": Registration.Role.WORKERS_REP,
        "sector": Registration.Sector.GARMENT,
        "organisation": "Garment workers' union",
        "province": Province.objects.get(name_en="Prey Veng"),
        "district": None,
        "phone": "+85512345678",
        "email": "",
        "preferred_language": "km",
        "reminder_channel": Registration.Channel.SMS,
        "nssf_member": False,
        "nssf_number": "",
        "support_needs": [],
    }
    data.update(overrides)
    return data


def form_data(**overrides) -> dict:
    """Return POST data for the public registration form."""
    province = Province.objects.get(name_en="Prey Veng")
    data = {
        "full_name": "Sophea Chan",
        "gender": "woman",
        "age_group": "25_34",
        **dict.fromkeys(people.DIFFICULTY_FIELDS, "none"),
        "role": "workers_rep",
        "sector": "garment",
        "organisation": "Garment workers' union",
        "province": str(province.pk),
        "district": str(province.districts.order_by("pk").first().pk),
        "phone": "012 345 678",
        "email": "",
        "preferred_language": "km",
        "reminder_channel": "sms",
        "nssf_member": "",
        "nssf_number": "",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
