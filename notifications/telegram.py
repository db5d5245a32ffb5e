"""The Telegram bot: signed deep links, one handler for every update (polled or by webhook), replies with
buttons, conversation state kept in the database, and files people send.

The outbox knows no app: an update it does not handle itself (/start with a signed token, /stop) goes to the
apps through `notifications.signals` (`telegram_start_received`, `telegram_message_received`), and an app
that recognises it answers with `telegram_reply`. A chat that no app answers gets a short help text.
"""

import hashlib
import hmac
import logging
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from notifications.channels import DeliveryError, telegram_call
from notifications.models import ChatState, Message, TelegramChat, TelegramUpdateOffset
from notifications.services import message_queue

logger = logging.getLogger(__name__)

# What a deep link may carry (the Bot API allows 64 characters of [A-Za-z0-9_-]); the rest is the signature.
TELEGRAM_SUBJECT_MAX = 40


def _telegram_mac(subject: str) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), f"telegram:{subject}".encode(), hashlib.sha256)
    return mac.hexdigest()[:20]


def telegram_start_token(*, subject: str) -> str:
    """Return the signed deep-link parameter `<subject>_<mac>` that proves a chat was opened from our link.

    `subject` says what the link is about, in the caller's own terms (letters and digits only); the outbox
    signs it and, when the chat sends it back, hands it to whoever listens to `telegram_start_received`.
    """
    if not subject.isalnum() or not subject.isascii() or len(subject) > TELEGRAM_SUBJECT_MAX:
        raise ValueError("a Telegram start subject is 1 to 40 ASCII letters and digits")
    return f"{subject}_{_telegram_mac(subject)}"


def telegram_start_subject(*, token: str) -> str | None:
    """Return the subject of a start token we signed, or None for a forged or malformed one."""
    subject, _sep, mac = token.partition("_")
    if not subject.isalnum() or not subject.isascii() or len(subject) > TELEGRAM_SUBJECT_MAX:
        return None
    return subject if hmac.compare_digest(mac, _telegram_mac(subject)) else None


def telegram_deep_link(*, subject: str) -> str:
    """Return the t.me link that opens the bot with a signed start token, or "" when no bot is configured."""
    if not (settings.TELEGRAM_BOT_USERNAME and settings.TELEGRAM_BOT_TOKEN):
        return ""
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={telegram_start_token(subject=subject)}"


def telegram_chat_save(*, phone: str, chat_id: str) -> TelegramChat:
    """Remember that messages to `phone` may go to this Telegram chat (the latest link wins)."""
    chat, _created = TelegramChat.objects.update_or_create(phone=phone, defaults={"chat_id": str(chat_id)})
    return chat


def telegram_chat_unlink(*, phone: str = "", chat_id: str = "") -> int:
    """Forget the Telegram chat of a phone (or the phones of a chat) and tell the apps; return how many.

    Called when the person blocks the bot or sends /stop: their messages go back to SMS.
    """
    from notifications.signals import telegram_chat_unlinked

    chats = TelegramChat.objects.all()
    if phone:
        chats = chats.filter(phone=phone)
    elif chat_id:
        chats = chats.filter(chat_id=str(chat_id))
    else:
        return 0
    phones = list(chats.values_list("phone", flat=True))
    chats.delete()
    for linked_phone in phones:
        telegram_chat_unlinked.send(sender=None, phone=linked_phone)
    return len(phones)


# Updates -------------------------------------------------------------------------------------------

# Messages a chat may send a minute before the bot stops answering it for the rest of that minute.
CHAT_UPDATES_PER_MINUTE = 20


def _chat_within_rate(chat_id: str) -> bool:
    key = f"telegram:in:{chat_id}:{int(timezone.now().timestamp()) // 60}"
    try:
        cache.add(key, 0, timeout=120)
        return cache.incr(key) <= CHAT_UPDATES_PER_MINUTE
    except Exception:  # noqa: BLE001 - a cache outage must not silence the bot: fail open, logged
        logger.warning("cache unavailable: Telegram chat rate limit skipped")
        return True


