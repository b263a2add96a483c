from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑–—_,.]+")
# Letters that Unicode does not decompose into a base letter and an accent: "Łódź" is typed
# "Lodz", "Białystok" "Bialystok".
_UNDECOMPOSED = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ħ": "h", "ı": "i"})


def normalize_name(text: str) -> str:
    """Fold a place name for lookup: no accents, no case, single spaces.

    "Plzeň", "PLZEN" and "plzen" all fold to "plzen"; "Brno-střed" and "Brno střed" to "brno stred".
    Cyrillic folds the same way, so "Прага" matches however it is typed.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", stripped.casefold().translate(_UNDECOMPOSED)).strip()
