"""What the outbox tells the apps that use it, without knowing them."""

from django.dispatch import Signal

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
