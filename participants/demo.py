"""Demo participants: realistic synthetic registrations for the demo forums, and many more for benchmarks.

Nothing here sends a message: rows are written directly (bulk), not through the services. Every person
is made up. Running the seed again changes nothing: each forum is filled once, and the benchmark forum
is only topped up to the number asked for.
"""

import random
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from events import people
from events.models import Forum, ForumSeries, Province
from forum_portal.codes import code_generate
from participants.models import (
    DEFAULT_REMINDER_HOUR,
    Registration,
    ReminderSettings,
    SeatTarget,
    default_reminder_offsets,
)

R = Registration

FAMILY = ["Chan", "Sok", "Meas", "Kim", "Heng", "Ly", "Chea", "Keo", "Phan", "Seng", "Prak", "Ouk", "Mao", "Long"]
WOMEN = ["Sreymom", "Sophea", "Dalin", "Chenda", "Bopha", "Channary", "Kanha", "Rachana", "Pisey", "Sreyleak"]
MEN = ["Dara", "Sokha", "Vuthy", "Rithy", "Visal", "Sambath", "Piseth", "Borey", "Samnang", "Veasna", "Kosal"]
FAMILY_KM = ["ចាន់", "សុខ", "មាស", "គីម", "ហេង", "លី", "ជា", "កែវ"]
WOMEN_KM = ["ស្រីមុំ", "សុភា", "ដាលីន", "ចិន្តា", "បុប្ផា", "ស្រីល័ក្ខ"]
MEN_KM = ["ដារា", "សុខា", "វុទ្ធី", "រិទ្ធី", "វិសាល", "សំណាង"]
ORGANISATIONS = {
    R.Role.WORKERS_REP: ["Garment workers' union", "Construction workers' federation", "Tourism workers' union"],
    R.Role.CSO: ["Oxfam partner NGO", "Women's rights association", "Informal workers' network"],
    R.Role.LOCAL_LEADER: ["Commune council", "Village committee"],
    R.Role.COMMUNITY_REP: ["Community savings group", "Farmers' cooperative"],
    R.Role.OFFICIAL: ["Provincial labour department", "Ministry of Labour and Vocational Training"],
    R.Role.SERVICE_PROVIDER: ["Referral hospital", "Health centre"],
    R.Role.EXPERT: ["Royal University of Phnom Penh", "Social protection researcher"],
    R.Role.JOURNALIST: ["Provincial radio"],
    R.Role.OTHER: [""],
}
# Roughly the mix of the 2023 forums: workers and community voices first.
ROLE_WEIGHTS = {
    R.Role.WORKERS_REP: 30,
    R.Role.COMMUNITY_REP: 15,
    R.Role.LOCAL_LEADER: 14,
    R.Role.CSO: 12,
    R.Role.OFFICIAL: 10,
    R.Role.SERVICE_PROVIDER: 8,
    R.Role.EXPERT: 5,
    R.Role.JOURNALIST: 3,
    R.Role.OTHER: 3,
}
SECTOR_WEIGHTS = {
    R.Sector.GARMENT: 30,
    R.Sector.INFORMAL: 20,
    R.Sector.FARMING: 15,
    R.Sector.CONSTRUCTION: 10,
    R.Sector.TOURISM: 8,
    R.Sector.ENTERTAINMENT: 5,
    R.Sector.PUBLIC: 8,
    R.Sector.OTHER: 4,
}
BENCHMARK_SLUG = "benchmark-participants"


def _codes(count: int, rng: random.Random) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(code_generate(rng=rng))
    return list(codes)


def _difficulties(rng: random.Random) -> dict:
    """Return Washington Group answers: mostly no difficulty; about one person in seven over the cut-off."""
    weights = [88, 9, 2, 0.5, 0.5]  # none, some, a lot, cannot, prefer not to answer
    return {name: rng.choices(people.Difficulty.values, weights)[0] for name in people.DIFFICULTY_FIELDS}


def _person(rng: random.Random, n: int, provinces: list[Province], districts: dict[int, list[int]]) -> dict:
    gender = rng.choices([R.Gender.WOMAN, R.Gender.MAN, R.Gender.ANOTHER, R.Gender.UNDISCLOSED], [55, 42, 1, 2])[0]
    woman = gender == R.Gender.WOMAN
    if rng.random() < 0.3:
        name = f"{rng.choice(FAMILY_KM)} {rng.choice(WOMEN_KM if woman else MEN_KM)}"
    else:
        name = f"{rng.choice(FAMILY)} {rng.choice(WOMEN if woman else MEN)}"
    role = rng.choices(list(ROLE_WEIGHTS), list(ROLE_WEIGHTS.values()))[0]
    province = rng.choice(provinces)
    member = rng.random() < 0.6
    language = "km" if rng.random() < 0.9 else "en"
    email = f"participant{n}@example.org" if rng.random() < 0.2 else ""
    return {
        "full_name": name,
        "gender": gender,
        "age_group": rng.choice(R.AgeGroup.values[:-1]),
        **_difficulties(rng),
        "role": role,
        "sector": rng.choices(list(SECTOR_WEIGHTS), list(SECTOR_WEIGHTS.values()))[0],
        "organisation": rng.choice(ORGANISATIONS[role]),
        "province_id": province.pk,
        "district_id": rng.choice(districts[province.pk]) if districts.get(province.pk) else None,
        "phone": f"+85512{n:06d}",
        "email": email,
        "preferred_language": language,
        "reminder_channel": R.Channel.EMAIL if email and rng.random() < 0.5 else R.Channel.SMS,
        "nssf_member": member,
        "nssf_number": f"NSSF{n:07d}" if member and rng.random() < 0.5 else "",
        "support_needs": rng.sample(R.SupportNeed.values, k=1) if rng.random() < 0.15 else [],
    }


