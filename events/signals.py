"""What happens to forums that the apps above need to hear about; events imports none of them.

Both are sent inside the transaction that made the change, so a receiver's writes (messages queued to the
participants) commit or roll back with it.
"""

from django.dispatch import Signal

# The venue or time of a forum changed. Arguments: forum (saved), old (dict of NOTIFIED_FIELDS before).
forum_changed = Signal()

# A published or closed forum was cancelled. Arguments: forum.
forum_cancelled = Signal()
