"""Benchmark of the anonymous search paths, idle, on the benchmark database.

    POMOC_ENV=development POMOC_PG_PORT=... POMOC_CACHE=locmem \
        .venv/bin/python bench/search.py [--repeat 7] [--output bench/results/search.json]

Expects the 10^5 x 10^5 posts of ``bench/matching.py`` (or ``--load 100000`` loads them first,
about two minutes) in the database ``pomoc_bench``. Times each URL with Django's test client
(server time without the network: middleware, query, serialisation, template) as the median of
``--repeat`` runs after one warm-up, and counts its queries; the answer cache is cleared before
every run, so the figures are those of a miss (a hit is timed separately, ``hit_ms``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))

from bench.matching import BENCH_DB, PORT  # noqa: E402

# The load test's kinds of search (bench/load/locustfile.py): a town, a radius, often a
# category, sometimes a language or a word; the trivial view for scale.
URLS = [u for u in os.environ.get("URLS", "").split() if u] or [
    "/api/v1/offers/?place=Brno&radius_km=25&category=clothes",
    "/api/v1/needs/?place=Praha&radius_km=50",
    "/api/v1/offers/?place=Ostrava&radius_km=10&language=uk",
    "/api/v1/needs/?place=Praha&radius_km=25&category=material-aid&language=cs&q=coats",
    "/api/v1/offers/?place=Praha&radius_km=50&page=20",
    "/api/v1/offers/geojson/?place=Praha&radius_km=25&category=transport",
    "/en/offers/?place=Praha&radius_km=25",
    "/en/needs/?place=Brno&radius_km=50&category=material-aid&language=uk",
    "/en/offers/",
    "/en/offers/?q=kocarek",
    "/api/v1/needs/?q=zimni+bunda",
    "/robots.txt",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--load", type=int, default=0, help="load this many offers and needs")
    parser.add_argument("--output", default="")
    parser.add_argument("--queries", action="store_true", help="print each URL's queries")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = f"postgis://postgres@127.0.0.1:{PORT}/{BENCH_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pomoc.settings")
    os.environ["POMOC_LOG_LEVEL"] = "WARNING"
    import django

    if args.load:
        from bench import matching

        matching.ensure_database()
        django.setup()
        from django.core.management import call_command
        from django.utils import timezone

        call_command("migrate", verbosity=0)
        now = timezone.now()
        offers, needs = matching.synthetic_pair(args.load, 7, matching.prepare_fixed_rows(now))
        print("loaded in", round(matching.load_size(offers, needs, now), 1), "s", flush=True)
    else:
        django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    results = {}
    load_at_start = [round(load, 2) for load in os.getloadavg()]
    for url in URLS:
        times, response, queries = [], None, None
        for run in range(args.repeat + 1):
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            if run:  # the first is a warm-up
                times.append(elapsed)
            queries = captured.captured_queries
        hits = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get(url)
            hits.append((time.perf_counter() - started) * 1000)
        body = response.content
        count = None
        if response.get("Content-Type", "").startswith("application/json"):
            count = json.loads(body).get("count")
        results[url] = {
            "status": response.status_code,
            "median_ms": round(statistics.median(times), 1),
            "min_ms": round(min(times), 1),
            "hit_ms": round(statistics.median(hits), 1),
            "queries": len(queries),
            "query_ms": [round(float(query["time"]) * 1000, 1) for query in queries],
            "count": count,
            "bytes": len(body),
        }
        row = results[url]
        print(
            f"{row['status']} {row['median_ms']:7.1f} ms (min {row['min_ms']:6.1f}, hit "
            f"{row['hit_ms']:5.1f})  {row['queries']} q {row['query_ms']}  count={count}  {url}",
            flush=True,
        )
        if args.queries:
            for query in queries:
                print(f"      {query['time']} {query['sql'][:400]}")
    if args.output:
        Path(args.output).write_text(
            json.dumps(
                {"load_average_at_start": load_at_start, "repeat": args.repeat, "urls": results},
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
