"""Receivers of Django's own signals for events' models (connected in EventsConfig.ready)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from events.models import Material


@receiver(post_delete, sender=Material, dispatch_uid="events.material_file_delete")
def material_file_delete(sender, instance: Material, **kwargs) -> None:
    """Delete a deleted material's stored file once the deletion commits, whoever deleted it: the service, the
    admin, or a forum's deletion cascading to its materials. A rolled-back deletion keeps the file."""
    name = instance.file.name
    if name:
        storage = instance.file.storage
        transaction.on_commit(lambda: storage.delete(name))
