# Demo prose reads better as whole sentences, so long lines are allowed in this file.
# ruff: noqa: E501
"""Demo concerns: realistic ones raised at the 2023 forums, in several categories and states, plus volume.

Idempotent: every demo concern has a fixed tracking code, so running `seed_demo` twice changes nothing.
`--concerns N` adds N synthetic concerns (bulk inserted, without timelines) for load and query-count checks.
"""

import random
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from events import people
from events.models import Province
from feedback.calendar import add_working_days, holidays_between, service_promises
from feedback.models import Commitment, CommitmentCategory, CommitmentMilestone, CommitmentUpdate, Concern, ConcernEvent
from forum_portal.codes import code_generate

Status = Concern.Status
C = Concern.Category
AGE_GROUPS = people.AgeGroup.values[:-1]

# (category, description, province, status, closing reason, public response, publishable, sensitive, anonymous)
CURATED = [
    (
        C.MATERNITY,
        "I gave birth in July and applied for the maternity allowance at the NSSF branch, but after two months it has not been paid.",
        "Svay Rieng",
        Status.CLOSED,
        "resolved",
        "The allowance was delayed because the employer had not declared the worker's salary for June. NSSF followed up with the employer and the allowance was paid in full on 30 October.",
        True,
        False,
        False,
    ),
    (
        C.HEALTH_CARE,
        "The referral hospital asked me to pay for medicine although I showed my NSSF card.",
        "Prey Veng",
        Status.RESPONDED,
        "",
        "Contracted health facilities must not charge NSSF members for covered treatment. NSSF has reminded the hospital and will refund the amount paid on presentation of the receipt.",
        True,
        False,
        False,
    ),
    (
        C.NSSF_CARD,
        "Our factory registered us a year ago but many workers still have no NSSF card.",
        "Kampong Cham",
        Status.UNDER_REVIEW,
        "",
        "",
        False,
        False,
        True,
    ),
    (
        C.EMPLOYMENT_INJURY,
        "I was injured travelling to work on a factory truck. The employer says it is not a work accident.",
        "Tboung Khmum",
        Status.CLOSED,
        "resolved",
        "Accidents while commuting between home and work are covered as employment injuries. The claim was accepted and treatment costs and daily allowance were paid.",
        True,
        False,
        False,
    ),
    (
        C.PENSION,
        "How will the new pension scheme affect workers who are already 50 years old?",
        "Sihanoukville",
        Status.CLOSED,
        "resolved",
        "Workers who are already older can still receive an old-age benefit: those with fewer contribution months receive a lump sum. NSSF will publish a leaflet explaining the rules.",
        True,
        False,
        False,
    ),
    (
        C.INFORMAL_ECONOMY,
        "Market vendors want to join NSSF health care but do not know how to register.",
        "Kampot",
        Status.ACKNOWLEDGED,
        "",
        "",
        False,
        False,
        True,
    ),
    (
        C.PAYMENTS,
        "My sickness allowance for 10 days in August has still not arrived.",
        "Kep",
        Status.NEW,
        "",
        "",
        False,
        False,
        False,
    ),
    (
        C.STAFF_CONDUCT,
        "A supervisor threatened to dismiss workers who complained about the NSSF deductions.",
        "Koh Kong",
        Status.UNDER_REVIEW,
        "",
        "",
        False,
        True,
        False,
    ),
    (
        C.DEPENDANTS,
        "Can my husband and children be covered by my NSSF health care?",
        "Kratie",
        Status.CLOSED,
        "outside_mandate",
        "Health-care coverage for dependants is under preparation by the government; it is not yet part of the NSSF scheme. NSSF will inform workers when it begins.",
        True,
        False,
        True,
    ),
    (
        C.HEALTH_EQUITY_CARD,
        "I have a health equity card and an NSSF card. Which one should I use at the health centre?",
        "Svay Rieng",
        Status.CLOSED,
        "referred",
        "Use your NSSF card for covered services. Questions about the health equity card were passed to the Ministry of Planning's IDPoor team.",
        False,
        False,
        False,
    ),
    (
        C.MEMBERSHIP,
        "Construction workers on short contracts are not registered with NSSF by the subcontractor.",
        "Prey Veng",
        Status.RESPONDED,
        "",
        "NSSF inspectors will visit the construction sites named and remind the contractors of their obligation to register all workers.",
        True,
        False,
        False,
    ),
    (
        C.SICKNESS_INVALIDITY,
        "After my accident I cannot work any more. How do I apply for an invalidity pension?",
        "Kampong Cham",
        Status.CLOSED,
        "duplicate",
        "",
        False,
        False,
        False,
    ),
]