def _incoming(update: dict) -> dict | None:
    """Return what an update says in plain terms, or None for updates the bot ignores (edits, groups) and for
    anything that is not shaped like a Bot API update (it is logged, never an error page)."""
    try:
        return _incoming_fields(update)
    except (AttributeError, TypeError, KeyError, IndexError):
        logger.warning("a Telegram update of an unexpected shape was ignored")
        return None


def _incoming_fields(update: dict) -> dict | None:
    callback = update.get("callback_query")
    if callback:
        message = callback.get("message") or {}
        return {
            "chat_id": str((message.get("chat") or {}).get("id", "")),
            "user_id": str((callback.get("from") or {}).get("id", "")),
            "text": "",
            "callback": str(callback.get("data") or ""),
            "callback_id": str(callback.get("id") or ""),
            "language_code": (callback.get("from") or {}).get("language_code", ""),
        }
    message = update.get("message")
    if not message or (message.get("chat") or {}).get("type", "private") != "private":
        return None
    sender = message.get("from") or {}
    contact = message.get("contact") or {}
    photo = (message.get("photo") or [None])[-1]  # the largest size comes last
    voice = message.get("voice") or message.get("audio")
    # Telegram proves a shared number only when it is the sender's own contact.
    own_contact = str(contact.get("user_id", "")) == str(sender.get("id"))
    return {
        "chat_id": str((message.get("chat") or {}).get("id", "")),
        "user_id": str(sender.get("id", "")),
        "text": str(message.get("text") or message.get("caption") or "").strip(),
        "callback": "",
        "callback_id": "",
        "language_code": sender.get("language_code", ""),
        "contact_phone": contact.get("phone_number", "") if own_contact else "",
        "photo": {"file_id": photo["file_id"], "file_size": photo.get("file_size", 0)} if photo else None,
        "voice": _file(voice) if voice else None,
    }


def _file(item: dict) -> dict:
    return {"file_id": item["file_id"], "file_size": item.get("file_size", 0), "mime_type": item.get("mime_type", "")}


def telegram_update_handle(update: dict) -> bool:
    """Act on one update; return True when it linked a chat to a registration (a signed /start)."""
    from notifications.signals import telegram_message_received, telegram_start_received

    incoming = _incoming(update)
    if incoming is None or not incoming["chat_id"]:
        return False
    chat_id, text = incoming["chat_id"], incoming["text"]
    if incoming["callback_id"]:
        transaction.on_commit(lambda: _callback_answer(incoming["callback_id"]), robust=True)
    if text in ("/stop", "/unlink"):
        telegram_chat_unlink(chat_id=chat_id)
        return False
    if text.startswith("/start ") and (subject := telegram_start_subject(token=text.split(" ", 1)[1].strip())):
        answers = telegram_start_received.send(sender=None, subject=subject, chat_id=chat_id)
        return any(answer for _receiver, answer in answers)
    if not _chat_within_rate(chat_id):
        return False
    answers = telegram_message_received.send(sender=None, update_id=str(update.get("update_id", "")), **incoming)
    if not any(answer for _receiver, answer in answers):
        state = chat_state_get(chat_id=chat_id)
        message_queue(
            idempotency_key=f"telegram_help:{chat_id}:{update.get('update_id', '')}",
            purpose="telegram_help",
            channel=Message.Channel.TELEGRAM,
            language=state.language or "km",
            to_telegram_chat=chat_id,
        )
    return False


def _callback_answer(callback_id: str) -> None:
    # Stops the spinner on the pressed button; nothing depends on it, so a failure is only logged.
    try:
        telegram_call("answerCallbackQuery", {"callback_query_id": callback_id})
    except DeliveryError as error:
        logger.info("answerCallbackQuery failed: %s", error)


