"""Benchmark of the matcher: full, steady-state and incremental passes against three baselines.

    POMOC_PG_PORT=... .venv/bin/python bench/matching.py [--sizes 10000 100000] [--seed 7]

Uses its own database (``pomoc_bench`` in the same PostgreSQL cluster, created and migrated on
first use), so development data is never touched. For each size N it loads N offers and N needs
(seeded, clustered around real Czech towns from the gazetteer, realistic spread of categories,
languages, radii and issue 13's details: ``bench/data.py``) with COPY, then, on that data:

1. the baselines' candidates, each timed (median of ``--repeat``; of ``--plain-repeat``, 1,
   for the slow plain query, skipped above ``--plain-max-size``): the matcher's own candidate
   probes alone, the plain PostGIS query (``postgis_plain_s``) and the scipy KD-tree
   (``ckdtree_s``), all three with the matcher's worker count, and how far their candidate
   pairs agree (``bench/baselines.py``);
2. full passes from an empty Match table (``full_pass_s``, the median of ``--repeat``);
3. a steady-state pass: the Match table full from the previous pass, then 10 % of the posts
   changed (moved, paused, or new), then one full pass timed (``steady_state_pass_s``;
   skipped above ``--steady-max-size``).

At the largest size it then times the incremental pass for 200 new needs and 200 new offers. At
10 000 (the baseline size) also the NumPy brute force, geopy's geodesic on a sample
(extrapolated) and greedy against optimal assignment. Prints a table and writes
bench/results/matching.json, keeping the figures of sizes this run did not measure (so that
``--sizes 1000000`` adds to the 10 000 / 100 000 run). ``bench/report.py`` turns the file into
the README's table.
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
from functools import partial
from pathlib import Path

import numpy as np
import psycopg

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on the path, where ``matching`` would be this file.
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))

from bench import baselines  # noqa: E402
from bench.data import LANGUAGES, Synthetic, load  # noqa: E402, F401 (the tests use them from here)

BENCH_DB = os.environ.get("POMOC_BENCH_DB", "pomoc_bench")
PORT = os.environ.get("POMOC_PG_PORT", "54329")

USERS = 2000
ORGANISATIONS = 300
INCREMENTAL_SAMPLES = 200
BASELINE_SIZE = 10_000
TARGET_SIZE = 100_000
GEODESIC_SAMPLE = 20_000
# Steady state: of the posts of each side, this share changes between two passes, split into
# moved / paused / new posts.
STEADY_CHANGE = 0.10
STEADY_SPLIT = {"moved": 0.4, "paused": 0.3, "new": 0.3}


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
    root_slugs = dict(Category.objects.filter(parent__isnull=True).values_list("id", "slug"))
    return ([c for c, _ in subcategories], parents_of, root_slugs), owners, organisations


def reset_posts(conn) -> None:
    # CASCADE: the audit log, reports and whatever else points at posts and matches goes too.
    conn.execute("TRUNCATE matching_match, matching_matchrun, offers_offer, needs_need CASCADE")


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
    offers = engine._posts_read("offers_offer", offer_ids, now).run()
    pairs = engine._score(found, engine._posts_read("needs_need", need_ids, now).run(), offers)
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
    """What ran the benchmark, and how busy the machine was at the end of the run."""
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
        # Two cores shared with other work: the load says how much of them the run had.
        "load_average_1_5_15": [round(load, 2) for load in os.getloadavg()],
    }


def _connect():
    return psycopg.connect(
        f"host=127.0.0.1 port={PORT} user=postgres dbname={BENCH_DB}", autocommit=True
    )


def synthetic_pair(size: int, seed: int, fixed) -> tuple[Synthetic, Synthetic]:
    categories, owners, organisations = fixed
    return tuple(
        Synthetic(
            size=size,
            seed=seed,
            kind=kind,
            categories=categories,
            owners=owners,
            organisations=organisations,
        )
        for kind in ("offer", "need")
    )


def load_size(offers: Synthetic, needs: Synthetic, now: dt.datetime) -> float:
    """Empty the tables, COPY the posts in, and have the statistics fresh; seconds to load."""
    with _connect() as conn:
        reset_posts(conn)
        started = time.perf_counter()
        load(conn, "offers_offer", offers, "offer", now)
        load(conn, "needs_need", needs, "need", now)
        load_s = time.perf_counter() - started
        conn.execute("VACUUM ANALYZE offers_offer")
        conn.execute("VACUUM ANALYZE needs_need")
    return load_s


def _truncate_matches() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE matching_match CASCADE")
    connection.close()


def full_passes(repeat: int) -> tuple[float, dict]:
    """Full passes, each from no matches; the median counts (the first run of a process also
    pays for its first connections and cold caches). The last run's matches stay."""
    from matching import engine

    runs = []
    for _ in range(repeat):
        _truncate_matches()
        started = time.perf_counter()
        result = engine.full_pass()
        runs.append(time.perf_counter() - started)
    stats = {
        "runs_s": [round(run, 3) for run in runs],
        "candidates": result.candidates,
        "proposed": result.proposed,
        "assignment": result.algorithm,
    }
    return statistics.median(runs), stats


