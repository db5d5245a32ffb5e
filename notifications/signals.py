"""What the outbox tells the apps that use it, without knowing them."""

from django.dispatch import Signal

# A person wrote to the bot (not a signed /start, not /stop). Arguments: update_id, chat_id, user_id, text, callback
# (an inline button's data), callback_id, language_code, contact_phone (their own number, shared with the
# contact button), photo and voice ({"file_id", "file_size"[, "mime_type"]} or None). A receiver that
# recognises it answers with notifications.telegram.telegram_reply and returns True.
telegram_message_received = Signal()

# A Telegram chat sent back a start token we signed. Arguments: subject (str), chat_id (str). A receiver
# returns True when the subject was its own and it linked the chat.
telegram_start_received = Signal()

# A person texted the portal's number. Arguments: phone (E.164), text (cleaned), language ("km" or "en", a
# guess from the script). A receiver that recognises the text queues its own reply and returns True; when
# none does, the outbox answers with a short help text.
sms_received = Signal()

# Messages can no longer reach this phone's Telegram chat (the person blocked the bot or sent /stop).
# Arguments: phone (E.164). Receivers move what they send to that phone back to SMS.
telegram_chat_unlinked = Signal()
