"""Languages a post can name: ISO 639-1 codes (plus the few 3-letter ones Django knows)."""

from __future__ import annotations

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

# Django's locale table lists every language it has a name for; regional variants
# (en-gb, zh-hans) are left out because people speak "en", not "en-gb".
SPOKEN_LANGUAGES: dict[str, str] = {
    code: info["name"]
    for code, info in sorted(LANG_INFO.items())
    if "-" not in code and "name" in info and len(code) in (2, 3)
}
# The languages refugees and volunteers here most often speak, first in every picker.
COMMON_LANGUAGES = ["cs", "uk", "en", "ru", "sk", "pl", "de"]


def language_choices() -> list[tuple[str, str]]:
    common = [(code, _(SPOKEN_LANGUAGES[code])) for code in COMMON_LANGUAGES]
    rest = [
        (code, _(name)) for code, name in SPOKEN_LANGUAGES.items() if code not in COMMON_LANGUAGES
    ]
    return common + rest


def unknown_languages(codes: list[str]) -> list[str]:
    return [code for code in codes if code not in SPOKEN_LANGUAGES]