def _ids(table: str) -> np.ndarray:
    """Database ids in the order of the synthetic rows (COPY keeps it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(array_agg(id ORDER BY id), '{{}}') FROM {table}")
        return np.array(cursor.fetchone()[0], dtype=np.int64)


def _probe_all(chunk_probe) -> tuple[float, set[tuple[int, int]]]:
    """Seconds for one probe function over every chunk of needs on the matcher's workers (as
    the full pass runs its probes), and the pairs found."""
    from django.conf import settings
    from django.utils import timezone

    from matching import engine
    from matching.candidates import Candidates
    from matching.workers import Workers

    today = timezone.localdate()
    probe = partial(chunk_probe, today=today)
    with Workers(settings.POMOC_MATCHING_WORKERS, warm_up=partial(probe, (0, 0))) as pool:
        started = time.perf_counter()
        chunks = engine._need_id_chunks()
        found = Candidates.concatenate(pool.map([partial(probe, chunk) for chunk in chunks]))
        elapsed = time.perf_counter() - started
    return elapsed, set(zip(found.need_id.tolist(), found.offer_id.tolist(), strict=True))


def _matcher_chunk(id_range, *, today):
    from matching import engine

    return engine._chunk_candidates(id_range, today=today, full_offers=[])


def _plain_chunk(id_range, *, today):
    from django.conf import settings

    return baselines.postgis_plain_chunk(
        id_range, today=today, limit=settings.POMOC_MATCHING_CANDIDATES
    )


def _agreement(found: set, reference: set) -> dict:
    """How much of ``reference`` was found (recall), how much of what was found is in it."""
    both = len(found & reference)
    return {
        "pairs": len(found),
        "recall": round(both / max(len(reference), 1), 5),
        "precision": round(both / max(len(found), 1), 5),
    }


def baselines_at(
    offers: Synthetic, needs: Synthetic, repeat: int, details: bool, plain_repeat: int
) -> dict:
    """The candidates of the matcher's probes alone, the plain PostGIS query and the KD-tree,
    each timed (median of ``repeat``; ``plain_repeat`` for the plain query, 0 to skip it) on
    the same data from an empty Match table, with how far
    each agrees with the KD-tree's (exact, as the brute force: see tests/bench)."""
    from django.conf import settings

    _truncate_matches()
    index = baselines.ensure_plain_index()
    k = settings.POMOC_MATCHING_CANDIDATES
    out: dict = {"plain_index": index, "detail_rules": details}
    for name, chunk_probe, times in (
        ("matcher_candidates", _matcher_chunk, repeat),
        ("postgis_plain", _plain_chunk, plain_repeat),
    ):
        runs = [_probe_all(chunk_probe) for _ in range(times)]
        if not runs:
            continue
        out[f"{name}_runs_s"] = [round(run, 3) for run, _pairs in runs]
        out[f"{name}_s"] = round(statistics.median(run for run, _pairs in runs), 3)
        out[f"{name}_pairs"] = runs[-1][1]
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        tree_pairs = baselines.ckdtree_candidates(
            offers, needs, k, details=details, workers=settings.POMOC_MATCHING_WORKERS
        )
        runs.append(time.perf_counter() - started)
    out["ckdtree_runs_s"] = [round(run, 3) for run in runs]
    out["ckdtree_s"] = round(statistics.median(runs), 3)
    offer_ids, need_ids = _ids("offers_offer"), _ids("needs_need")
    reference = set(
        zip(need_ids[tree_pairs.need].tolist(), offer_ids[tree_pairs.offer].tolist(), strict=True)
    )
    out["agreement_with_ckdtree"] = {"ckdtree": {"pairs": len(reference)}}
    for name in ("matcher", "postgis_plain"):
        found = out.pop(f"{name}_candidates_pairs" if name == "matcher" else f"{name}_pairs", None)
        if found is not None:
            out["agreement_with_ckdtree"][name] = _agreement(found, reference)
    return out


