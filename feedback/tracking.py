"""Tracking codes: short, unambiguous when read aloud or copied by hand, and unguessable."""

import secrets

# No 0/O, 1/I/L: the characters people confuse on paper and on the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# 31**10 ≈ 8.2e14 codes: enumeration is hopeless behind the lookup rate limit, and among 100,000 codes the
# chance of any two being equal is about 6 in a million (8 characters made it 0.6%, too likely); the unique
# constraint and a retry catch even that.
LENGTH = 10


def tracking_code_generate() -> str:
    """Return a new random tracking code (without the display hyphen)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def tracking_code_normalise(value: str) -> str:
    """Return a typed code in stored form: upper case, without spaces or hyphens."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[:20]


def tracking_code_display(code: str) -> str:
    """Return a code split in two groups of five, easier to read and type."""
    half = LENGTH // 2
    return f"{code[:half]}-{code[half:]}" if len(code) == LENGTH else code
