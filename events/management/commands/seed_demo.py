from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from events.demo import CREDENTIALS_FILE, seed_forums, seed_users

# Every installed app may add its own demo data with `<app>.demo.seed(forums=..., options=..., stdout=...)`;
# the command finds them by name, in INSTALLED_APPS order, so events names none of the apps above it.


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
        for config in apps.get_app_configs():
            if config.name == "events":
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            module.seed(forums=forums, options=options, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Demo logins are in {CREDENTIALS_FILE}."))
