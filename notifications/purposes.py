"""The declared purposes of messages: what each kind of message is called, and who may see it in the log.

The outbox knows no app that uses it; each app declares the purposes of the messages it sends, once, from its
`AppConfig.ready()`, with `purpose_declare`. The message log names a purpose by its label, and a purpose that
names a person's sensitive business (a concern) declares the permission needed to see it in the log. Every
declared purpose has a Khmer and an English template in `templates/notifications/messages/`, unless its text
is written by a person (`written=True`, an announcement).
"""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Purpose:
    name: str
    label: str | Promise
    # The permission a user needs to see such messages in a forum's log ("" = anyone who sees the log).
    log_permission: str = ""
    # True when a person writes the text (no template); False when a template renders it.
    written: bool = False
    # Who receives it: "public" (participants, people who raised concerns) or "staff" (email only).
    audience: str = "public"
    # Sent even to a number that texted STOP (only the confirmation that it stopped).
    ignores_opt_out: bool = False


_PURPOSES: dict[str, Purpose] = {}


def purpose_declare(
    name: str,
    label: str | Promise,
    *,
    log_permission: str = "",
    written: bool = False,
    audience: str = "public",
    ignores_opt_out: bool = False,
) -> Purpose:
    """Declare a message purpose (idempotent for the same declaration); raise ValueError on a conflicting one."""
    purpose = Purpose(
        name=name,
        label=label,
        log_permission=log_permission,
        written=written,
        audience=audience,
        ignores_opt_out=ignores_opt_out,
    )
    existing = _PURPOSES.setdefault(name, purpose)
    if existing != purpose:
        raise ValueError(f"message purpose {name!r} is declared twice, differently")
    return purpose


def purposes() -> list[Purpose]:
    """Return every declared purpose, by name."""
    return sorted(_PURPOSES.values(), key=lambda purpose: purpose.name)


def purpose_get(name: str) -> Purpose | None:
    """Return the declared purpose of this name, or None."""
    return _PURPOSES.get(name)


def purpose_label(name: str) -> str | Promise:
    """Return the label of a purpose, or its name if it was never declared (an old row, say)."""
    purpose = _PURPOSES.get(name)
    return purpose.label if purpose else name


def purposes_hidden_from(user) -> list[str]:
    """Return the purposes whose messages this user may not see in a log."""
    return [p.name for p in _PURPOSES.values() if p.log_permission and not user.has_perm(p.log_permission)]
