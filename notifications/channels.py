"""Delivery channels behind one small interface: `Channel.send(message)`.

A channel raises `TransientDeliveryError` when trying again later may succeed (a timeout, a 5xx answer) and
`PermanentDeliveryError` when it cannot (no address, a 4xx answer). Adding a channel is one new class
registered with `@register`.
"""

import base64
import json
import logging
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A message could not be delivered."""


class TransientDeliveryError(DeliveryError):
    """Delivery failed for now; another attempt later may succeed."""


class PermanentDeliveryError(DeliveryError):
    """Delivery cannot succeed; do not try again."""


class RecipientGoneError(PermanentDeliveryError):
    """The recipient closed this way to them (blocked the bot): use another channel from now on."""


class RateLimitedError(DeliveryError):
    """Sending now would break the channel's pace; try again in `wait` seconds, without counting an attempt."""

    def __init__(self, message: str, *, wait: int = 1):
        super().__init__(message)
        self.wait = wait


CHANNELS: dict[str, type["Channel"]] = {}


def register(cls):
    CHANNELS[cls.name] = cls
    return cls


def channel_for(name: str) -> "Channel":
    """Return the channel instance for a `Message.Channel` value."""
    try:
        return CHANNELS[name]()
    except KeyError:
        raise PermanentDeliveryError(f"unknown channel {name!r}") from None


class Channel(ABC):
    """One way to reach a person; subclasses register themselves with `@register`."""

    name = ""

    @abstractmethod
    def send(self, message) -> None:
        """Deliver `message`; raise TransientDeliveryError to retry later, PermanentDeliveryError to give up."""


def _api_description(body: bytes) -> str:
    try:
        description = json.loads(body).get("description", "")
    except (ValueError, AttributeError):
        return ""
    return f": {description[:200]}" if isinstance(description, str) and description else ""


def _retry_after(error: urllib.error.HTTPError) -> int:
    """Return the wait a 429 answer asks for (Retry-After, or the Bot API's retry_after), 1 to 60 seconds."""
    wait = error.headers.get("Retry-After") if error.headers else None
    if wait is None:
        try:
            wait = json.loads(error.read()).get("parameters", {}).get("retry_after")
        except (ValueError, AttributeError):
            wait = None
    try:
        return min(max(int(wait), 1), 60)
    except (TypeError, ValueError):
        return 1


