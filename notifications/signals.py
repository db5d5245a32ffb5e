"""What the outbox tells the apps that use it, without knowing them."""

from django.dispatch import Signal

# A Telegram chat sent back a start token we signed. Arguments: subject (str), chat_id (str). A receiver
# returns True when the subject was its own and it linked the chat.
telegram_start_received = Signal()
