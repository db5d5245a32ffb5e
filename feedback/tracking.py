"""Tracking codes: short, unambiguous when read aloud or copied by hand, and unguessable."""

import secrets

# No 0/O, 1/I/L: the characters people confuse on paper and on the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8  # 31**8 ≈ 8.5e11 codes: enumeration is hopeless behind the lookup rate limit.


def tracking_code_generate() -> str:
    """Return a new random tracking code (without the display hyphen)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def tracking_code_normalise(value: str) -> str:
    """Return a typed code in stored form: upper case, without spaces or hyphens."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[:20]


def tracking_code_display(code: str) -> str:
    """Return a code split in two groups of four, easier to read and type."""
    return f"{code[:4]}-{code[4:]}" if len(code) == LENGTH else code