def _post(url: str, *, data: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST and return (status, body); network failures and 5xx are transient, 4xx permanent."""
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 - URL from settings
    try:
        with urllib.request.urlopen(request, timeout=settings.NOTIFICATIONS_HTTP_TIMEOUT) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        if error.code == 429:
            raise RateLimitedError("HTTP 429", wait=_retry_after(error)) from None
        if error.code >= 500:
            raise TransientDeliveryError(f"HTTP {error.code}") from None
        # The body may echo the recipient; keep only the Bot API's description, which names the reason.
        raise PermanentDeliveryError(f"HTTP {error.code}{_api_description(error.read())}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise TransientDeliveryError(f"connection failed: {error.__class__.__name__}") from None


@register
class EmailChannel(Channel):
    """Email through Django's default mailer (MAILERS), with a text and an HTML body."""

    name = "email"

    def send(self, message) -> None:
        if not message.to_email:
            raise PermanentDeliveryError("no email address")
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            to=[message.to_email],
            headers={"X-Portal-Message": str(message.pk)},
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        try:
            email.send()
        except (OSError, TimeoutError) as error:
            # smtplib errors derive from OSError: the relay may come back.
            raise TransientDeliveryError(f"mail relay: {error.__class__.__name__}") from None


# SMS backends: each has `send(*, to: str, text: str, reference: str, idempotency_key: str = "")`.


class ConsoleSmsBackend:
    """Print the SMS to standard output, so a developer sees it in the worker's console."""

    def send(self, *, to: str, text: str, reference: str, idempotency_key: str = "") -> None:
        sys.stdout.write(f"--- SMS {reference} to {to} ---\n{text}\n--- end ---\n")
        sys.stdout.flush()


class FileSmsBackend:
    """Write each SMS to its own file under `NOTIFICATIONS_SMS_FILE_DIR` (default var/sms/)."""

    def send(self, *, to: str, text: str, reference: str, idempotency_key: str = "") -> None:
        folder = Path(settings.NOTIFICATIONS_SMS_FILE_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        now = timezone.now()
        path = folder / f"{now:%Y%m%d-%H%M%S}-{reference}.txt"
        path.write_text(f"To: {to}\nSent: {now.isoformat()}\n\n{text}\n", encoding="utf-8")


class HttpSmsBackend:
    """POST to an SMS gateway: form fields `to`, `from` (the sender id), `text`, `reference`, Basic auth.

    The fields match common Cambodian aggregators' HTTP APIs; the URL, credentials and sender id are settings.
    The message's idempotency key goes in an `Idempotency-Key` header: a worker killed after the gateway took a
    message but before the outbox recorded it sends it again, and a gateway that honours the header sends it once.
    """

    def send(self, *, to: str, text: str, reference: str, idempotency_key: str = "") -> None:
        url = settings.NOTIFICATIONS_SMS_GATEWAY_URL
        if not url:
            raise PermanentDeliveryError("SMS_GATEWAY_URL is not set")
        data = urllib.parse.urlencode(
            {"to": to, "from": settings.NOTIFICATIONS_SMS_SENDER_ID, "text": text, "reference": reference}
        ).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        if settings.NOTIFICATIONS_SMS_GATEWAY_USERNAME:
            credentials = f"{settings.NOTIFICATIONS_SMS_GATEWAY_USERNAME}:{settings.NOTIFICATIONS_SMS_GATEWAY_PASSWORD}"
            headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
        _post(url, data=data, headers=headers)


SMS_BACKENDS = {"console": ConsoleSmsBackend, "file": FileSmsBackend, "http": HttpSmsBackend}


def sms_backend():
    """Return the SMS backend named in settings (a short name or a dotted path)."""
    name = settings.NOTIFICATIONS_SMS_BACKEND
    cls = SMS_BACKENDS.get(name) or import_string(name)
    return cls()


@register
class SmsChannel(Channel):
    name = "sms"

    def send(self, message) -> None:
        if not message.to_phone:
            raise PermanentDeliveryError("no phone number")
        sms_backend().send(
            to=message.to_phone, text=message.body, reference=f"m{message.pk}", idempotency_key=message.idempotency_key
        )


def telegram_call(method: str, payload: dict) -> dict:
    """Call a Bot API method and return its `result`; raise a DeliveryError on failure."""
    token = settings.TELEGRAM_BOT_TOKEN
    if not token:
        raise PermanentDeliveryError("TELEGRAM_BOT_TOKEN is not set")
    url = f"{settings.TELEGRAM_API_BASE.rstrip('/')}/bot{token}/{method}"
    _status, body = _post(url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"})
    try:
        answer = json.loads(body)
    except ValueError:
        raise TransientDeliveryError("Bot API answered with invalid JSON") from None
    if not answer.get("ok"):
        raise PermanentDeliveryError(f"Bot API: {answer.get('description', 'not ok')}")
    return answer.get("result")


# Telegram's limits: about 30 messages a second overall, one a second per chat, 4,096 characters a message.
TELEGRAM_MAX_LENGTH = 4096
TELEGRAM_PACE_WAIT_SECONDS = 1.5


def telegram_slot(chat_id: str) -> bool:
    """Take this second's slot for a chat and one of the bot's slots for the second; return whether free.

    Counted in the shared cache, so every worker keeps the same pace. If the cache is down the message goes
    anyway (Telegram answers 429 if we are too fast, which is retried): a cache outage must not stop delivery.
    """
    second = int(time.time())
    try:
        if not cache.add(f"telegram:chat:{chat_id}:{second}", 1, timeout=5):
            return False
        key = f"telegram:all:{second}"
        cache.add(key, 0, timeout=5)
        return cache.incr(key) <= settings.TELEGRAM_MAX_PER_SECOND
    except Exception:  # noqa: BLE001 - any cache failure: fail open, logged
        logger.warning("cache unavailable: Telegram pacing skipped")
        return True


def telegram_chunks(text: str) -> list[str]:
    """Split a text into messages Telegram accepts, at line breaks where possible."""
    chunks, rest = [], text
    while len(rest) > TELEGRAM_MAX_LENGTH:
        cut = rest.rfind("\n", 0, TELEGRAM_MAX_LENGTH)
        cut = cut if cut > 0 else TELEGRAM_MAX_LENGTH
        chunks.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    return [*chunks, rest]


@register
class TelegramChannel(Channel):
    """A message from the portal's bot to a chat the person linked through the deep link."""

    name = "telegram"

    def send(self, message) -> None:
        if not message.to_telegram_chat:
            raise PermanentDeliveryError("no Telegram chat linked")
        chunks = telegram_chunks(message.body)
        for chunk in chunks:
            self._pace(message.to_telegram_chat)
            try:
                payload = {"chat_id": message.to_telegram_chat, "text": chunk, "disable_web_page_preview": True}
                markup = (message.context or {}).get("reply_markup")
                if markup and chunk is chunks[-1]:
                    payload["reply_markup"] = markup  # buttons go with the last part
                telegram_call("sendMessage", payload)
            except PermanentDeliveryError as error:
                if str(error).startswith("HTTP 403"):
                    raise RecipientGoneError(str(error)) from None
                raise

    @staticmethod
    def _pace(chat_id: str) -> None:
        # Wait briefly for a free slot (a worker is I/O bound here); past that, hand the message back.
        deadline = time.monotonic() + TELEGRAM_PACE_WAIT_SECONDS
        while not telegram_slot(chat_id):
            if time.monotonic() >= deadline:
                raise RateLimitedError("Telegram pace", wait=1)
            time.sleep(1 - (time.time() % 1) + 0.01)
