"""Demo data: the 2023 forum series as it happened, an upcoming series with open registration, demo users."""

import json
import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.roles import NSSF_STAFF, NSSF_SUPERVISORS, ORGANIZERS
from events.models import AgendaItem, Forum, ForumSeries, Province, Speaker
from forum_portal.khmer import digits_khmer

THEME = "Towards Inclusive, Gender-Responsive, and Universal Social Security in Cambodia"
DESCRIPTION = (
    "A policy dialogue between local leaders, workers' representatives, experts, policy makers and service "
    "providers on the progress, challenges and long-term plans of the National Social Security Fund."
)
# The demo's public text in Khmer, by its English text: the forums are bilingual, as organizers would write them.
KHMER = {
    THEME: "ឆ្ពោះទៅរកសន្តិសុខសង្គមប្រកបដោយបរិយាប័ន្ន ឆ្លើយតបនឹងយេនឌ័រ និងជាសកលនៅកម្ពុជា",
    DESCRIPTION: (
        "កិច្ចសន្ទនាគោលនយោបាយរវាងអ្នកដឹកនាំមូលដ្ឋាន តំណាងកម្មករ អ្នកជំនាញ អ្នកធ្វើគោលនយោបាយ និងអ្នកផ្តល់សេវា "
        "ស្តីពីវឌ្ឍនភាព បញ្ហាប្រឈម និងផែនការរយៈពេលវែងរបស់បេឡាជាតិរបបសន្តិសុខសង្គម។"
    ),
    "Regional Forum in Sihanoukville": "វេទិកាថ្នាក់តំបន់នៅខេត្តព្រះសីហនុ",
    "Regional Forum in Svay Rieng": "វេទិកាថ្នាក់តំបន់នៅខេត្តស្វាយរៀង",
    "Regional Forum in Siem Reap": "វេទិកាថ្នាក់តំបន់នៅខេត្តសៀមរាប",
    "Regional Forum in Battambang": "វេទិកាថ្នាក់តំបន់នៅខេត្តបាត់ដំបង",
    "National Forum in Phnom Penh": "វេទិកាថ្នាក់ជាតិនៅរាជធានីភ្នំពេញ",
    "Provincial Hall, Sihanoukville": "សាលាខេត្តព្រះសីហនុ",
    "Provincial Hall, Svay Rieng": "សាលាខេត្តស្វាយរៀង",
    "Provincial Hall, Siem Reap": "សាលាខេត្តសៀមរាប",
    "Provincial Hall, Battambang": "សាលាខេត្តបាត់ដំបង",
    "NSSF Head Office": "ទីស្នាក់ការកណ្តាល ប.ស.ស.",
    "Sihanoukville, Preah Sihanouk province": "ក្រុងព្រះសីហនុ ខេត្តព្រះសីហនុ",
    "Svay Rieng town, Svay Rieng province": "ក្រុងស្វាយរៀង ខេត្តស្វាយរៀង",
    "Siem Reap town, Siem Reap province": "ក្រុងសៀមរាប ខេត្តសៀមរាប",
    "Battambang town, Battambang province": "ក្រុងបាត់ដំបង ខេត្តបាត់ដំបង",
    "Phnom Penh": "រាជធានីភ្នំពេញ",
    "Registration of participants": "ចុះឈ្មោះអ្នកចូលរួម",
    "Opening remarks": "សុន្ទរកថាបើកកម្មវិធី",
    "NSSF progress, challenges and long-term plans": "វឌ្ឍនភាព បញ្ហាប្រឈម និងផែនការរយៈពេលវែងរបស់ ប.ស.ស.",
    "Panel: maternity allowance, health care and the informal economy": (
        "កិច្ចពិភាក្សា៖ ប្រាក់ឧបត្ថម្ភមាតុភាព ការថែទាំសុខភាព និងសេដ្ឋកិច្ចក្រៅប្រព័ន្ធ"
    ),
    "Questions, concerns and suggestions from workers": "សំណួរ កង្វល់ និងសំណូមពររបស់កម្មករ",
    "Group discussions by sector": "ការពិភាក្សាជាក្រុមតាមវិស័យ",
    "Closing remarks": "សុន្ទរកថាបិទកម្មវិធី",
    "NSSF Director-General's representative": "តំណាងអគ្គនាយក ប.ស.ស.",
    "National Social Security Fund": "បេឡាជាតិរបបសន្តិសុខសង្គម",
    "Deputy Director-General": "អគ្គនាយករង",
    "Program Manager": "អ្នកគ្រប់គ្រងកម្មវិធី",
    "Provincial Governor's representative": "តំណាងអភិបាលខេត្ត",
    "Provincial Administration": "រដ្ឋបាលខេត្ត",
    "Deputy Governor": "អភិបាលរងខេត្ត",
    "Workers' representative": "តំណាងកម្មករ",
    "Cambodian garment workers' union": "សហជីពកម្មករកាត់ដេរកម្ពុជា",
    "Union leader": "ប្រធានសហជីព",
    "Social Security Regulator": "និយ័តករសន្តិសុខសង្គម",
    "Ministry of Economy and Finance": "ក្រសួងសេដ្ឋកិច្ច និងហិរញ្ញវត្ថុ",
    "Senior officer": "មន្ត្រីជាន់ខ្ពស់",
    "Chan Chhorvy Sok": "ចាន់ ឆវី សុខ",
}


