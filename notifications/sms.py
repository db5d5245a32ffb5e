"""What an SMS costs and what an inbound one says: parts, stop words, the script it is written in."""

import unicodedata

# GSM 03.38 basic set: a text of only these goes in 160-character parts; anything else (Khmer) as UCS-2 in 70.
GSM_CHARACTERS = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")

# What a person texts to stop every SMS: English words and their Khmer equivalents ("stop", "cancel").
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ឈប់", "បញ្ឈប់", "ឈប់ផ្ញើ"}
ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\ufeff"}


def sms_parts(text: str) -> int:
    """Return how many SMS parts `text` takes: 160/153 characters in GSM-7, 70/67 in UCS-2 (Khmer)."""
    if not text:
        return 0
    if all(ch in GSM_CHARACTERS or ch in GSM_EXTENDED for ch in text):
        length = len(text) + sum(ch in GSM_EXTENDED for ch in text)
        single, part = 160, 153
    else:
        # UCS-2 counts UTF-16 code units: a character outside the BMP takes two.
        length = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if length <= single else -(-length // part)


def inbound_text_clean(text: str) -> str:
    """Return an inbound text without zero-width spaces (Khmer keyboards insert them) and outer blanks."""
    text = unicodedata.normalize("NFC", text or "")
    return "".join(ch for ch in text if ch not in ZERO_WIDTH).strip()


def is_stop_request(text: str) -> bool:
    """Return whether an inbound text asks to stop all SMS (one stop word, any case or punctuation)."""
    word = inbound_text_clean(text).strip(" .!។").upper()
    return word in STOP_WORDS


def has_khmer(text: str) -> bool:
    return any("\u1780" <= ch <= "\u17ff" for ch in text or "")
