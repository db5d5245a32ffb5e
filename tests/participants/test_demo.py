import io

import pytest
from django.core.management import call_command

from events.models import Forum
from participants.demo import BENCHMARK_SLUG
from participants.models import Registration, SeatTarget

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _credentials_elsewhere(monkeypatch, tmp_path):
    """seed_demo writes demo passwords to var/; keep the developer's file untouched."""
    monkeypatch.setattr("events.demo.CREDENTIALS_FILE", tmp_path / "demo-credentials.json")


def _snapshot():
    return (
        Registration.objects.count(),
        sorted(Registration.objects.values_list("forum__slug", "status").distinct()),
        SeatTarget.objects.count(),
    )


def test_seed_demo_adds_realistic_participants_once():
    call_command("seed_demo", stdout=io.StringIO())
    first = _snapshot()
    call_command("seed_demo", stdout=io.StringIO())

    assert _snapshot() == first
    svay_rieng = Registration.objects.filter(forum__slug="svay-rieng-2023")
    battambang = Registration.objects.filter(forum__slug__startswith="battambang-")
    assert svay_rieng.count() == 130
    assert svay_rieng.filter(checked_in_at__isnull=False).count() > 100
    assert battambang.filter(status="confirmed").count() == 130
    assert battambang.filter(status="waiting").count() == 12
    women = Registration.objects.filter(gender="woman").count() / Registration.objects.count()
    assert 0.45 < women < 0.65
    assert Registration.objects.values("role").distinct().count() >= 7
    assert Registration.objects.filter(full_name__regex=r"[\u1780-\u17FF]").exists()  # some names in Khmer script
    covered = set(Forum.objects.get(slug="svay-rieng-2023").covered_provinces.values_list("pk", flat=True))
    assert set(svay_rieng.values_list("province", flat=True)) <= covered
    assert (
        not Registration.objects.filter(forum__slug__startswith="phnom-penh-national-2")
        .exclude(forum__slug="phnom-penh-national-2023")
        .exists()
    )  # drafts get nobody


def test_seed_demo_generates_a_large_number_for_benchmarks_and_tops_up():
    call_command("seed_demo", participants=3000, stdout=io.StringIO())
    call_command("seed_demo", participants=3000, stdout=io.StringIO())
    benchmark = Registration.objects.filter(forum__slug=BENCHMARK_SLUG)
    assert benchmark.count() == 3000

    call_command("seed_demo", participants=3500, stdout=io.StringIO())

    assert benchmark.count() == 3500
    assert benchmark.values("phone").distinct().count() == 3500
    assert Forum.objects.get(slug=BENCHMARK_SLUG).status == Forum.Status.DRAFT
