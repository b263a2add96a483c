"""Short text messages: what fits one SMS, and how to say a notification in one.

One SMS holds 160 characters of the GSM 03.38 alphabet or 70 of anything else (UCS-2), and a
longer text is split into parts of 153 or 67 that are each paid for. Czech without diacritics is
what people in the Czech Republic write by SMS anyway, so a Czech text is transliterated to GSM
when that is all that stands in the way; Ukrainian stays Cyrillic (UCS-2).
"""

from __future__ import annotations

import unicodedata

# The GSM 03.38 basic character set plus its extension table (each extension char costs two).
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = "^{}\\[~]|€"
GSM_SINGLE = 160
UCS2_SINGLE = 70


def is_gsm(text: str) -> bool:
    return all(char in GSM_BASIC or char in GSM_EXTENDED for char in text)


def sms_length(text: str) -> int:
    """Characters as the network counts them (GSM extension characters take two)."""
    if is_gsm(text):
        return sum(2 if char in GSM_EXTENDED else 1 for char in text)
    return len(text)


def sms_limit(text: str) -> int:
    return GSM_SINGLE if is_gsm(text) else UCS2_SINGLE


# Typographic punctuation is outside the GSM alphabet; one curly quote would make a whole
# message UCS-2 (70 characters instead of 160).
PLAIN_PUNCTUATION = str.maketrans(
    {
        "„": '"',
        "“": '"',
        "”": '"',
        "«": '"',
        "»": '"',
        "‚": "'",
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
    }
)


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def sms_compose(text: str, *, keep: str = "", link: str = "", language: str = "") -> str:
    """One message of ``text``, then ``keep`` (e.g. how to reply, with the code) and ``link``:
    whitespace collapsed, typographic punctuation made plain, Czech transliterated to GSM when
    that makes the whole GSM, and ``text`` alone shortened with an ellipsis to fit one SMS
    while some words of it remain; otherwise the message goes in several parts."""
    text = " ".join(text.translate(PLAIN_PUNCTUATION).split())
    keep = " ".join(keep.translate(PLAIN_PUNCTUATION).split())
    tail = "".join(f" {part}" for part in (keep, link) if part)
    if language == "cs" and not is_gsm(text + tail):
        plain_text, plain_tail = strip_diacritics(text), strip_diacritics(keep)
        plain_tail = "".join(f" {part}" for part in (plain_tail, link) if part)
        if is_gsm(plain_text + plain_tail):
            text, tail = plain_text, plain_tail
    message = text + tail
    limit = sms_limit(message)
    if sms_length(message) <= limit:
        return message
    ellipsis = "..." if is_gsm(message) else "…"
    room = limit - sms_length(tail) - len(ellipsis)
    if room >= 20:
        return text[:room].rstrip() + ellipsis + tail
    return message
