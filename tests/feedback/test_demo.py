import io

import pytest

from events.demo import seed_forums, seed_users
from feedback import demo
from feedback.models import Commitment, CommitmentUpdate, Concern, ConcernEvent

pytestmark = pytest.mark.django_db


def test_seed_creates_realistic_2023_concerns_idempotently():
    forums = seed_forums()
    seed_users()
    out = io.StringIO()
    demo.seed(forums=forums, options={"concerns": 0, "participants": 0}, stdout=out)
    curated = Concern.objects.filter(forum__series__year=2023)
    assert curated.count() == len(demo.CURATED)
    assert set(curated.values_list("status", flat=True)) == set(Concern.Status.values)
    assert curated.values("category").distinct().count() >= 10
    assert curated.filter(response_publishable=True).exists()
    assert not curated.filter(anonymous=True).exclude(contact_phone="").exists()
    events_before = ConcernEvent.objects.count()
    assert events_before > len(demo.CURATED)

    assert Commitment.objects.count() == len(demo.COMMITMENTS)
    assert Commitment.objects.filter(concerns__isnull=False).distinct().count() == len(demo.COMMITMENTS)
    updates_before = CommitmentUpdate.objects.count()

    demo.seed(forums=forums, options={"concerns": 0, "participants": 0}, stdout=out)
    assert Concern.objects.count() == len(demo.CURATED)
    assert ConcernEvent.objects.count() == events_before
    assert Commitment.objects.count() == len(demo.COMMITMENTS)
    assert CommitmentUpdate.objects.count() == updates_before


def test_seed_volume_adds_requested_number_once():
    forums = seed_forums()
    out = io.StringIO()
    assert demo.seed_volume(forums=forums, count=300, stdout=out, batch_size=120) == 300
    assert demo.seed_volume(forums=forums, count=300, stdout=out, batch_size=120) == 0
    assert Concern.objects.count() == 300
    closed = Concern.objects.filter(status=Concern.Status.CLOSED)
    assert not closed.filter(closing_reason="").exists()
    assert Concern.objects.filter(status=Concern.Status.NEW, acknowledged_at__isnull=False).count() == 0