def _code(seed: str) -> str:
    return code_generate(rng=random.Random(seed))


def _due(received: datetime, holidays: set) -> dict:
    day = timezone.localdate(received)
    promised = service_promises()
    return {
        "acknowledge_due": add_working_days(day, promised["acknowledge"], holidays=holidays),
        "response_due": add_working_days(day, promised["answer"], holidays=holidays),
        "resolve_due": add_working_days(day, promised["resolve"], holidays=holidays),
    }


def _timeline(concern: Concern, staff) -> None:
    """Write the timeline the curated state implies, dated as it would have happened."""
    events = [(ConcernEvent.Kind.SUBMITTED, "", Status.NEW, "", concern.received_at, None)]
    steps = [
        (Status.ACKNOWLEDGED, concern.acknowledged_at),
        (Status.UNDER_REVIEW, concern.acknowledged_at and concern.acknowledged_at + timedelta(days=1)),
        (Status.RESPONDED, concern.responded_at),
        (Status.CLOSED, concern.closed_at),
    ]
    previous = Status.NEW
    for status, when in steps:
        if when is None:
            break
        kind = ConcernEvent.Kind.RESPONSE if status == Status.RESPONDED else ConcernEvent.Kind.STATUS
        text = concern.public_response if status == Status.RESPONDED else ""
        events.append((kind, previous, status, text, when, staff))
        previous = status
    ConcernEvent.objects.bulk_create(
        ConcernEvent(concern=concern, kind=k, from_status=f, to_status=t, text=x, created_at=w, actor=a)
        for k, f, t, x, w, a in events
    )


@transaction.atomic
def seed_curated(*, forums, stdout) -> int:
    forums_2023 = [forum for forum in forums if forum.series.year == 2023]
    if not forums_2023:
        return 0
    staff = get_user_model().objects.filter(email="staff@example.org").first()
    holidays = holidays_between(datetime(2023, 1, 1).date(), datetime(2024, 12, 31).date())
    provinces = {p.name_en: p for p in Province.objects.all()}
    created = 0
    for n, (category, text, province, status, reason, response, publishable, sensitive, anonymous) in enumerate(
        CURATED
    ):
        code = _code(f"forum-portal-demo-curated-{n}")
        if Concern.objects.filter(tracking_code=code).exists():
            continue
        forum = forums_2023[n % len(forums_2023)]
        received = forum.starts_at + timedelta(hours=3, minutes=n)
        reached = list(Status.values).index(status)
        concern = Concern.objects.create(
            tracking_code=code,
            forum=forum,
            category=category,
            description=text,
            province=provinces.get(province),
            sector=Concern.Sector.CONSTRUCTION if "onstruction" in text else Concern.Sector.GARMENT,
            role=Concern.Role.WORKER,
            gender=Concern.Gender.WOMAN if n % 3 else Concern.Gender.MAN,
            age_group=AGE_GROUPS[n % len(AGE_GROUPS)],
            channel=Concern.Channel.FORUM if n % 2 else Concern.Channel.WEB,
            language="km" if n % 2 else "en",
            anonymous=anonymous,
            contact_name="" if anonymous else f"Demo worker {n + 1}",
            contact_phone="" if anonymous else f"+8551200{n:04d}",
            consent_to_contact=not anonymous,
            sensitive=sensitive,
            status=status,
            closing_reason=reason,
            public_response=response,
            response_publishable=publishable and bool(response),
            assignee=staff if reached >= 1 else None,
            received_at=received,
            triage_due=received + timedelta(hours=24) if sensitive else None,
            acknowledged_at=received + timedelta(days=1) if reached >= 1 else None,
            responded_at=received + timedelta(days=6 + n % 5) if reached >= 3 else None,
            closed_at=received + timedelta(days=20 + n) if reached >= 4 else None,
            **_due(received, holidays),
        )
        _timeline(concern, staff)
        created += 1
    stdout.write(f"Demo concerns: {created} created for the 2023 forums.")
    return created


