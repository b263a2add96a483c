"""Benchmark of the matcher: full pass, incremental pass, and a brute-force NumPy baseline.

    POMOC_PG_PORT=... .venv/bin/python bench/matching.py [--sizes 10000 100000] [--seed 7]

Uses its own database (``pomoc_bench`` in the same PostgreSQL cluster, created and migrated on
first use), so development data is never touched. For each size N it loads N offers and N needs
(seeded, clustered around real Czech towns from the gazetteer, realistic spread of categories,
languages and radii) with COPY, then times full passes from an empty Match table (``--repeat``,
default 3; the median counts). At the largest size it then times the incremental pass for 200 new
needs. The baseline is a NumPy
brute-force haversine top-k over the same 10 000 × 10 000 data with the same rules, plus geopy's
geodesic on a sample, extrapolated. Prints a table and writes bench/results/matching.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("POMOC_BENCH_DB", "pomoc_bench")
PORT = os.environ.get("POMOC_PG_PORT", "54329")

LANGUAGES = ["cs", "uk", "en", "ru", "de"]
# Probabilities that a post speaks each language (independently; at least one is forced).
OFFER_LANGUAGE_P = [0.92, 0.3, 0.35, 0.2, 0.08]
NEED_LANGUAGE_P = [0.15, 0.9, 0.1, 0.4, 0.02]
OFFER_RADII, OFFER_RADII_P = [2, 5, 10, 20, 30, 50, 100], [0.05, 0.15, 0.3, 0.25, 0.1, 0.1, 0.05]
NEED_RADII, NEED_RADII_P = [0, 2, 5, 10, 20], [0.2, 0.25, 0.3, 0.2, 0.05]
REMOTE_SHARE = 0.1
USERS = 2000
ORGANISATIONS = 300
INCREMENTAL_SAMPLES = 200
BASELINE_SIZE = 10_000
GEODESIC_SAMPLE = 20_000


def ensure_database() -> None:
    admin = psycopg.connect(f"host=127.0.0.1 port={PORT} user=postgres dbname=postgres")
    admin.autocommit = True
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone():
        admin.execute(f'CREATE DATABASE "{BENCH_DB}"')
    admin.close()
    with psycopg.connect(f"host=127.0.0.1 port={PORT} user=postgres dbname={BENCH_DB}") as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


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
        self.lat = lat0 + rng.normal(0, 1, size) * spread_km / 111.0
        self.lon = lon0 + rng.normal(0, 1, size) * spread_km / (111.0 * np.cos(np.radians(lat0)))
        subcategories, parents_of = categories
        if kind == "offer":
            # A fifth of offers are general ("any material aid"), the rest specific.
            specific = rng.choice(subcategories, size=size)
            general = np.array([parents_of.get(c, c) for c in specific])
            self.category = np.where(rng.random(size) < 0.2, general, specific)
            radii, radii_p, language_p = OFFER_RADII, OFFER_RADII_P, OFFER_LANGUAGE_P
            self.capacity = rng.choice([1, 1, 1, 2, 3, 5, 10], size=size)
        else:
            self.category = rng.choice(subcategories, size=size)
            radii, radii_p, language_p = NEED_RADII, NEED_RADII_P, NEED_LANGUAGE_P
            self.urgency = rng.choice([1, 2, 2, 3, 4], size=size)
        self.parent = np.array([parents_of.get(c, c) for c in self.category])
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
                "{}",
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
            row += [int(data.capacity[i])] if kind == "offer" else [1, int(data.urgency[i])]
            copy.write_row(row + filler)
    if kind == "offer":
        # Hosts in categories that vet them (housing) are verified, as after a working week.
        conn.execute("UPDATE offers_offer SET host_verified_at = created_at")


def prepare_fixed_rows(now: dt.datetime):
    """Users, organisations and the category taxonomy the synthetic posts point to."""
    from accounts.models import Organisation, User
    from posts.models import Category

    if User.objects.filter(email__startswith="bench").count() < USERS:
        User.objects.filter(email__startswith="bench").delete()
        User.objects.bulk_create(
            User(email=f"bench{i}@example.org", password="!") for i in range(USERS)
        )
    if Organisation.objects.filter(name__startswith="Bench").count() < ORGANISATIONS:
        Organisation.objects.bulk_create(
            Organisation(name=f"Bench {i}", verified=i % 3 == 0) for i in range(ORGANISATIONS)
        )
    owners = np.array(User.objects.filter(email__startswith="bench").values_list("id", flat=True))
    organisations = np.array(
        Organisation.objects.filter(name__startswith="Bench").values_list("id", flat=True)
    )
    subcategories = list(
        Category.objects.filter(parent__isnull=False).values_list("id", "parent_id")
    )
    parents_of = dict(subcategories)
    return ([c for c, _ in subcategories], parents_of), owners, organisations


def reset_posts(conn) -> None:
    # CASCADE: the audit log, reports and whatever else points at posts and matches goes too.
    conn.execute("TRUNCATE matching_match, matching_matchrun, offers_offer, needs_need CASCADE")


def full_pass_at(
    size: int, seed: int, fixed, now: dt.datetime, repeat: int
) -> tuple[float, dict, tuple]:
    from django.db import connection

    from matching import engine

    categories, owners, organisations = fixed
    offers = Synthetic(
        size=size, seed=seed, kind="offer", categories=categories, owners=owners,
        organisations=organisations,
    )  # fmt: skip
    needs = Synthetic(
        size=size, seed=seed, kind="need", categories=categories, owners=owners,
        organisations=organisations,
    )  # fmt: skip
    with psycopg.connect(
        f"host=127.0.0.1 port={PORT} user=postgres dbname={BENCH_DB}", autocommit=True
    ) as conn:
        reset_posts(conn)
        started = time.perf_counter()
        load(conn, "offers_offer", offers, "offer", now)
        load(conn, "needs_need", needs, "need", now)
        load_s = time.perf_counter() - started
        conn.execute("VACUUM ANALYZE offers_offer")
        conn.execute("VACUUM ANALYZE needs_need")
    connection.close()
    # Each run starts from no matches; the median is reported (the first run of a process also
    # pays for its first connections and cold caches).
    runs = []
    for _ in range(repeat):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE matching_match CASCADE")
        connection.close()
        started = time.perf_counter()
        result = engine.full_pass()
        runs.append(time.perf_counter() - started)
    elapsed = statistics.median(runs)
    stats = {
        "runs_s": [round(run, 3) for run in runs],
        "load_s": round(load_s, 2),
        "candidates": result.candidates,
        "proposed": result.proposed,
        "assignment": result.algorithm,
    }
    return elapsed, stats, (offers, needs)


def assignment_comparison(size_note: str) -> dict:
    """Greedy versus optimal on the candidates of the current data (no saving)."""
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from matching import assignment, engine
    from matching.candidates import offers_for_needs

    now = timezone.now()
    # The pass just made proposals, and candidates skip existing pairs: start from none.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE matching_match CASCADE")
    found = offers_for_needs(
        today=timezone.localdate(), need_ids=None, full_offer_ids=[],
        limit=settings.POMOC_MATCHING_CANDIDATES, per_need=10**6, per_offer=10**6,
    )  # fmt: skip
    need_ids, offer_ids = np.unique(found.need_id), np.unique(found.offer_id)
    offers = engine._load_posts("offers_offer", offer_ids, now)
    pairs = engine._score(found, engine._load_posts("needs_need", need_ids, now), offers)
    need_slots = dict.fromkeys(need_ids.tolist(), settings.POMOC_MATCHING_PER_NEED)
    offer_slots = engine._offer_slots(offers, engine._offer_slots_used(offer_ids.tolist()))
    out = {"size": size_note, "pairs": len(pairs)}
    for name, function in (
        ("greedy", assignment.assign_greedy),
        ("optimal", assignment.assign_optimal),
    ):
        started = time.perf_counter()
        chosen = function(pairs, need_slots=need_slots, offer_slots=offer_slots)
        out[f"{name}_s"] = round(time.perf_counter() - started, 3)
        out[f"{name}_proposals"] = len(chosen)
        out[f"{name}_total_score"] = round(assignment.total_score(chosen), 2)
    return out


def incremental(fixed, seed: int, now: dt.datetime) -> list[float]:
    from django.db import connection

    from matching import engine
    from needs.models import Need

    categories, owners, organisations = fixed
    extra = Synthetic(
        size=INCREMENTAL_SAMPLES, seed=seed + 1, kind="need", categories=categories,
        owners=owners, organisations=organisations,
    )  # fmt: skip
    before = set(Need.objects.values_list("id", flat=True).order_by("-id")[:1])
    with psycopg.connect(
        f"host=127.0.0.1 port={PORT} user=postgres dbname={BENCH_DB}", autocommit=True
    ) as conn:
        load(conn, "needs_need", extra, "need", now)
    new_ids = list(
        Need.objects.filter(id__gt=max(before) if before else 0).values_list("id", flat=True)
    )
    connection.close()
    timings = []
    for need_id in new_ids:
        started = time.perf_counter()
        engine.incremental_pass(need_id=need_id)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def haversine_km(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))


def numpy_candidates(offers: Synthetic, needs: Synthetic, k: int):
    """Every need against every offer with the matcher's rules (category or the parent's general
    category, reach or both remote, a shared language, different owners and organisations), the
    k nearest by haversine; in chunks of needs so the matrix fits in memory. Yields, per chunk,
    the first need's index and each need's k offer indexes and distances (inf: no offer)."""
    chunk = 500
    for low in range(0, needs.size, chunk):
        high = min(low + chunk, needs.size)
        distance = haversine_km(
            needs.lat[low:high, None], needs.lon[low:high, None], offers.lat, offers.lon
        )
        ok = (offers.category == needs.category[low:high, None]) | (
            offers.category == needs.parent[low:high, None]
        )
        reach = distance <= offers.radius + needs.radius[low:high, None]
        ok &= reach | (offers.remote & needs.remote[low:high, None])
        ok &= (offers.language_mask & needs.language_mask[low:high, None]) != 0
        ok &= offers.owner != needs.owner[low:high, None]
        need_organisation = needs.organisation[low:high, None]
        ok &= (
            (offers.organisation == 0)
            | (need_organisation == 0)
            | (offers.organisation != need_organisation)
        )
        masked = np.where(ok, distance, np.inf)
        top = np.argpartition(masked, k, axis=1)[:, :k]
        yield low, top, np.take_along_axis(masked, top, axis=1)


def numpy_bruteforce(offers: Synthetic, needs: Synthetic, k: int) -> float:
    """Seconds for the brute-force top-k of every need (``numpy_candidates``)."""
    started = time.perf_counter()
    for _ in numpy_candidates(offers, needs, k):
        pass
    return time.perf_counter() - started


def geodesic_extrapolated(offers: Synthetic, needs: Synthetic) -> tuple[float, float]:
    from geopy.distance import geodesic

    rng = np.random.default_rng(1)
    pick_offer = rng.integers(0, offers.size, GEODESIC_SAMPLE)
    pick_need = rng.integers(0, needs.size, GEODESIC_SAMPLE)
    started = time.perf_counter()
    for i, j in zip(pick_offer, pick_need, strict=True):
        _ = geodesic((offers.lat[i], offers.lon[i]), (needs.lat[j], needs.lon[j])).km
    sample_s = time.perf_counter() - started
    return sample_s, sample_s / GEODESIC_SAMPLE * offers.size * needs.size


def machine() -> dict:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), postgis_lib_version()")
        postgres, postgis = cursor.fetchone()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "postgres": postgres.split(" on ")[0],
        "postgis": postgis,
        "note": os.environ.get("POMOC_BENCH_NOTE", ""),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--repeat", type=int, default=3, help="full passes (and baselines) per size; median"
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "matching.json"))
    args = parser.parse_args()

    # Only when run as a script: the tests import this module for its data and baseline.
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"postgis://postgres@127.0.0.1:{PORT}/{BENCH_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pomoc.settings")
    os.environ["POMOC_LOG_LEVEL"] = "WARNING"
    import django

    ensure_database()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    now = timezone.now()
    fixed = prepare_fixed_rows(now)

    results: dict = {"full_pass_s": {}, "full_pass_details": {}}
    sizes = sorted(args.sizes)
    baseline_data = None
    for size in sizes:
        elapsed, stats, data = full_pass_at(size, args.seed, fixed, now, args.repeat)
        results["full_pass_s"][str(size)] = round(elapsed, 3)
        results["full_pass_details"][str(size)] = stats
        print(f"full pass {size} x {size}: {elapsed:.2f} s {stats}", flush=True)
        if size == BASELINE_SIZE:
            baseline_data = data
            results["assignment_comparison"] = assignment_comparison(str(size))
            print(f"assignment: {results['assignment_comparison']}", flush=True)
    timings = incremental(fixed, args.seed, now)
    results["incremental_size"] = sizes[-1]
    results["incremental_p50_ms"] = round(statistics.median(timings), 2)
    results["incremental_p95_ms"] = round(float(np.percentile(timings, 95)), 2)
    print(
        f"incremental at {sizes[-1]}: p50 {results['incremental_p50_ms']} ms, "
        f"p95 {results['incremental_p95_ms']} ms",
        flush=True,
    )
    if baseline_data is None:  # the speed-up needs the pass at the baseline's size too
        elapsed, stats, baseline_data = full_pass_at(
            BASELINE_SIZE, args.seed, fixed, now, args.repeat
        )
        results["full_pass_s"][str(BASELINE_SIZE)] = round(elapsed, 3)
        results["full_pass_details"][str(BASELINE_SIZE)] = stats
    offers, needs = baseline_data
    numpy_runs = [
        numpy_bruteforce(offers, needs, settings.POMOC_MATCHING_CANDIDATES)
        for _ in range(args.repeat)
    ]
    numpy_s = statistics.median(numpy_runs)
    results["numpy_bruteforce_s_10000"] = round(numpy_s, 3)
    results["numpy_bruteforce_runs_s_10000"] = [round(run, 3) for run in numpy_runs]
    ours = results["full_pass_s"].get(str(BASELINE_SIZE))
    results["speedup_vs_numpy_10000"] = round(numpy_s / ours, 1) if ours else None
    sample_s, extrapolated = geodesic_extrapolated(offers, needs)
    results["geopy_geodesic_sample"] = {"pairs": GEODESIC_SAMPLE, "seconds": round(sample_s, 3)}
    results["geopy_geodesic_extrapolated_s_10000"] = round(extrapolated, 1)
    results["settings"] = {
        "candidates_per_need": settings.POMOC_MATCHING_CANDIDATES,
        "per_need": settings.POMOC_MATCHING_PER_NEED,
        "per_offer": settings.POMOC_MATCHING_PER_OFFER,
        "optimal_max_pairs": settings.POMOC_MATCHING_OPTIMAL_MAX_PAIRS,
        "seed": args.seed,
        "repeat": args.repeat,
    }
    results["machine"] = machine()
    results["measured_at"] = timezone.now().isoformat(timespec="seconds")

    print()
    print(f"{'measure':<44}{'value':>14}")
    for size, seconds in results["full_pass_s"].items():
        print(f"{'full pass ' + size + ' x ' + size + ' (s)':<44}{seconds:>14}")
    print(f"{'incremental pass p50 (ms)':<44}{results['incremental_p50_ms']:>14}")
    print(f"{'incremental pass p95 (ms)':<44}{results['incremental_p95_ms']:>14}")
    print(f"{'NumPy brute force 10000 x 10000 (s)':<44}{numpy_s:>14.3f}")
    print(f"{'speed-up vs NumPy at 10000':<44}{results['speedup_vs_numpy_10000']!s:>14}")
    print(f"{'geopy geodesic 10000 x 10000, extrapolated (s)':<44}{extrapolated:>14.1f}")
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten {args.output}")


if __name__ == "__main__":
    main()
