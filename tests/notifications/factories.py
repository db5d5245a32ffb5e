import factory

from notifications.models import Message
from participants.models import Registration
from tests.events.factories import ForumFactory


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    idempotency_key = factory.Sequence(lambda n: f"test:{n}")
    purpose = "registration_confirmed"
    channel = Message.Channel.SMS
    language = "en"
    recipient_name = "Sophea Kim"
    to_phone = "+85512345678"
    context = factory.LazyFunction(
        lambda: {
            "name": "Sophea Kim",
            "forum_title": "Regional Forum",
            "forum_starts_at": "2030-03-05T08:00:00+07:00",
            "venue": "Provincial Hall, Svay Rieng town",
            "code": "ACDE3467FG",
            "manage_url": "http://127.0.0.1:8000/en/r/abc/",
        }
    )


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration, reminded by SMS in Khmer."""

    class Meta:
        model = Registration

    forum = factory.SubFactory(ForumFactory)
    code = factory.Sequence(lambda n: f"C{n:09d}")
    full_name = factory.Sequence(lambda n: f"Participant {n}")
    gender = Registration.Gender.WOMAN
    age_group = Registration.AgeGroup.FROM_25
    role = Registration.Role.WORKERS_REP
    sector = Registration.Sector.GARMENT
    province = factory.LazyAttribute(lambda o: o.forum.host_province)
    phone = factory.Sequence(lambda n: f"+8551{n:07d}")
    preferred_language = "km"
    reminder_channel = Registration.Channel.SMS
    status = Registration.Status.CONFIRMED