def _fill(*, forum: Forum, count: int, capacity: int, checked_in_share: float, start: int, rng) -> int:
    """Add `count` registrations numbered from `start`; the first `capacity` confirmed, the rest waiting."""
    provinces = list(forum.covered_provinces.all()) or [forum.host_province]
    districts: dict[int, list[int]] = {}
    for province in provinces:
        districts[province.pk] = list(province.districts.values_list("pk", flat=True))
    confirmed_before = forum.registrations.filter(status=R.Status.CONFIRMED).count()
    now = timezone.now()
    created = 0
    for batch_start in range(0, count, 5000):
        size = min(5000, count - batch_start)
        rows = []
        for i, code in enumerate(_codes(size, rng)):
            n = start + batch_start + i
            seat = confirmed_before + batch_start + i < capacity
            checked = seat and forum.is_past and rng.random() < checked_in_share
            rows.append(
                R(
                    forum=forum,
                    code=code,
                    status=R.Status.CONFIRMED if seat else R.Status.WAITING,
                    consent_at=now,
                    checked_in_at=forum.starts_at + timedelta(minutes=rng.randint(0, 90)) if checked else None,
                    **_person(rng, n, provinces, districts),
                )
            )
        created += len(R.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True))
    if count >= 5000 and connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, so the planner uses the indexes at once
            cursor.execute("ANALYZE participants_registration")
    return created


DEMO_FILL = {
    # slug prefix: (registrations, share checked in if the forum is over)
    "sihanoukville-2023": (118, 0.9),
    "svay-rieng-2023": (130, 0.93),
    "phnom-penh-national-2023": (125, 0.88),
    "siem-reap-": (84, 0.0),
    "battambang-": (142, 0.0),  # over capacity: shows the waiting list
}


def _benchmark_forum(forums: list[Forum], total: int) -> Forum:
    template = forums[0]
    series = ForumSeries.objects.filter(forums__in=forums).order_by("-year").first() or template.series
    start = timezone.now() + timedelta(days=200)
    forum, _ = Forum.objects.get_or_create(
        slug=BENCHMARK_SLUG,
        defaults={
            "series": series,
            "title": "Benchmark forum (synthetic participants)",
            "host_province": template.host_province,
            "venue_name": "Benchmark venue",
            "venue_address": "Phnom Penh",
            "starts_at": start,
            "ends_at": start + timedelta(hours=8),
            "capacity": max(total, 130),
            "registration_opens_at": start - timedelta(days=60),
            "registration_closes_at": start - timedelta(hours=12),
            "status": Forum.Status.DRAFT,
        },
    )
    if forum.capacity < total:
        forum.capacity = total
        forum.save(update_fields=["capacity", "updated_at"])
    if not forum.covered_provinces.exists():
        forum.covered_provinces.set(Province.objects.all())
    return forum


@transaction.atomic
def seed(*, forums, options, stdout) -> None:
    """Give each demo forum its participants once; with --participants N, top a benchmark forum up to N."""
    reminder_settings_seed(forums=forums, stdout=stdout)
    for forum in forums:
        plan = next((fill for prefix, fill in DEMO_FILL.items() if forum.slug.startswith(prefix)), None)
        if plan is None or forum.registrations.exists():
            continue
        count, checked_in = plan
        rng = random.Random(forum.slug)  # same people on every machine
        made = _fill(forum=forum, count=count, capacity=forum.capacity, checked_in_share=checked_in, start=1, rng=rng)
        if not forum.is_past:
            SeatTarget.objects.get_or_create(
                forum=forum,
                dimension=SeatTarget.Dimension.GENDER,
                value=R.Gender.WOMAN,
                defaults={"minimum": 50, "unit": SeatTarget.Unit.PERCENT},
            )
        stdout.write(f"participants: {made} demo registrations for {forum.slug}")

    wanted = int(options.get("participants") or 0)
    if wanted > 0:
        forum = _benchmark_forum(forums, wanted)
        have = forum.registrations.count()
        if have < wanted:
            last_phone = forum.registrations.order_by("-phone").values_list("phone", flat=True).first()
            start = int(last_phone[-6:]) + 1 if last_phone else 1
            rng = random.Random(f"{BENCHMARK_SLUG}:{start}")
            made = _fill(
                forum=forum, count=wanted - have, capacity=forum.capacity, checked_in_share=0, start=start, rng=rng
            )
            stdout.write(f"participants: {made} synthetic registrations in the benchmark forum ({BENCHMARK_SLUG})")


def reminder_settings_seed(*, forums, stdout) -> None:
    """Give each upcoming demo forum the default reminder settings (idempotent: existing ones are kept)."""
    now = timezone.now()
    created = 0
    for forum in forums:
        if forum.starts_at <= now:
            continue
        _settings, was_created = ReminderSettings.objects.get_or_create(
            forum=forum,
            defaults={"reminder_offsets_days": default_reminder_offsets(), "reminder_hour": DEFAULT_REMINDER_HOUR},
        )
        created += was_created
    if created:
        stdout.write(f"Reminder settings for {created} upcoming forums (7 and 1 days before, 9:00).")
