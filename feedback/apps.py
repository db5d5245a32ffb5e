from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Messages about a concern name the person who raised it: only those who may see contacts see them in a log.
CONCERN_CONTACT_PERMISSION = "feedback.view_concern_contact"


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Concerns")

    def ready(self):
        from notifications.purposes import purpose_declare

        for name, label in (
            ("concern_acknowledged", _("Concern acknowledged")),
            ("concern_responded", _("Concern responded")),
            ("concern_interim", _("Concern needs more time (interim notice)")),
            ("concern_closed", _("Concern closed")),
            ("concern_resolution_check", _("Was the concern resolved?")),
        ):
            purpose_declare(name, label, log_permission=CONCERN_CONTACT_PERMISSION)
        purpose_declare("staff_digest", _("Daily digest of concerns"), audience="staff")
        purpose_declare("concern_status", _("Reply: concern status"), log_permission=CONCERN_CONTACT_PERMISSION)

        from notifications.signals import sms_received

        sms_received.connect(_on_sms_received, dispatch_uid="feedback.sms_received")


def _on_sms_received(sender, *, phone: str, text: str, language: str, **kwargs) -> bool:
    from feedback.services import concern_status_reply

    return concern_status_reply(phone=phone, text=text, language=language)