def _both(field: str, english: str) -> dict:
    """Return `<field>_en` and `<field>_km` for a demo text (Khmer from KHMER; English alone when it has none)."""
    return {f"{field}_en": english, f"{field}_km": KHMER.get(english, "")}


CREDENTIALS_FILE = settings.VAR_DIR / "demo-credentials.json"

DEMO_USERS = [
    ("organizer@example.org", "Sokha Chan (demo organizer)", [ORGANIZERS]),
    ("staff@example.org", "Dara Meas (demo NSSF staff)", [NSSF_STAFF]),
    ("supervisor@example.org", "Sreymom Kim (demo NSSF supervisor)", [NSSF_SUPERVISORS]),
]

SPEAKERS = [
    ("NSSF Director-General's representative", "National Social Security Fund", "Deputy Director-General"),
    ("Chan Chhorvy Sok", "Oxfam", "Program Manager"),
    ("Provincial Governor's representative", "Provincial Administration", "Deputy Governor"),
    ("Workers' representative", "Cambodian garment workers' union", "Union leader"),
    ("Social Security Regulator", "Ministry of Economy and Finance", "Senior officer"),
]

AGENDA = [
    (time(7, 30), time(8, 0), "Registration of participants", AgendaItem.SessionKind.REGISTRATION, []),
    (time(8, 0), time(8, 30), "Opening remarks", AgendaItem.SessionKind.OPENING, [0, 1, 2]),
    (time(8, 30), time(9, 30), "NSSF progress, challenges and long-term plans", AgendaItem.SessionKind.KEYNOTE, [0]),
    (
        time(9, 45),
        time(11, 0),
        "Panel: maternity allowance, health care and the informal economy",
        AgendaItem.SessionKind.PANEL,
        [0, 3, 4],
    ),
    (time(11, 0), time(12, 0), "Questions, concerns and suggestions from workers", AgendaItem.SessionKind.QA, [0, 3]),
    (time(13, 30), time(15, 0), "Group discussions by sector", AgendaItem.SessionKind.GROUP, []),
    (time(15, 0), time(15, 30), "Closing remarks", AgendaItem.SessionKind.CLOSING, [0, 1]),
]


def _aware(day, hour=8):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _provinces(*names):
    return [Province.objects.get(name_en=name) for name in names]


def _forum(*, series, slug, title, kind, host, covered, venue, address, day, status, opens_days_before=45):
    starts = _aware(day, 7)
    forum, created = Forum.objects.get_or_create(
        slug=slug,
        defaults={
            "series": series,
            **_both("title", title),
            "kind": kind,
            "host_province": _provinces(host)[0],
            **_both("venue_name", venue),
            **_both("venue_address", address),
            "starts_at": starts,
            "ends_at": _aware(day, 16),
            "capacity": 130,
            "registration_opens_at": starts - timedelta(days=opens_days_before),
            "registration_closes_at": starts - timedelta(hours=12),
            "status": status,
            **_both("description", DESCRIPTION),
        },
    )
    if created:
        forum.covered_provinces.set(_provinces(*covered))
        speakers = [
            Speaker.objects.get_or_create(
                name_en=n,
                organisation_en=o,
                job_title_en=t,
                defaults={**_both("name", n), **_both("organisation", o), **_both("job_title", t)},
            )[0]
            for n, o, t in SPEAKERS
        ]
        for starts_at, ends_at, item_title, session_kind, speaker_idx in AGENDA:
            item = AgendaItem.objects.create(
                forum=forum,
                starts_at=starts_at,
                ends_at=ends_at,
                session_kind=session_kind,
                **_both("title", item_title),
            )
            item.speakers.set([speakers[i] for i in speaker_idx])
    return forum


