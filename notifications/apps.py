from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Messages")

    def ready(self):
        from notifications.purposes import purpose_declare

        # The outbox's own answers to inbound SMS: a help text and the confirmation that SMS stopped.
        purpose_declare("sms_help", _("Reply: how to use SMS"))
        purpose_declare("sms_stopped", _("Reply: SMS stopped"), ignores_opt_out=True)
        # The bot's own answer to what no app recognised, and the replies apps write in a conversation.
        purpose_declare("telegram_help", _("Telegram: how to use the bot"))
        purpose_declare("telegram_reply", _("Telegram: reply in a conversation"), written=True)
