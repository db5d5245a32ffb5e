"""Delivery channels behind one small interface: `Channel.send(message)`.

A channel raises `TransientDeliveryError` when trying again later may succeed (a timeout, a 5xx answer) and
`PermanentDeliveryError` when it cannot (no address, a 4xx answer). Adding a channel is one new class
registered with `@register`.
"""

import base64
import json
import logging
import sys
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from pathlib import Path

from django.conf import settings
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


def _post(url: str, *, data: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST and return (status, body); network failures and 5xx are transient, 4xx permanent."""
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 - URL from settings
    try:
        with urllib.request.urlopen(request, timeout=settings.NOTIFICATIONS_HTTP_TIMEOUT) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        if error.code >= 500 or error.code == 429:
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


# SMS backends: each has `send(*, to: str, text: str, reference: str)`.


class ConsoleSmsBackend:
    """Print the SMS to standard output, so a developer sees it in the worker's console."""

    def send(self, *, to: str, text: str, reference: str) -> None:
        sys.stdout.write(f"--- SMS {reference} to {to} ---\n{text}\n--- end ---\n")
        sys.stdout.flush()


class FileSmsBackend:
    """Write each SMS to its own file under `NOTIFICATIONS_SMS_FILE_DIR` (default var/sms/)."""

    def send(self, *, to: str, text: str, reference: str) -> None:
        folder = Path(settings.NOTIFICATIONS_SMS_FILE_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        now = timezone.now()
        path = folder / f"{now:%Y%m%d-%H%M%S}-{reference}.txt"
        path.write_text(f"To: {to}\nSent: {now.isoformat()}\n\n{text}\n", encoding="utf-8")


class HttpSmsBackend:
    """POST to an SMS gateway: form fields `to`, `from` (the sender id), `text`, `reference`, Basic auth.

    The fields match common Cambodian aggregators' HTTP APIs; the URL, credentials and sender id are settings.
    """

    def send(self, *, to: str, text: str, reference: str) -> None:
        url = settings.NOTIFICATIONS_SMS_GATEWAY_URL
        if not url:
            raise PermanentDeliveryError("SMS_GATEWAY_URL is not set")
        data = urllib.parse.urlencode(
            {"to": to, "from": settings.NOTIFICATIONS_SMS_SENDER_ID, "text": text, "reference": reference}
        ).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
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
        sms_backend().send(to=message.to_phone, text=message.body, reference=f"m{message.pk}")


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


@register
class TelegramChannel(Channel):
    """A message from the portal's bot to a chat the person linked through the deep link."""

    name = "telegram"

    def send(self, message) -> None:
        if not message.to_telegram_chat:
            raise PermanentDeliveryError("no Telegram chat linked")
        telegram_call(
            "sendMessage",
            {"chat_id": message.to_telegram_chat, "text": message.body, "disable_web_page_preview": True},
        )
