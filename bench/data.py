"""The benchmark's synthetic posts: reproducible arrays of attributes, and their COPY into
PostgreSQL (streamed row by row, so a million posts need no more memory than their arrays)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np

from bench.rules import FLAG_BITS, PEOPLE_ROOTS, project_3035

LANGUAGES = ["cs", "uk", "en", "ru", "de"]
# Probabilities that a post speaks each language (independently; at least one is forced).
OFFER_LANGUAGE_P = [0.92, 0.3, 0.35, 0.2, 0.08]
NEED_LANGUAGE_P = [0.15, 0.9, 0.1, 0.4, 0.02]
# How often each language is one side of an interpreting pair (two different ones are drawn).
PAIR_LANGUAGE_P = [0.35, 0.35, 0.12, 0.13, 0.05]
OFFER_RADII, OFFER_RADII_P = [2, 5, 10, 20, 30, 50, 100], [0.05, 0.15, 0.3, 0.25, 0.1, 0.1, 0.05]
NEED_RADII, NEED_RADII_P = [0, 2, 5, 10, 20], [0.2, 0.25, 0.3, 0.2, 0.05]
REMOTE_SHARE = 0.1
# Issue 13's details: accommodation (beds = capacity, pets, wheelchair access), transport
# (seats = capacity, cargo), interpreting (a language pair), material aid (a quantity).
BEDS, SEATS, ITEMS = (1, 8), (1, 8), (1, 50)
ACCOMMODATION_PEOPLE_P = [0.3, 0.25, 0.2, 0.1, 0.1, 0.05]  # 1..6, mostly 1 to 3
TRANSPORT_PEOPLE_P = [0.45, 0.25, 0.2, 0.1]  # 1..4
OFFER_FLAG_P = {"pets": 0.4, "accessible": 0.15, "cargo": 0.3}
NEED_FLAG_P = {"pets": 0.2, "accessible": 0.05, "cargo": 0.2}
FLAG_ROOT = {"pets": "accommodation", "accessible": "accommodation", "cargo": "transport"}
# An offer leaves a yes/no detail unanswered this often (then it counts as no).
OFFER_FLAG_UNSTATED = 0.1
NEED_STATES_PAIR = 0.8
QUANTITY = (1, 20)


def _pair_code(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """One number per unordered pair of language positions (``{cs, uk}`` = ``{uk, cs}``)."""
    return np.minimum(first, second) * 8 + np.maximum(first, second)


class Synthetic:
    """Reproducible posts: arrays of attributes, generated once per (kind, size, seed)."""

    def __init__(self, *, size: int, seed: int, kind: str, categories, owners, organisations):
        from places.gazetteer import get_gazetteer

        rng = np.random.default_rng([seed, size, 0 if kind == "offer" else 1])
        towns = get_gazetteer().places
        population = np.array([town.population for town in towns], dtype=float)
        # Big towns attract more posts, but not linearly (Prague does not get a third of all).
        weights = population**0.8 / (population**0.8).sum()
        town = rng.choice(len(towns), size=size, p=weights)
        lat0 = np.array([towns[i].latitude for i in town])
        lon0 = np.array([towns[i].longitude for i in town])
        spread_km = 1.5 + 6 * (population[town] / population.max()) ** 0.5
        # Rounded as COPY writes them, so the in-memory baselines see the stored points.
        self.lat = np.round(lat0 + rng.normal(0, 1, size) * spread_km / 111.0, 6)
        self.lon = np.round(
            lon0 + rng.normal(0, 1, size) * spread_km / (111.0 * np.cos(np.radians(lat0))), 6
        )
        self.x, self.y = project_3035(self.lat, self.lon)
        subcategories, parents_of, root_slugs = categories
        if kind == "offer":
            # A fifth of offers are general ("any material aid"), the rest specific.
            specific = rng.choice(subcategories, size=size)
            general = np.array([parents_of.get(c, c) for c in specific])
            self.category = np.where(rng.random(size) < 0.2, general, specific)
            radii, radii_p, language_p = OFFER_RADII, OFFER_RADII_P, OFFER_LANGUAGE_P
        else:
            self.category = rng.choice(subcategories, size=size)
            radii, radii_p, language_p = NEED_RADII, NEED_RADII_P, NEED_LANGUAGE_P
            self.urgency = rng.choice([1, 2, 2, 3, 4], size=size)
        self.parent = np.array([parents_of.get(c, c) for c in self.category])
        self.root = np.array([root_slugs[c] for c in self.parent])
        self.radius = rng.choice(radii, size=size, p=radii_p)
        self.remote = rng.random(size) < REMOTE_SHARE
        speaks = rng.random((size, len(LANGUAGES))) < np.array(language_p)
        speaks[~speaks.any(axis=1), int(np.argmax(language_p))] = True
        self.language_mask = (speaks * (1 << np.arange(len(LANGUAGES)))).sum(axis=1)
        self.languages = [
            "{" + ",".join(LANGUAGES[j] for j in np.flatnonzero(row)) + "}" for row in speaks
        ]
        self.owner = rng.choice(owners, size=size)
        has_org = rng.random(size) < 0.3
        self.organisation = np.where(has_org, rng.choice(organisations, size=size), 0)
        self.age_days = rng.uniform(0, 60, size)
        self.valid_days = rng.integers(5, 120, size)
        self.size = size
        self._details(rng, kind)

    def _details(self, rng: np.random.Generator, kind: str) -> None:
        """Capacity, people, yes/no details and language pairs per root (issue 13), and each
        post's ``details`` JSON."""
        size = self.size
        root = self.root
        self.flags = np.zeros(size, dtype=np.int64)
        stated: dict[str, np.ndarray] = {}
        for name, bit in FLAG_BITS.items():
            in_root = root == FLAG_ROOT[name]
            if kind == "offer":
                yes = in_root & (rng.random(size) < OFFER_FLAG_P[name])
                stated[name] = in_root & (rng.random(size) >= OFFER_FLAG_UNSTATED)
                yes &= stated[name]
            else:
                yes = in_root & (rng.random(size) < NEED_FLAG_P[name])
                stated[name] = yes  # a need says only what it requires
            self.flags |= np.where(yes, bit, 0)
        interpreting = root == "interpreting"
        pair_p = np.array(PAIR_LANGUAGE_P)
        first = rng.choice(len(LANGUAGES), size=size, p=pair_p)
        second = np.empty(size, dtype=np.int64)
        for language in range(len(LANGUAGES)):
            others = pair_p.copy()
            others[language] = 0
            rows = first == language
            second[rows] = rng.choice(len(LANGUAGES), size=int(rows.sum()), p=others / others.sum())
        has_pair = (
            interpreting
            if kind == "offer"
            else interpreting & (rng.random(size) < NEED_STATES_PAIR)
        )
        self.language_pair = np.where(has_pair, _pair_code(first, second), -1)
        if kind == "offer":
            self.capacity = rng.choice([1, 1, 1, 2, 3, 5, 10], size=size)
            self.capacity = np.where(
                root == "accommodation", rng.integers(BEDS[0], BEDS[1] + 1, size), self.capacity
            )
            self.capacity = np.where(
                root == "transport", rng.integers(SEATS[0], SEATS[1] + 1, size), self.capacity
            )
            self.capacity = np.where(
                root == "material-aid", rng.integers(ITEMS[0], ITEMS[1] + 1, size), self.capacity
            )
        else:
            people = np.ones(size, dtype=np.int64)
            people = np.where(
                root == "accommodation",
                rng.choice(np.arange(1, 7), size=size, p=ACCOMMODATION_PEOPLE_P),
                people,
            )
            people = np.where(
                root == "transport",
                rng.choice(np.arange(1, 5), size=size, p=TRANSPORT_PEOPLE_P),
                people,
            )
            self.people_count = people
            # What the rule "capacity >= people" asks of an offer: nothing outside those roots.
            self.units_required = np.where(np.isin(root, PEOPLE_ROOTS), people, 0)
            self.quantity = np.where(
                root == "material-aid", rng.integers(QUANTITY[0], QUANTITY[1] + 1, size), 0
            )
        self.details = [self._details_json(i, kind, stated, first, second) for i in range(size)]

    def _details_json(self, i: int, kind: str, stated, first, second) -> str:
        root = self.root[i]
        details: dict[str, object] = {}
        if kind == "offer" and root in ("accommodation", "transport", "material-aid"):
            unit = {"accommodation": "beds", "transport": "seats", "material-aid": "quantity"}[root]
            details[unit] = int(self.capacity[i])  # the same number as the capacity it counts
        for name, bit in FLAG_BITS.items():
            if stated[name][i]:
                details[name] = bool(self.flags[i] & bit)
        if self.language_pair[i] >= 0:
            details["language_from"] = LANGUAGES[first[i]]
            details["language_to"] = LANGUAGES[second[i]]
        if kind == "need" and root == "material-aid":
            details["quantity"] = int(self.quantity[i])
        return json.dumps(details) if details else "{}"


