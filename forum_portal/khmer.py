"""What people type in Khmer, made comparable: digits, invisible characters, the order of combining marks.

Khmer keyboards insert zero-width spaces between words, and a syllable may be typed with its marks in
several orders that render alike (a vowel before a subscript consonant, the two halves of a split vowel
typed apart). Unicode NFC leaves all of these as typed, so "the same name typed twice" would be two names.
`khmer_normalise` puts each syllable in the order SIL's Khmer character specification gives (the "khnormal"
rules, written again here: Makara Sok, Marc Durdin and Martin Hosken, Khmer Character Specification,
section Encoding Order) and drops the invisible characters. `text_key` adds case folding and collapsed
spaces for duplicate checks and search.

Also here: Khmer digits in and out, and Khmer month names as official documents write them.
"""

import re
import unicodedata
from datetime import date, datetime

KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"
_TO_ASCII = str.maketrans(KHMER_DIGITS, "0123456789")
_TO_KHMER = str.maketrans("0123456789", KHMER_DIGITS)

# Zero-width space, non-joiner, joiner and the byte-order mark: invisible, typed by Khmer keyboards.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")

# The position of each kind of character within a syllable, after its base consonant or vowel (SIL's order).
OTHER, BASE, ROBAT, COENG, SHIFTER, VOWEL_PRE, VOWEL_BELOW, VOWEL_ABOVE, VOWEL_POST, SIGN, SIGN_FINAL = range(11)


def _category(ch: str) -> int:
    o = ord(ch)
    if 0x1780 <= o <= 0x17A2 or 0x17A5 <= o <= 0x17B3 or o == 0x25CC:
        return BASE
    if o == 0x17B6:
        return VOWEL_POST
    if 0x17B7 <= o <= 0x17BA:
        return VOWEL_ABOVE
    if 0x17BB <= o <= 0x17BD:
        return VOWEL_BELOW
    if 0x17BE <= o <= 0x17C5:
        return VOWEL_PRE
    if o in (0x17C7, 0x17C8):
        return SIGN_FINAL
    if o in (0x17C9, 0x17CA):
        return SHIFTER
    if o == 0x17CC:
        return ROBAT
    if o == 0x17D2:
        return COENG
    if o == 0x17C6 or o == 0x17CB or 0x17CD <= o <= 0x17D1 or o == 0x17D3 or o == 0x17DD:
        return SIGN
    return OTHER


# Vowels typed in two halves, and the one character each pair renders as.
_SPLIT_VOWELS = (
    (re.compile("\u17be\u17b6"), "\u17c4\u17b8"),
    (re.compile("\u17c1([\u17bb-\u17bd]?)\u17b8"), "\u17be\\1"),
    (re.compile("\u17c1([\u17bb-\u17bd]?)\u17b6"), "\u17c4\\1"),
    (re.compile("(\u17be)(\u17bb)"), "\\2\\1"),
)
# A subscript Ro comes after any other subscript consonant; subscript Da is written as subscript Ta.
_COENG_RO_SECOND = re.compile("(\u17d2\u179a)(\u17d2[\u1780-\u17b3])")
_COENG_DA = re.compile("\u17d2\u178a")
_REPEATED_COENG = re.compile("\u17d2{2,}")


def _syllable_normalise(chars: list[tuple[int, str]]) -> str:
    # A consonant after a coeng sign is its subscript: it keeps its place beside the sign.
    units: list[tuple[int, int, str]] = []
    position = 0
    index = 0
    while index < len(chars):
        category, ch = chars[index]
        if category == COENG and index + 1 < len(chars) and chars[index + 1][0] == BASE:
            units.append((COENG, position, ch + chars[index + 1][1]))
            index += 2
        else:
            units.append((category, position, ch))
            index += 1
        position += 1
    base, rest = units[0], sorted(units[1:], key=lambda unit: (unit[0], unit[1]))
    text = base[2] + "".join(unit[2] for unit in rest)
    text = _REPEATED_COENG.sub("\u17d2", text)
    for pattern, replacement in _SPLIT_VOWELS:
        text = pattern.sub(replacement, text)
    text = _COENG_RO_SECOND.sub(r"\2\1", text)
    return _COENG_DA.sub("\u17d2\u178f", text)


def khmer_normalise(text: str) -> str:
    """Return `text` in NFC with invisible characters removed and each Khmer syllable's marks in canonical order.

    Two spellings that render the same come out equal; the text is not otherwise changed (no case folding).
    """
    text = _INVISIBLE_RE.sub("", unicodedata.normalize("NFC", text or ""))
    out: list[str] = []
    syllable: list[tuple[int, str]] = []
    for ch in text:
        category = _category(ch)
        if category == BASE and not (syllable and syllable[-1][0] == COENG):
            if syllable:
                out.append(_syllable_normalise(syllable))
            syllable = [(BASE, ch)]
        elif category in (OTHER,) or not syllable:
            if syllable:
                out.append(_syllable_normalise(syllable))
                syllable = []
            out.append(ch)
        else:
            syllable.append((category, ch))
    if syllable:
        out.append(_syllable_normalise(syllable))
    return "".join(out)


