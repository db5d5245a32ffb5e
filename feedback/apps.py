from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from forum_portal.codes import LENGTH as CODE_LENGTH
from forum_portal.codes import code_normalise

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
            ("concern_appeal_opened", _("Appeal received")),
            ("concern_appeal_decided", _("Appeal decided")),
        ):
            purpose_declare(name, label, log_permission=CONCERN_CONTACT_PERMISSION)
        purpose_declare("staff_digest", _("Daily digest of concerns"), audience="staff")
        purpose_declare("concern_assigned", _("Concern assigned to a staff member"), audience="staff")
        purpose_declare("concern_status", _("Reply: concern status"), log_permission=CONCERN_CONTACT_PERMISSION)
        purpose_declare("concern_received", _("Reply: concern received"), log_permission=CONCERN_CONTACT_PERMISSION)
        # Followers of a commitment include people who raised its concerns: their messages name them.
        purpose_declare("commitment_status", _("Commitment status changed"), log_permission=CONCERN_CONTACT_PERMISSION)
        purpose_declare(
            "commitment_milestone", _("Commitment milestone reached"), log_permission=CONCERN_CONTACT_PERMISSION
        )

        from django.db.models.signals import post_delete, post_migrate, post_save

        from feedback.models import PublicHoliday
        from notifications.signals import sms_received, telegram_message_received

        # The database counts working days with its own copy of the calendar: keep it equal after every change
        # of the holiday table and every migrate (which also follows each flush of a test database).
        post_save.connect(_on_holidays_changed, sender=PublicHoliday, dispatch_uid="feedback.holiday_saved")
        post_delete.connect(_on_holidays_changed, sender=PublicHoliday, dispatch_uid="feedback.holiday_deleted")
        post_migrate.connect(_on_migrated, sender=self, dispatch_uid="feedback.migrated")

        sms_received.connect(_on_sms_received, dispatch_uid="feedback.sms_received")
        telegram_message_received.connect(_on_telegram_message, dispatch_uid="feedback.telegram_message")


def _on_holidays_changed(sender, **kwargs):
    from feedback.services import non_working_days_refresh

    non_working_days_refresh()


def _on_migrated(sender, *, using, plan=None, **kwargs):
    from django.db import connections

    from feedback.models import NonWorkingDay
    from feedback.services import non_working_days_refresh

    # Migrating back before the table existed, or to a plan that stops short of it, leaves nothing to refresh.
    if NonWorkingDay._meta.db_table in connections[using].introspection.table_names():
        non_working_days_refresh()


def _on_sms_received(sender, *, phone: str, text: str, language: str, **kwargs) -> bool:
    from feedback.services import concern_from_sms, concern_status_reply

    # A tracking code gets its status; any other text long enough to be a concern is recorded as one. A
    # reference code of a registration is the participants app's (it has the same shape, and it is matched
    # there first only when it exists, so a concern is never made of a code).
    if concern_status_reply(phone=phone, text=text, language=language):
        return True
    if len(code_normalise(text)) == CODE_LENGTH and " " not in text.strip():
        return False
    return concern_from_sms(phone=phone, text=text, language=language) is not None


def _on_telegram_message(
    sender, *, update_id, chat_id, text, callback, contact_phone=None, photo=None, voice=None, **kwargs
):
    from feedback.telegram import telegram_message

    return telegram_message(
        chat_id=chat_id,
        text=text,
        callback=callback,
        contact_phone=contact_phone or "",
        photo=photo,
        voice=voice,
        key=update_id,
    )
