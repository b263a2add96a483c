"""The translation catalogues are complete: every language the site offers has every message
translated, nothing left fuzzy, placeholders intact, and plurals that read right."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
CODES = [code for code, _name in settings.LANGUAGES]
# English is the language of the source: an empty msgstr shows the msgid, which is the text.
TRANSLATED = [code for code in CODES if code != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}")


def catalogue(code: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / code / "LC_MESSAGES" / "django.po"))


def entries(code: str) -> list[polib.POEntry]:
    return [entry for entry in catalogue(code) if not entry.obsolete]


def test_every_offered_language_has_a_catalogue():
    assert {"cs", "uk", "ru", "pl", "en"} <= set(CODES)
    for code in CODES:
        assert (LOCALE / code / "LC_MESSAGES" / "django.po").is_file(), code


@pytest.mark.parametrize("code", CODES)
def test_no_entry_is_fuzzy(code):
    fuzzy = [entry.msgid for entry in entries(code) if "fuzzy" in entry.flags]
    assert fuzzy == [], f"{code}: fuzzy entries need a translator's look: {fuzzy[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_entry_is_empty(code):
    po = catalogue(code)
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", po.metadata["Plural-Forms"]).group(1))
    empty = []
    for entry in entries(code):
        if entry.msgid_plural:
            forms = [entry.msgstr_plural.get(n, "") for n in range(nplurals)]
            if not all(forms):
                empty.append(entry.msgid)
        elif not entry.msgstr:
            empty.append(entry.msgid)
    assert empty == [], f"{code}: {len(empty)} untranslated, e.g. {empty[:5]}"


@pytest.mark.parametrize("code", [code for code in CODES if code != "cs"])
def test_every_catalogue_holds_every_message(code):
    # `make messages` refreshes all catalogues at once; one left behind misses new strings.
    missing = {entry.msgid for entry in entries("cs")} - {entry.msgid for entry in entries(code)}
    assert missing == set(), f"{code} lacks {sorted(missing)[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_their_placeholders(code):
    broken = []
    for entry in entries(code):
        if entry.msgid_plural:
            allowed = (
                sorted(PLACEHOLDER.findall(entry.msgid)),
                sorted(PLACEHOLDER.findall(entry.msgid_plural)),
            )
            texts = entry.msgstr_plural.values()
        else:
            allowed = (sorted(PLACEHOLDER.findall(entry.msgid)),)
            texts = [entry.msgstr]
        broken += [
            text for text in texts if text and sorted(PLACEHOLDER.findall(text)) not in allowed
        ]
    assert broken == []


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "ru",
            [
                "1 активное предложение",
                "3 активных предложения",
                "5 активных предложений",
                "11 активных предложений",
                "21 активное предложение",
            ],
        ),
        (
            "pl",
            [
                "1 aktywna oferta",
                "3 aktywne oferty",
                "5 aktywnych ofert",
                "12 aktywnych ofert",
                "22 aktywne oferty",
            ],
        ),
    ],
)
def test_plurals_follow_the_languages_grammar(code, expected):
    counts = [int(text.split()[0]) for text in expected]
    with translation.override(code):
        shown = [
            translation.ngettext("%(counter)s active offer", "%(counter)s active offers", n)
            % {"counter": n}
            for n in counts
        ]
    assert shown == expected
