import factory
from django.utils import timezone

from events.models import Province
from feedback.models import Concern
from feedback.services import concern_due_dates
from forum_portal.codes import code_generate as tracking_code_generate


class ConcernFactory(factory.django.DjangoModelFactory):
    """A new web concern with a contact who consented; service-level dates computed as the service does."""

    class Meta:
        model = Concern

    tracking_code = factory.LazyFunction(tracking_code_generate)
    category = Concern.Category.MATERNITY
    description = factory.Sequence(lambda n: f"My maternity allowance has not been paid after three months ({n}).")
    province = factory.LazyFunction(lambda: Province.objects.get(name_en="Svay Rieng"))
    sector = Concern.Sector.GARMENT
    role = Concern.Role.WORKER
    gender = Concern.Gender.WOMAN
    language = "en"
    contact_name = "Srey Leak"
    contact_phone = "+85512345678"
    consent_to_contact = True
    received_at = factory.LazyFunction(timezone.now)
    acknowledge_due = factory.LazyAttribute(
        lambda o: concern_due_dates(received_at=o.received_at, sensitive=False)["acknowledge_due"]
    )
    response_due = factory.LazyAttribute(
        lambda o: concern_due_dates(received_at=o.received_at, sensitive=False)["response_due"]
    )
    resolve_due = factory.LazyAttribute(
        lambda o: concern_due_dates(received_at=o.received_at, sensitive=False)["resolve_due"]
    )
