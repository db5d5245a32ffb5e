from datetime import time, timedelta

import factory
from django.utils import timezone

from events.models import AgendaItem, Forum, ForumSeries, Province, Speaker


class ForumSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForumSeries

    title = factory.Sequence(lambda n: f"{2030 + n} Annual Regional Forum")
    slug = factory.Sequence(lambda n: f"series-{n}")
    theme = "Towards Inclusive, Gender-Responsive, and Universal Social Security in Cambodia"
    year = factory.Sequence(lambda n: 2030 + n)


class ForumFactory(factory.django.DjangoModelFactory):
    """A published forum a month ahead, with registration open now."""

    class Meta:
        model = Forum
        skip_postgeneration_save = True

    series = factory.SubFactory(ForumSeriesFactory)
    title = factory.Sequence(lambda n: f"Regional Forum {n}")
    slug = factory.Sequence(lambda n: f"regional-forum-{n}")
    kind = Forum.Kind.REGIONAL
    host_province = factory.LazyFunction(lambda: Province.objects.get(name_en="Svay Rieng"))
    venue_name = "Provincial Hall"
    venue_address = "Svay Rieng town"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=8))
    capacity = 130
    registration_opens_at = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=60))
    registration_closes_at = factory.LazyAttribute(lambda o: o.starts_at - timedelta(hours=12))
    status = Forum.Status.PUBLISHED

    @factory.post_generation
    def covered_provinces(obj, create, extracted, **kwargs):
        if create:
            names = extracted or ["Svay Rieng", "Prey Veng"]
            obj.covered_provinces.set(Province.objects.filter(name_en__in=names))


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Faker("name")
    organisation = "National Social Security Fund"
    job_title = "Director"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    forum = factory.SubFactory(ForumFactory)
    starts_at = time(8, 0)
    ends_at = time(9, 0)
    title = factory.Sequence(lambda n: f"Session {n}")
    session_kind = AgendaItem.SessionKind.PANEL
