from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from forum_portal.links import absolute_path
from notifications.channels import DeliveryError, telegram_call


class Command(BaseCommand):
    help = "Point the Telegram bot at this site's webhook (set), or back to polling (delete)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["set", "delete"])

    def handle(self, *args, action, **options):
        if not settings.TELEGRAM_BOT_TOKEN:
            raise CommandError("Set TELEGRAM_BOT_TOKEN first.")
        try:
            if action == "set":
                if not settings.TELEGRAM_WEBHOOK_SECRET:
                    raise CommandError("Set TELEGRAM_WEBHOOK_SECRET first: every update must carry it.")
                url = absolute_path("/hooks/telegram/")
                telegram_call(
                    "setWebhook",
                    {"url": url, "secret_token": settings.TELEGRAM_WEBHOOK_SECRET, "allowed_updates": ["message"]},
                )
                self.stdout.write(self.style.SUCCESS(f"Telegram now posts updates to {url}"))
            else:
                telegram_call("deleteWebhook", {})
                self.stdout.write(self.style.SUCCESS("Webhook removed: unset TELEGRAM_WEBHOOK_SECRET to poll."))
        except DeliveryError as error:
            raise CommandError(f"Telegram refused: {error}") from None