def text_key(text: str) -> str:
    """Return the form of a name or search term that comparisons use: normalised, case-folded, single-spaced."""
    return " ".join(khmer_normalise(text).casefold().split())


def name_clean(text: str) -> str:
    """Return a typed name as it is stored: normalised Khmer, single spaces, no outer blanks (case kept)."""
    return " ".join(khmer_normalise(text).split())


COENG_SIGN = "\u17d2"


def text_truncate(text, length: int, *, ellipsis: str = "…") -> str:
    """Return `text` cut to at most `length` characters, the ellipsis included, never inside a Khmer syllable.

    Django's truncatechars may cut between a consonant and its vowel sign, or after the coeng that joins the
    next consonant below it: a phone then shows a dotted circle. Here the cut moves back to before the mark or
    the subscript's coeng. Every character counts as one (as an SMS counts them), marks included.
    """
    text = str(text)
    if len(text) <= length:
        return text
    cut = max(length - len(ellipsis), 0)
    while cut > 0 and (unicodedata.category(text[cut]).startswith("M") or text[cut - 1] == COENG_SIGN):
        cut -= 1
    return text[:cut].rstrip() + ellipsis


def digits_ascii(text: str) -> str:
    """Return `text` with Khmer digits replaced by ASCII ones (០១២ -> 012); everything else unchanged."""
    return (text or "").translate(_TO_ASCII)


def digits_khmer(text) -> str:
    """Return `text` (or a number) with ASCII digits written as Khmer digits (2026 -> ២០២៦)."""
    return str(text).translate(_TO_KHMER)


# February is កុម្ភៈ, March មីនា (Django's Khmer catalogue writes មិនា): the names of official documents.
MONTHS = ("មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ")


def date_khmer(value: date | datetime, *, with_time: bool = False) -> str:
    """Return a date as official Khmer documents write it: "ថ្ងៃទី១៥ ខែកុម្ភៈ ឆ្នាំ២០២៦" (and "ម៉ោង ០៨:៣០")."""
    text = f"ថ្ងៃទី{value.day} ខែ{MONTHS[value.month - 1]} ឆ្នាំ{value.year}"
    if with_time and isinstance(value, datetime):
        text += f" ម៉ោង {value:%H:%M}"
    return digits_khmer(text)


def _reads_digits(field) -> bool:
    from django import forms

    numeric = (forms.IntegerField, forms.DecimalField, forms.FloatField, forms.DateField, forms.TimeField)
    return isinstance(field, (*numeric, forms.DateTimeField)) or getattr(field, "khmer_digits", False)


class KhmerDigitsFormMixin:
    """Read Khmer digits (០ to ៩) typed into a form's numbers, dates and times as ASCII digits.

    Only fields that hold numbers are rewritten (and any field marked `khmer_digits = True`): Khmer digits in
    a description are the writer's text and stay as typed.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            return
        names = [self.add_prefix(name) for name, field in self.fields.items() if _reads_digits(field)]
        if not any(isinstance(self.data.get(name), str) and self.data.get(name) for name in names):
            return
        data = self.data.copy()
        for name in names:
            if hasattr(data, "getlist"):
                values = data.getlist(name)
                if values:
                    data.setlist(name, [digits_ascii(v) if isinstance(v, str) else v for v in values])
            elif isinstance(data.get(name), str):
                data[name] = digits_ascii(data[name])
        self.data = data


# Khmer collation ------------------------------------------------------------------------------------
# PostgreSQL sorts Khmer by ICU's Khmer rules (`km-x-icu`, shipped with PostgreSQL's ICU support): consonants in
# alphabet order, subscripts and vowels after their base. SQLite has no ICU collation; there names sort by code
# point, which follows the consonant order of the alphabet but not ICU's rules for vowels and subscripts (the
# documented fallback, for development only).
KHMER_COLLATION = "km-x-icu"


def khmer_order(field: str, *, descending: bool = False):
    """Return an order_by() expression sorting `field` as Khmer readers expect (ICU on PostgreSQL)."""
    from django.db import connection
    from django.db.models import F
    from django.db.models.functions import Collate

    expression = Collate(F(field), KHMER_COLLATION) if connection.vendor == "postgresql" else F(field)
    return expression.desc() if descending else expression.asc()


def name_order(field: str, *, language: str | None = None):
    """Return the order of a name column for the page's language: Khmer collation on Khmer pages."""
    from django.db.models import F
    from django.utils.translation import get_language

    if (language or get_language() or "")[:2] == "km":
        return khmer_order(field)
    return F(field).asc()
