from importlib import import_module

from django.core.management.base import BaseCommand

from events.demo import CREDENTIALS_FILE, seed_forums, seed_users

# Apps that add their own demo data expose `<app>.demo.seed(forums=..., options=..., stdout=...)`.
DEMO_APPS = ["participants", "feedback", "notifications"]


class Command(BaseCommand):
    help = "Load demo data: the 2023 forums, an upcoming series with open registration, demo users. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--participants", type=int, default=0, help="Also generate this many synthetic participants."
        )
        parser.add_argument("--concerns", type=int, default=0, help="Also generate this many synthetic concerns.")

    def handle(self, *args, **options):
        forums = seed_forums()
        seed_users()
        for app in DEMO_APPS:
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app}.demo":
                    raise
                continue
            module.seed(forums=forums, options=options, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Demo logins are in {CREDENTIALS_FILE}."))
