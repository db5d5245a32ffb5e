"""Hostile and odd input for the property tests (Hypothesis): scripts, SQL, template syntax, any Unicode."""

from hypothesis import strategies as st

SCRIPT = "<script>alert(1)</script>"
PAYLOADS = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE participants_registration; --",
    "' OR '1'='1",
    "Robert'); DELETE FROM feedback_concern; --",
    "{{ settings.SECRET_KEY }}{% debug %}",
    "%s%s%s%n",
    "\x00",
    "\u202e\u200b",
    "ស្រីលក្ខណ៍ ចាន់",
    "",
    " ",
    "x" * 5000,
]


def hostile_text() -> st.SearchStrategy[str]:
    """Return text that is sometimes a known attack or oddity, sometimes anything Hypothesis can think of."""
    return st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=300))


def maybe(valid: st.SearchStrategy, *, weight_valid: int = 3) -> st.SearchStrategy:
    """Return mostly valid values, sometimes hostile text, so that both saved and refused forms are tried."""
    return st.one_of(*([valid] * weight_valid), hostile_text())