@transaction.atomic
def seed_forums() -> list[Forum]:
    """Create the demo series and forums once; running again changes nothing."""
    s2023, _ = ForumSeries.objects.get_or_create(
        slug="2023-annual-regional-forum",
        defaults={
            "title_en": "2023 Annual Regional Forum",
            "title_km": "វេទិកាថ្នាក់តំបន់ប្រចាំឆ្នាំ ២០២៣",
            **_both("theme", THEME),
            "year": 2023,
        },
    )
    forums = [
        _forum(
            series=s2023,
            slug="sihanoukville-2023",
            title="Regional Forum in Sihanoukville",
            kind=Forum.Kind.REGIONAL,
            host="Sihanoukville",
            covered=["Sihanoukville", "Kep", "Kampot", "Koh Kong"],
            venue="Provincial Hall, Sihanoukville",
            address="Sihanoukville, Preah Sihanouk province",
            day=datetime(2023, 9, 17).date(),
            status=Forum.Status.COMPLETED,
        ),
        _forum(
            series=s2023,
            slug="svay-rieng-2023",
            title="Regional Forum in Svay Rieng",
            kind=Forum.Kind.REGIONAL,
            host="Svay Rieng",
            covered=["Prey Veng", "Kampong Cham", "Tboung Khmum", "Kratie", "Svay Rieng"],
            venue="Provincial Hall, Svay Rieng",
            address="Svay Rieng town, Svay Rieng province",
            day=datetime(2023, 10, 8).date(),
            status=Forum.Status.COMPLETED,
        ),
        _forum(
            series=s2023,
            slug="phnom-penh-national-2023",
            title="National Forum in Phnom Penh",
            kind=Forum.Kind.NATIONAL,
            host="Phnom Penh",
            covered=[p.name_en for p in Province.objects.all()],
            venue="NSSF Head Office",
            address="Phnom Penh",
            day=datetime(2023, 12, 14).date(),
            status=Forum.Status.COMPLETED,
        ),
    ]

    # The next series: dates relative to the first seeding, so registration is open in the demo.
    upcoming_year = timezone.localdate().year + 1
    s_next, _ = ForumSeries.objects.get_or_create(
        slug=f"{upcoming_year}-annual-regional-forum",
        defaults={
            "title_en": f"{upcoming_year} Annual Regional Forum",
            "title_km": f"វេទិកាថ្នាក់តំបន់ប្រចាំឆ្នាំ {digits_khmer(upcoming_year)}",
            **_both("theme", THEME),
            "year": upcoming_year,
        },
    )
    first_day = timezone.localdate() + timedelta(days=30)
    forums += [
        _forum(
            series=s_next,
            slug=f"siem-reap-{upcoming_year}",
            title="Regional Forum in Siem Reap",
            kind=Forum.Kind.REGIONAL,
            host="Siemreap",
            covered=["Siemreap", "Banteay Meanchey", "Otdar Meanchey", "Preah Vihear"],
            venue="Provincial Hall, Siem Reap",
            address="Siem Reap town, Siem Reap province",
            day=first_day,
            status=Forum.Status.PUBLISHED,
        ),
        _forum(
            series=s_next,
            slug=f"battambang-{upcoming_year}",
            title="Regional Forum in Battambang",
            kind=Forum.Kind.REGIONAL,
            host="Battambang",
            covered=["Battambang", "Pursat", "Pailin"],
            venue="Provincial Hall, Battambang",
            address="Battambang town, Battambang province",
            day=first_day + timedelta(days=21),
            status=Forum.Status.PUBLISHED,
        ),
        _forum(
            series=s_next,
            slug=f"phnom-penh-national-{upcoming_year}",
            title="National Forum in Phnom Penh",
            kind=Forum.Kind.NATIONAL,
            host="Phnom Penh",
            covered=[p.name_en for p in Province.objects.all()],
            venue="NSSF Head Office",
            address="Phnom Penh",
            day=first_day + timedelta(days=60),
            status=Forum.Status.DRAFT,
        ),
    ]
    return forums


def seed_users() -> dict[str, str]:
    """Create the demo accounts; passwords are generated once and kept in var/ (never in the repository)."""
    credentials = json.loads(CREDENTIALS_FILE.read_text()) if CREDENTIALS_FILE.exists() else {}
    User = get_user_model()
    for email, name, roles in DEMO_USERS:
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
        if created or email not in credentials:
            credentials[email] = secrets.token_urlsafe(12)
            user.set_password(credentials[email])
            user.save()
        user.groups.set(Group.objects.filter(name__in=roles))
    CREDENTIALS_FILE.parent.mkdir(parents=True, exist_ok=True)
    CREDENTIALS_FILE.write_text(json.dumps(credentials, indent=2))
    CREDENTIALS_FILE.chmod(0o600)
    return credentials
