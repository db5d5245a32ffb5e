"""Codes people read aloud, type from paper or copy by hand: registration reference codes, concern tracking codes.

One alphabet for all of them, without the characters people confuse: no 0/O, 1/I/L, 2/Z, 5/S, 8/B. 25 characters
to the power of 10 is about 9.5e13 codes, so guessing is hopeless behind the rate limits, and among 100,000 codes
the chance of any two being equal is about 5 in 100,000; the unique constraints and a retry catch even that.
"""

import random
import secrets

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 10
# A typed value is cut to this before it reaches a query; no stored code is this long.
TYPED_MAX_LENGTH = 20
# A code typed on a Khmer keyboard arrives with Khmer digits.
_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")


def code_generate(*, rng: random.Random | None = None) -> str:
    """Return a new random code of LENGTH characters from ALPHABET, without the display hyphen.

    `rng` makes demo data repeatable; real codes use the operating system's secure generator.
    """
    choice = rng.choice if rng is not None else secrets.choice
    return "".join(choice(ALPHABET) for _ in range(LENGTH))


def code_normalise(value: str) -> str:
    """Return a code as typed or scanned (any case, hyphens, spaces, Khmer digits) in its stored form."""
    typed = (value or "").translate(_KHMER_DIGITS).upper()
    return "".join(ch for ch in typed if ch.isalnum())[:TYPED_MAX_LENGTH]


def code_display(code: str) -> str:
    """Return a code in two groups of five ("ACDEF-GHJKM"), easier to read aloud and type."""
    half = LENGTH // 2
    return f"{code[:half]}-{code[half:]}" if len(code) == LENGTH else code