def steady_state(fixed, seed: int, now: dt.datetime, size: int) -> tuple[float, dict]:
    """One full pass after 10 % of the posts changed since the previous pass, whose matches
    are in the table: of each side, 4 % moved by a few km, 3 % paused, 3 % new posts."""
    from matching import engine

    rng = np.random.default_rng([seed, size, 2])
    changed = {"offers_offer": {}, "needs_need": {}}
    with _connect() as conn:
        for table in changed:
            ids = np.array(
                [row[0] for row in conn.execute(f"SELECT id FROM {table} WHERE status = 'active'")]
            )
            count = {
                key: int(len(ids) * STEADY_CHANGE * share) for key, share in STEADY_SPLIT.items()
            }
            picked = rng.choice(ids, size=count["moved"] + count["paused"], replace=False)
            moved, paused = picked[: count["moved"]], picked[count["moved"] :]
            shift = rng.normal(0, 0.02, (2, len(moved)))  # degrees: about 2 km
            conn.execute(
                f"UPDATE {table} p SET location = ST_SetSRID(ST_MakePoint("
                "ST_X(p.location::geometry) + m.dx, ST_Y(p.location::geometry) + m.dy), 4326), "
                "updated_at = now() FROM unnest(%s::bigint[], %s::float8[], %s::float8[]) "
                "AS m(id, dx, dy) WHERE p.id = m.id",
                [moved.tolist(), shift[0].tolist(), shift[1].tolist()],
            )
            conn.execute(
                f"UPDATE {table} SET status = 'paused', updated_at = now() WHERE id = ANY(%s)",
                [paused.tolist()],
            )
            changed[table] = count
        categories, owners, organisations = fixed
        for kind, table in (("offer", "offers_offer"), ("need", "needs_need")):
            new = Synthetic(
                size=changed[table]["new"], seed=seed + 2, kind=kind, categories=categories,
                owners=owners, organisations=organisations,
            )  # fmt: skip
            load(conn, table, new, kind, now)
    from django.db import connection

    connection.close()
    started = time.perf_counter()
    result = engine.full_pass()
    elapsed = time.perf_counter() - started
    return elapsed, {
        "changed_per_side": changed["needs_need"],
        "withdrawn": result.withdrawn,
        "candidates": result.candidates,
        "proposed": result.proposed,
        "assignment": result.algorithm,
    }