def telegram_updates_process(*, updates: list[dict]) -> int:
    """Handle each update once, in order (the stored offset skips any seen before); return chats linked.

    The same handler serves polling (development) and the webhook (production).
    """
    linked = 0
    if not updates:
        return 0
    with transaction.atomic():
        offset_row, _created = TelegramUpdateOffset.objects.select_for_update().get_or_create(pk=1)
        for update in updates:
            update_id = update.get("update_id") if isinstance(update, dict) else None
            if not isinstance(update_id, int):
                continue  # not a Bot API update
            if update_id < offset_row.offset:
                continue
            linked += telegram_update_handle(update)
            offset_row.offset = max(offset_row.offset, update_id + 1)
        offset_row.save(update_fields=["offset"])
    return linked


# Replies and conversation state ---------------------------------------------------------------------


def telegram_reply(
    *,
    chat_id: str,
    text: str,
    language: str,
    key: str,
    buttons: list[list[tuple[str, str]]] | None = None,
    contact_button: str = "",
    text_buttons: list[str] | None = None,
    purpose: str = "telegram_reply",
    context: dict | None = None,
) -> Message:
    """Queue a bot message to a chat, with inline buttons (rows of (label, callback data)), or a keyboard with a
    button that shares the person's own phone number and plain answer buttons; `key` makes it idempotent (the
    update that caused it)."""
    if buttons:
        markup = {
            "inline_keyboard": [[{"text": label, "callback_data": data} for label, data in row] for row in buttons]
        }
    elif contact_button or text_buttons:
        rows = [[{"text": contact_button, "request_contact": True}]] if contact_button else []
        rows += [[{"text": label}] for label in text_buttons or []]
        markup = {
            "keyboard": rows,
            "one_time_keyboard": True,
            "resize_keyboard": True,
        }
    else:
        markup = {"remove_keyboard": True}
    return message_queue(
        idempotency_key=f"{purpose}:{chat_id}:{key}"[:200],
        purpose=purpose,
        channel=Message.Channel.TELEGRAM,
        language=language,
        to_telegram_chat=chat_id,
        body=text,
        context={**(context or {}), "reply_markup": markup},
    )


def chat_state_get(*, chat_id: str) -> ChatState:
    """Return the chat's conversation state (an unsaved empty one if it has none)."""
    return ChatState.objects.filter(chat_id=chat_id).first() or ChatState(chat_id=chat_id)


def chat_state_save(
    *, chat_id: str, flow: str = "", step: str = "", data: dict | None = None, language: str = ""
) -> ChatState:
    """Remember where a chat's conversation is, so a restart of the portal loses nothing."""
    state, _created = ChatState.objects.update_or_create(
        chat_id=chat_id,
        defaults={"flow": flow, "step": step, "data": data or {}, **({"language": language} if language else {})},
    )
    return state


def telegram_file_fetch(*, file_id: str, max_bytes: int) -> bytes:
    """Return the content of a file a person sent (a photo, a voice note); raise DeliveryError if it cannot be
    had or is larger than `max_bytes`."""
    info = telegram_call("getFile", {"file_id": file_id}) or {}
    if int(info.get("file_size") or 0) > max_bytes:
        raise DeliveryError("file too large")
    path = info.get("file_path") or ""
    if not path:
        raise DeliveryError("no file path")
    url = f"{settings.TELEGRAM_API_BASE.rstrip('/')}/file/bot{settings.TELEGRAM_BOT_TOKEN}/{path}"
    try:
        with urllib.request.urlopen(url, timeout=settings.NOTIFICATIONS_HTTP_TIMEOUT) as response:  # noqa: S310 - URL from settings
            content = response.read(max_bytes + 1)
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise DeliveryError(f"file download failed: {error.__class__.__name__}") from None
    if len(content) > max_bytes:
        raise DeliveryError("file too large")
    return content


CHAT_STATE_DAYS = 7


def chat_states_expire(*, now=None) -> int:
    """Delete conversation states untouched for CHAT_STATE_DAYS (what a person typed and never sent)."""
    now = now or timezone.now()
    deleted, _by_model = ChatState.objects.filter(updated_at__lt=now - timedelta(days=CHAT_STATE_DAYS)).delete()
    return deleted
