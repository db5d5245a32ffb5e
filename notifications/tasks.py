"""Celery tasks of the outbox: thin, named, keyword-only ids; the work is in `.services` and `.delivery`."""

import logging

from celery import shared_task
from django.conf import settings
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def messages_enqueue(*, message_ids: list[int]) -> None:
    """Hand each message's delivery to the broker; if it is down, leave the rest to the periodic sweep."""
    from notifications.services import message_enqueue_failed

    for index, message_id in enumerate(message_ids):
        try:
            message_deliver.delay(message_id=message_id)
        except OperationalError:
            logger.warning("broker unreachable; %s messages stay queued for the sweep", len(message_ids) - index)
            message_enqueue_failed(message_ids=message_ids[index:])
            return


# Retries are bounded by Message.attempts (NOTIFICATIONS_MAX_ATTEMPTS), not by Celery's own counter, so a
# resent message gets a fresh set of attempts. acks_late: a worker killed mid-task leaves it on the broker.
@shared_task(bind=True, name="notifications.message_deliver", acks_late=True, max_retries=None)
def message_deliver(self, *, message_id: int) -> None:
    from notifications.delivery import deliver

    wait = deliver(message_id=message_id)
    if wait is not None:
        raise self.retry(countdown=wait)


@shared_task(name="notifications.message_sweep", acks_late=True)
def message_sweep() -> int:
    from notifications.services import message_sweep as sweep

    return sweep()


@shared_task(name="notifications.telegram_updates_poll", acks_late=True)
def telegram_updates_poll() -> int:
    """Fetch the bot's new updates and hand the signed deep-link starts to the apps (nothing without a bot)."""
    if not settings.TELEGRAM_BOT_TOKEN:
        return 0
    from notifications.channels import DeliveryError, telegram_call
    from notifications.models import TelegramUpdateOffset
    from notifications.telegram import telegram_updates_process

    offset = TelegramUpdateOffset.objects.filter(pk=1).values_list("offset", flat=True).first() or 0
    try:
        updates = telegram_call("getUpdates", {"offset": offset, "timeout": 0, "allowed_updates": ["message"]})
    except DeliveryError as error:
        logger.warning("Telegram getUpdates failed: %s", error)
        return 0
    return telegram_updates_process(updates=updates or [])


@shared_task(name="notifications.chat_states_expire", acks_late=True)
def chat_states_expire() -> int:
    """Forget Telegram conversations left halfway for a week: a half-written concern is not kept forever."""
    from notifications.telegram import chat_states_expire as expire

    return expire()