def seed_volume(*, forums, count: int, stdout, batch_size: int = 5000) -> int:
    """Insert `count` synthetic concerns with fixed codes; existing ones are skipped, so reruns add nothing."""
    if count <= 0:
        return 0
    province_ids = list(Province.objects.values_list("pk", flat=True))
    forum_ids = [forum.pk for forum in forums] + [None]
    now = timezone.now()
    start = now - timedelta(days=3 * 365)
    holidays = holidays_between(start.date(), now.date() + timedelta(days=90))
    statuses = list(Status.values)
    difficulties = people.Difficulty.values
    before = Concern.objects.count()
    batch = []
    for i in range(count):
        rng = random.Random(f"forum-portal-demo-volume-{i}")
        received = start + timedelta(seconds=rng.randrange(int((now - start).total_seconds())))
        status = rng.choices(statuses, weights=[10, 10, 15, 20, 45])[0]
        reached = statuses.index(status)
        anonymous = rng.random() < 0.3
        batch.append(
            Concern(
                tracking_code=_code(f"forum-portal-demo-volume-{i}"),
                forum_id=rng.choice(forum_ids),
                category=rng.choice(Concern.Category.values),
                description=f"Synthetic demo concern number {i + 1} for load testing.",
                province_id=rng.choice(province_ids),
                sector=rng.choice(Concern.Sector.values),
                role=rng.choice(Concern.Role.values),
                gender=rng.choice(Concern.Gender.values),
                age_group=rng.choice(Concern.AgeGroup.values),
                # About half the submitters open "About you"; the others leave the questions unasked.
                **(
                    {name: rng.choices(difficulties, [88, 9, 2, 0.5, 0.5])[0] for name in people.DIFFICULTY_FIELDS}
                    if rng.random() < 0.5
                    else {}
                ),
                channel=rng.choice(Concern.Channel.values),
                language=rng.choice(["km", "en"]),
                anonymous=anonymous,
                status=status,
                priority=rng.choice(Concern.Priority.values),
                closing_reason=rng.choice(Concern.ClosingReason.values) if status == Status.CLOSED else "",
                received_at=received,
                acknowledged_at=received + timedelta(days=rng.randint(0, 4)) if reached >= 1 else None,
                responded_at=received + timedelta(days=rng.randint(3, 20)) if reached >= 3 else None,
                closed_at=received + timedelta(days=rng.randint(10, 60)) if reached >= 4 else None,
                **_due(received, holidays),
            )
        )
        if len(batch) >= batch_size:
            Concern.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Concern.objects.bulk_create(batch, ignore_conflicts=True)
    added = Concern.objects.count() - before
    stdout.write(f"Synthetic concerns: {added} added ({count} requested).")
    return added


