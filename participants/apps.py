from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self):
        # Importing the module connects its receivers (forum changed or cancelled, Telegram start).
        from participants import messages, receivers  # noqa: F401 - importing receivers connects them

        messages.purposes_declare()
