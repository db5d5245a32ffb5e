import logging

from celery import shared_task
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def message_deliver_later(*, message_id: int) -> None:
    """Enqueue delivery; if the broker is down, the periodic sweep picks the message up later."""
    try:
        message_deliver.delay(message_id=message_id)
    except OperationalError:
        logger.warning("broker unreachable; message %s stays queued for the sweep", message_id)


@shared_task(name="notifications.message_deliver", acks_late=True)
def message_deliver(*, message_id: int) -> None:
    from notifications.delivery import deliver

    deliver(message_id=message_id)
