"""Receivers of Django's own signals for participants' models (connected in ParticipantsConfig.ready)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from forum_portal.pagecache import public_pages_seats_changed
from participants.models import Registration


@receiver(post_save, sender=Registration, dispatch_uid="participants.public_pages_seats_saved")
@receiver(post_delete, sender=Registration, dispatch_uid="participants.public_pages_seats_deleted")
def public_pages_seats_changed_receiver(sender, **kwargs) -> None:
    """Let the cached public pages show the seats left within a few seconds of a registration changing."""
    public_pages_seats_changed()
