import unicodedata
from datetime import date, datetime

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from forum_portal.khmer import (
    COENG_SIGN,
    date_khmer,
    digits_ascii,
    digits_khmer,
    khmer_normalise,
    name_clean,
    text_key,
    text_truncate,
)


def test_khmer_normalise_removes_zero_width_characters():
    assert khmer_normalise("សុខ\u200bជា") == "សុខជា"
    assert khmer_normalise("\ufeffចាន់\u200c\u200dថា") == "ចាន់ថា"


def test_khmer_normalise_puts_a_vowel_typed_before_its_subscript_after_it():
    typed_in_order = "ស\u17d2\u179a\u17b8"  # ស្រី
    vowel_first = "ស\u17b8\u17d2\u179a"
    assert khmer_normalise(vowel_first) == typed_in_order
    assert khmer_normalise(typed_in_order) == typed_in_order


def test_khmer_normalise_joins_a_vowel_typed_in_two_halves():
    assert khmer_normalise("ក\u17c1\u17b8ត") == "ក\u17beត"  # កើត
    assert khmer_normalise("ក\u17c1\u17b6ះ") == "ក\u17c4ះ"  # កោះ


def test_khmer_normalise_puts_subscript_ro_after_another_subscript():
    assert khmer_normalise("ស\u17d2\u179a\u17d2\u178f\u17b8") == "ស\u17d2\u178f\u17d2\u179a\u17b8"  # ស្ត្រី


def test_khmer_normalise_writes_subscript_da_as_subscript_ta():
    assert khmer_normalise("ក\u17d2\u178a") == "ក\u17d2\u178f"


def test_khmer_normalise_leaves_latin_text_and_spaces_alone():
    assert khmer_normalise("Sok Dara, NSSF 2026") == "Sok Dara, NSSF 2026"
    assert khmer_normalise("") == ""


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("សុខ ជា", "សុខ\u200b ជា"),
        ("សុខ ជា", "  សុខ   ជា "),
        ("Sok Dara", "sok  DARA"),
        ("ស្រីពៅ", "ស\u17b8\u17d2\u179aពៅ"),
    ],
)
def test_text_key_is_equal_for_the_same_name_typed_two_ways(one, other):
    assert text_key(one) == text_key(other)


def test_name_clean_keeps_case_and_drops_invisible_characters():
    assert name_clean(" Sok\u200b  Dara ") == "Sok Dara"


def test_digits_convert_both_ways():
    assert digits_ascii("០១២ ៣៤៥ ៦៧៨") == "012 345 678"
    assert digits_khmer(2026) == "២០២៦"
    assert digits_ascii(digits_khmer("15:30")) == "15:30"


def test_date_khmer_uses_official_month_names_and_khmer_digits():
    assert date_khmer(date(2026, 2, 15)) == "ថ្ងៃទី១៥ ខែកុម្ភៈ ឆ្នាំ២០២៦"
    assert date_khmer(date(2026, 3, 1)) == "ថ្ងៃទី១ ខែមីនា ឆ្នាំ២០២៦"
    assert date_khmer(datetime(2026, 12, 31, 8, 5), with_time=True) == "ថ្ងៃទី៣១ ខែធ្នូ ឆ្នាំ២០២៦ ម៉ោង ០៨:០៥"


# "Forum on social security" with subscripts (ស្ស, ន្តិ) and vowel signs at the places a cut would land.
FORUM_TITLE = "វេទិកាស្តីពីសន្តិសុខសង្គម"


@pytest.mark.parametrize("length", range(1, len(FORUM_TITLE) + 2))
def test_a_khmer_title_is_never_cut_inside_a_syllable(length):
    cut = text_truncate(FORUM_TITLE, length)

    assert len(cut) <= length
    kept = cut.removesuffix("…")
    assert FORUM_TITLE.startswith(kept)
    if kept != FORUM_TITLE:
        assert not kept.endswith(COENG_SIGN)
        assert not unicodedata.category(FORUM_TITLE[len(kept)]).startswith("M")


def test_truncating_where_django_would_leave_a_dangling_subscript():
    # Django's truncatechars:8 keeps "វេទិកាស្" (a coeng waiting for its consonant): a dotted circle on a phone.
    assert text_truncate(FORUM_TITLE, 8) == "វេទិកា…"
    assert text_truncate("Social security forum", 10) == "Social se…"
    assert text_truncate("short", 10) == "short"


def test_the_filter_is_in_every_template_and_ignores_a_bad_length():
    template = Template("{{ title|truncate_text:8 }}|{{ title|truncate_text:'x' }}")

    assert template.render(Context({"title": FORUM_TITLE})) == f"វេទិកា…|{FORUM_TITLE}"


KHMER = st.text(alphabet=st.characters(min_codepoint=0x1780, max_codepoint=0x17DD), max_size=40)


@given(text=KHMER, length=st.integers(min_value=0, max_value=45))
def test_any_khmer_text_is_cut_short_enough_and_before_a_whole_syllable(text, length):
    cut = text_truncate(text, length)

    assert len(cut) <= max(length, 1)
    kept = cut.removesuffix("…") if len(text) > length else cut
    assert text.startswith(kept)
    if kept != text:
        assert not kept.endswith(COENG_SIGN)
        assert not unicodedata.category(text[len(kept)]).startswith("M") or not kept