def incremental(fixed, seed: int, now: dt.datetime, kind: str) -> list[float]:
    """Milliseconds of the incremental pass for each of 200 new posts of ``kind``, posted
    into the full tables (and Match table) of the largest size."""
    from django.db import connection

    from matching import engine

    table = "offers_offer" if kind == "offer" else "needs_need"
    categories, owners, organisations = fixed
    extra = Synthetic(
        size=INCREMENTAL_SAMPLES, seed=seed + (1 if kind == "need" else 3), kind=kind,
        categories=categories, owners=owners, organisations=organisations,
    )  # fmt: skip
    with _connect() as conn:
        (before,) = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
        load(conn, table, extra, kind, now)
        new_ids = [
            row[0]
            for row in conn.execute(f"SELECT id FROM {table} WHERE id > %s ORDER BY id", [before])
        ]
    connection.close()
    timings = []
    for post_id in new_ids:
        started = time.perf_counter()
        engine.incremental_pass(**{f"{kind}_id": post_id})
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def numpy_bruteforce(offers: Synthetic, needs: Synthetic, k: int, details: bool) -> float:
    """Seconds for the brute-force candidates of every need (``baselines.numpy_candidates``)."""
    started = time.perf_counter()
    for _ in baselines.numpy_candidates(offers, needs, k, details=details):
        pass
    return time.perf_counter() - started


