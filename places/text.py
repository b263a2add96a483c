from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑–—_,.]+")


def normalize_name(text: str) -> str:
    """Fold a place name for lookup: no accents, no case, single spaces.

    "Plzeň", "PLZEN" and "plzen" all fold to "plzen"; "Brno-střed" and "Brno střed" to "brno stred".
    Cyrillic folds the same way, so "Прага" matches however it is typed.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", stripped.casefold()).strip()