def load(conn, table: str, data: Synthetic, kind: str, now: dt.datetime) -> None:
    extra = ["capacity"] if kind == "offer" else ["people_count", "urgency"]
    columns = [
        "owner_id", "organisation_id", "category_id", "title", "description", "place_name",
        "region", "details", "location", "radius_km", "remote", "languages", "valid_from",
        "valid_until", "status", "created_at", "updated_at", *extra,
    ]  # fmt: skip
    # Columns added later by other features (moderation notes, details...) that must not be
    # NULL and have no database default get an empty value of their type, so the benchmark
    # keeps loading as the schema grows.
    empty_by_type = {"character varying": "", "text": "", "jsonb": "{}", "boolean": False}
    extra_columns = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL "
        "AND is_generated = 'NEVER' AND column_name <> ALL(%s)",
        # Set by triggers (matching migration 0007).
        [table, [*columns, "id", "category_root_id", "match_keys"]],
    ).fetchall()
    filler = [empty_by_type[data_type] for _name, data_type in extra_columns]
    columns += [name for name, _data_type in extra_columns]
    today = now.date()
    copy_sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for i in range(data.size):
            created = now - dt.timedelta(days=float(data.age_days[i]))
            row = [
                int(data.owner[i]),
                int(data.organisation[i]) or None,
                int(data.category[i]),
                f"bench {kind} {i}",
                "",
                "bench",
                "",
                data.details[i],
                f"SRID=4326;POINT({data.lon[i]:.6f} {data.lat[i]:.6f})",
                int(data.radius[i]),
                bool(data.remote[i]),
                data.languages[i],
                created.date(),
                today + dt.timedelta(days=int(data.valid_days[i])),
                "active",
                created,
                created,
            ]
            if kind == "offer":
                row += [int(data.capacity[i])]
            else:
                row += [int(data.people_count[i]), int(data.urgency[i])]
            copy.write_row(row + filler)
    if kind == "offer":
        # Hosts in categories that vet them (housing) are verified, as after a working week;
        # the vetting rule then holds for every pair, in the matcher and the baselines alike.
        conn.execute("UPDATE offers_offer SET host_verified_at = created_at")