# (slug, Khmer title, English title, category, status, progress, milestones (Khmer, English, reached))
COMMITMENTS = [
    (
        "maternity-allowance-30-days",
        "បង់ប្រាក់ឧបត្ថម្ភមាតុភាពក្នុងរយៈពេល ៣០ ថ្ងៃ បន្ទាប់ពីទទួលបានឯកសារគ្រប់គ្រាន់",
        "Pay the maternity allowance within 30 days of a complete claim",
        C.MATERNITY,
        Commitment.Status.IN_PROGRESS,
        60,
        [
            ("ណែនាំនិយោជកអំពីការប្រកាសប្រាក់បៀវត្សទាន់ពេល", "Brief employers on declaring wages on time", True),
            ("បើកតុសេវាអតិថិជនសម្រាប់ប្រាក់ឧបត្ថម្ភមាតុភាព", "Open a maternity-allowance help desk", False),
        ],
    ),
    (
        "no-charges-at-contracted-hospitals",
        "បញ្ឈប់ការយកថ្លៃពីសមាជិក ប.ស.ស. នៅមូលដ្ឋានសុខាភិបាលដែលមានកិច្ចសន្យា",
        "Stop contracted health facilities charging NSSF members",
        C.HEALTH_CARE,
        Commitment.Status.DONE,
        100,
        [("ផ្ញើលិខិតរំលឹកទៅមន្ទីរពេទ្យទាំងអស់", "Send a reminder to every contracted hospital", True)],
    ),
    (
        "nssf-cards-within-a-month",
        "ចេញកាត ប.ស.ស. ក្នុងរយៈពេលមួយខែ បន្ទាប់ពីការចុះឈ្មោះ",
        "Issue NSSF cards within a month of registration",
        C.NSSF_CARD,
        Commitment.Status.PLANNED,
        0,
        [],
    ),
]


@transaction.atomic
def seed_commitments(*, forums, stdout) -> int:
    """Seed what NSSF committed to at the 2023 forums, linked to the curated concerns (no messages sent)."""
    forums_2023 = [forum for forum in forums if forum.series.year == 2023]
    if not forums_2023:
        return 0
    created = 0
    for n, (slug, title_km, title_en, category, status, progress, milestones) in enumerate(COMMITMENTS):
        if Commitment.objects.filter(slug=slug).exists():
            continue
        forum = forums_2023[n % len(forums_2023)]
        commitment = Commitment.objects.create(
            slug=slug,
            title_km=title_km,
            title_en=title_en,
            responsible_unit_km="នាយកដ្ឋានអត្ថប្រយោជន៍",
            responsible_unit_en="Benefits department",
            due_date=(forum.starts_at + timedelta(days=365)).date(),
            status=status,
            progress=progress,
        )
        commitment.forums.add(forum)
        CommitmentCategory.objects.create(commitment=commitment, category=category)
        concerns = Concern.objects.filter(forum__series__year=2023, category=category)
        commitment.concerns.add(*concerns)
        commitment.provinces.add(*{c.province_id for c in concerns if c.province_id})
        made = forum.starts_at + timedelta(hours=8)
        CommitmentUpdate.objects.create(commitment=commitment, kind=CommitmentUpdate.Kind.CREATED, created_at=made)
        for index, (milestone_km, milestone_en, reached) in enumerate(milestones):
            when = made + timedelta(days=30 * (index + 1))
            milestone = CommitmentMilestone.objects.create(
                commitment=commitment,
                title_km=milestone_km,
                title_en=milestone_en,
                due_date=when.date(),
                reached_on=when.date() if reached else None,
            )
            if reached:
                CommitmentUpdate.objects.create(
                    commitment=commitment, kind=CommitmentUpdate.Kind.MILESTONE, milestone=milestone, created_at=when
                )
        if status != Commitment.Status.PLANNED:
            CommitmentUpdate.objects.create(
                commitment=commitment,
                kind=CommitmentUpdate.Kind.STATUS,
                from_status=Commitment.Status.PLANNED,
                to_status=status,
                progress=progress,
                created_at=made + timedelta(days=90),
            )
        created += 1
    stdout.write(f"Demo commitments: {created} created for the 2023 forums.")
    return created


def seed(*, forums, options, stdout) -> None:
    """Seed the curated 2023 concerns and commitments and, with --concerns N, N synthetic concerns."""
    seed_curated(forums=forums, stdout=stdout)
    seed_commitments(forums=forums, stdout=stdout)
    seed_volume(forums=forums, count=int(options.get("concerns") or 0), stdout=stdout)
