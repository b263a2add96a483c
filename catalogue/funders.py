"""The maintained list of known funders, and splitting of funder cells against it.

Real data runs several funders together in one cell ("MHMP J&T Foundation"). Splitting on
spaces would break multi-word names, so a cell is cut against this list instead: the longest
known name wins at each position, and any text between known names is kept whole as one
unknown funder (better a funder called "Nadace Foo Bar" than three called Nadace, Foo, Bar).

Add funders here when a new file names them; coordinators can also fix kinds in the admin.
Pure Python: no ORM, so it is tested without a database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class FunderKind(models.TextChoices):
    EU_PROGRAMME = "eu_programme", _("EU programme")
    MINISTRY = "ministry", _("Ministry or state agency")
    CITY = "city", _("City or region")
    FOUNDATION = "foundation", _("Foundation")
    COMPANY = "company", _("Company")
    INTERNATIONAL = "international", _("International organisation")
    NGO = "ngo", _("NGO")
    OTHER = "other", _("Other")


@dataclass(frozen=True)
class KnownFunder:
    name: str
    kind: str
    full_name: str = ""
    aliases: tuple[str, ...] = ()


KNOWN_FUNDERS: tuple[KnownFunder, ...] = (
    KnownFunder("OP AMIF", FunderKind.EU_PROGRAMME, "Asylum, Migration and Integration Fund"),
    KnownFunder("OPZ+", FunderKind.EU_PROGRAMME, "Operational Programme Employment Plus"),
    KnownFunder("ESF", FunderKind.EU_PROGRAMME, "European Social Fund"),
    KnownFunder(
        "EPIM", FunderKind.FOUNDATION, "European Programme for Integration and Migration (NEF)"
    ),
    KnownFunder("ACF", FunderKind.FOUNDATION, "Active Citizens Fund"),
    KnownFunder("J&T Foundation", FunderKind.FOUNDATION, "Nadace J&T", ("Nadace J&T",)),
    KnownFunder("TA ČR", FunderKind.MINISTRY, "Technology Agency of the Czech Republic"),
    KnownFunder("MV ČR", FunderKind.MINISTRY, "Ministry of the Interior of the Czech Republic"),
    KnownFunder("MMR", FunderKind.MINISTRY, "Ministry of Regional Development"),
    KnownFunder("MPSV", FunderKind.MINISTRY, "Ministry of Labour and Social Affairs"),
    KnownFunder("MŠMT", FunderKind.MINISTRY, "Ministry of Education, Youth and Sports"),
    KnownFunder("MHMP", FunderKind.CITY, "Prague City Hall (Magistrát hl. m. Prahy)"),
    KnownFunder("City of Prague", FunderKind.CITY, "Capital City of Prague"),
    KnownFunder("Municipality of Prague 10", FunderKind.CITY, "Městská část Praha 10"),
    KnownFunder("IOM", FunderKind.INTERNATIONAL, "International Organization for Migration"),
    KnownFunder("UNHCR", FunderKind.INTERNATIONAL, "UN Refugee Agency"),
    KnownFunder("People in Need", FunderKind.NGO, "Člověk v tísni", ("Člověk v tísni",)),
    KnownFunder("IKEA", FunderKind.COMPANY),
    KnownFunder("Livesport", FunderKind.COMPANY),
)

# Explicit separators some cells use; "&" is not one of them ("J&T Foundation").
_SEPARATORS = re.compile(r"\s*(?:[,;]|\s\+\s)\s*")


def fold(text: str) -> str:
    """Case- and accent-insensitive form for comparing names ("MV CR" finds "MV ČR")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())


def _known_by_tokens() -> dict[tuple[str, ...], KnownFunder]:
    table: dict[tuple[str, ...], KnownFunder] = {}
    for funder in KNOWN_FUNDERS:
        for spelling in (funder.name, *funder.aliases):
            table[tuple(fold(spelling).split())] = funder
    return table


_KNOWN = _known_by_tokens()
_LONGEST = max(len(tokens) for tokens in _KNOWN)


def known_funder(name: str) -> KnownFunder | None:
    return _KNOWN.get(tuple(fold(name).split()))


def _split_part(part: str) -> list[str]:
    """Greedy longest match of known names over the whitespace tokens of one part."""
    tokens = part.split()
    folded = [fold(token) for token in tokens]
    names: list[str] = []
    unknown: list[str] = []
    position = 0
    while position < len(tokens):
        match: KnownFunder | None = None
        width = 0
        for size in range(min(_LONGEST, len(tokens) - position), 0, -1):
            candidate = _KNOWN.get(tuple(folded[position : position + size]))
            if candidate is not None:
                match, width = candidate, size
                break
        if match is None:
            unknown.append(tokens[position])
            position += 1
            continue
        if unknown:
            names.append(" ".join(unknown))
            unknown = []
        names.append(match.name)
        position += width
    if unknown:
        names.append(" ".join(unknown))
    return names


def split_funders(cell: str) -> tuple[str, ...]:
    """Funder names in a cell, in order of first appearance, each once.

    >>> split_funders("People in Need Livesport MV ČR Livesport")
    ('People in Need', 'Livesport', 'MV ČR')
    """
    names: list[str] = []
    seen: set[str] = set()
    for part in _SEPARATORS.split(cell.strip()):
        for name in _split_part(part):
            key = fold(name)
            if key and key not in seen:
                seen.add(key)
                names.append(name)
    return tuple(names)


def funder_kind(name: str) -> str:
    known = known_funder(name)
    return known.kind if known else FunderKind.OTHER


def funder_full_name(name: str) -> str:
    known = known_funder(name)
    return known.full_name if known else ""
