import factory

from notifications.models import Message


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
