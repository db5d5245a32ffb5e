"""Receivers of Django's own signals for events' models (connected in EventsConfig.ready)."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from events.models import AgendaItem, Forum, ForumRecord, ForumSeries, Material, Province, Speaker
from forum_portal.pagecache import public_pages_invalidate


@receiver(post_delete, sender=Material, dispatch_uid="events.material_file_delete")
def material_file_delete(sender, instance: Material, **kwargs) -> None:
    """Delete a deleted material's stored file once the deletion commits, whoever deleted it: the service, the
    admin, or a forum's deletion cascading to its materials. A rolled-back deletion keeps the file."""
    name = instance.file.name
    if name:
        storage = instance.file.storage
        transaction.on_commit(lambda: storage.delete(name))


# What anonymous visitors see of forums is cached (forum_portal.pagecache): a change to any of these rows,
# whoever makes it (a service, the admin, a cascade), starts a new generation of the public pages once committed.
PUBLIC_PAGE_MODELS = (Forum, ForumSeries, AgendaItem, Speaker, ForumRecord, Material, Province)


@receiver(post_save, dispatch_uid="events.public_pages_saved")
@receiver(post_delete, dispatch_uid="events.public_pages_deleted")
@receiver(m2m_changed, dispatch_uid="events.public_pages_relations")
def public_pages_changed(sender, **kwargs) -> None:
    """Invalidate the cached public pages when a forum, its series, agenda, speakers, record or materials change."""
    if sender in PUBLIC_PAGE_MODELS or getattr(sender._meta, "auto_created", None) in PUBLIC_PAGE_MODELS:
        public_pages_invalidate()