def _percentiles(timings: list[float]) -> tuple[float, float]:
    return round(statistics.median(timings), 2), round(float(np.percentile(timings, 95)), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[BASELINE_SIZE, TARGET_SIZE])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--repeat", type=int, default=3, help="full passes (and baselines) per size; median"
    )
    parser.add_argument(
        "--plain-repeat", type=int, default=1,
        help="runs of the plain PostGIS baseline per size (slow: about 5 ms per need); median",
    )  # fmt: skip
    parser.add_argument(
        "--plain-max-size", type=int, default=TARGET_SIZE,
        help="sizes above this skip the plain PostGIS baseline (an hour at 1 000 000)",
    )  # fmt: skip
    parser.add_argument(
        "--steady-max-size", type=int, default=TARGET_SIZE,
        help="sizes above this skip the steady-state pass (slow: see README)",
    )  # fmt: skip
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "matching.json"))
    args = parser.parse_args()

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
    details = baselines.matcher_reads_details()
    k = settings.POMOC_MATCHING_CANDIDATES
    load_at_start = [round(load, 2) for load in os.getloadavg()]

    output = Path(args.output)
    # Sizes this run does not measure keep their figures (a --sizes 1000000 run adds to the file).
    results: dict = json.loads(output.read_text()) if output.exists() else {}
    for key in (
        "full_pass_s",
        "full_pass_details",
        "postgis_plain_s",
        "ckdtree_s",
        "steady_state_pass_s",
        "steady_state_details",
        "baseline_details",
        "incremental_by_size",
    ):
        results.setdefault(key, {})
    sizes = sorted(args.sizes)
    baseline_data = None

    def run_info() -> dict:
        return {
            "settings": {
                "candidates_per_need": k,
                "per_need": settings.POMOC_MATCHING_PER_NEED,
                "per_offer": settings.POMOC_MATCHING_PER_OFFER,
                "optimal_max_pairs": settings.POMOC_MATCHING_OPTIMAL_MAX_PAIRS,
                "workers": settings.POMOC_MATCHING_WORKERS,
                "detail_rules_in_matcher": details,
                "seed": args.seed,
                "repeat": args.repeat,
                "plain_repeat": args.plain_repeat,
                "sizes_this_run": sizes,
            },
            "machine": machine() | {"load_average_at_start_1_5_15": load_at_start},
            "measured_at": timezone.now().isoformat(timespec="seconds"),
        }

    def save(results: dict, info: dict, *, final: bool = False) -> None:
        """Write what is measured so far (a long run stopped half-way keeps its figures). The
        run that measures the target size describes the file's machine and settings; another
        (a --sizes 1000000 run) is described under ``other_runs``."""
        if TARGET_SIZE in sizes or "machine" not in results:
            results.update(info)
        else:
            results.setdefault("other_runs", {})[" ".join(map(str, sizes))] = info | {
                "finished": final
            }
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2) + "\n")

    for size in sizes:
        offers, needs = synthetic_pair(size, args.seed, fixed)
        load_s = load_size(offers, needs, now)
        print(f"loaded {size} x {size} in {load_s:.1f} s", flush=True)
        plain_repeat = args.plain_repeat if size <= args.plain_max_size else 0
        compared = baselines_at(offers, needs, args.repeat, details, plain_repeat)
        if "postgis_plain_s" in compared:
            results["postgis_plain_s"][str(size)] = compared["postgis_plain_s"]
        results["ckdtree_s"][str(size)] = compared["ckdtree_s"]
        results["baseline_details"][str(size)] = compared
        print(f"baselines {size}: {compared}", flush=True)
        save(results, run_info())
        elapsed, stats = full_passes(args.repeat)
        stats["load_s"] = round(load_s, 2)
        results["full_pass_s"][str(size)] = round(elapsed, 3)
        results["full_pass_details"][str(size)] = stats
        print(f"full pass {size} x {size}: {elapsed:.2f} s {stats}", flush=True)
        save(results, run_info())
        if size == BASELINE_SIZE:
            baseline_data = (offers, needs)
            results["assignment_comparison"] = assignment_comparison(str(size))
            print(f"assignment: {results['assignment_comparison']}", flush=True)
            full_passes(1)  # the comparison emptied the Match table; the steady state needs it full
        if size <= args.steady_max_size:
            elapsed, stats = steady_state(fixed, args.seed, now, size)
            results["steady_state_pass_s"][str(size)] = round(elapsed, 3)
            results["steady_state_details"][str(size)] = stats
            print(f"steady-state pass {size}: {elapsed:.2f} s {stats}", flush=True)
            save(results, run_info())
        if size == sizes[-1]:
            by_kind = {}
            for kind in ("need", "offer"):
                by_kind[f"{kind}_p50_ms"], by_kind[f"{kind}_p95_ms"] = _percentiles(
                    incremental(fixed, args.seed, now, kind)
                )
            results["incremental_by_size"][str(size)] = by_kind
            print(f"incremental at {size}: {by_kind}", flush=True)
            # The headline figures are those at the target size (or the largest measured so far).
            if size <= TARGET_SIZE or "incremental_p50_ms" not in results:
                results["incremental_size"] = size
                results["incremental_p50_ms"] = by_kind["need_p50_ms"]
                results["incremental_p95_ms"] = by_kind["need_p95_ms"]
                results["incremental_offer_p50_ms"] = by_kind["offer_p50_ms"]
                results["incremental_offer_p95_ms"] = by_kind["offer_p95_ms"]
        del offers, needs

    if baseline_data is not None:  # the O(N²) baselines only at their own size
        offers, needs = baseline_data
        numpy_runs = [numpy_bruteforce(offers, needs, k, details) for _ in range(args.repeat)]
        numpy_s = statistics.median(numpy_runs)
        results["numpy_bruteforce_s_10000"] = round(numpy_s, 3)
        results["numpy_bruteforce_runs_s_10000"] = [round(run, 3) for run in numpy_runs]
        ours = results["full_pass_s"][str(BASELINE_SIZE)]
        results["speedup_vs_numpy_10000"] = round(numpy_s / ours, 1)
        sample_s, extrapolated = geodesic_extrapolated(offers, needs)
        results["geopy_geodesic_sample"] = {"pairs": GEODESIC_SAMPLE, "seconds": round(sample_s, 3)}
        results["geopy_geodesic_extrapolated_s_10000"] = round(extrapolated, 1)
    target = str(TARGET_SIZE)
    if target in results["postgis_plain_s"] and target in results["full_pass_s"]:
        full = results["full_pass_s"][target]
        results["speedup_vs_postgis_plain_100000"] = round(
            results["postgis_plain_s"][target] / full, 2
        )
        results["ratio_vs_ckdtree_100000"] = round(full / results["ckdtree_s"][target], 2)
    save(results, run_info(), final=True)
    from bench.report import table

    print()
    print(table(results))
    print(f"\nwritten {output}")


if __name__ == "__main__":
    main()
