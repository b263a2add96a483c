"""The load test: benchmark-sized data served as in production, 200 users, matcher running.

    POMOC_PG_PORT=... .venv/bin/python bench/load/run.py [--users 200] [--duration 120]

(``make load`` runs it with the private cluster started.) Steps:

1. its own database (``pomoc_load`` in the private cluster, created and migrated on first use)
   gets the benchmark's synthetic posts (``bench/data.py``, ``--size`` offers and as many needs,
   10⁵ by default, loaded with COPY; nothing else of a previous run is kept) and accounts with
   API tokens for the signed-in users;
2. ``scripts/serve.sh`` serves the site as in production (gunicorn with ``gunicorn.conf.py``,
   DEBUG off, whitenoise for the collected static files; ``--workers``, default production's),
   with only its access log turned on, in a format of the test's (``POMOC_WEB_ACCESS_LOG`` and
   ``POMOC_WEB_ACCESS_LOG_FORMAT``); a django-q2 cluster runs the incremental passes the new
   posts queue, and another process runs full matching passes back to back
   (``bench/load/passes.py``);
3. locust plays ``--users`` users for ``--duration`` seconds (``bench/load/locustfile.py``);
4. then it checks the database: every post a client saw created (201) is there
   (``lost_writes``), every status change a client saw confirmed (200) holds
   (``lost_status_changes``), no offer–need pair is held twice (``duplicate_pairs``), no offer
   holds more than its capacity (``overbooked_offers``); and writes ``--output``
   (``bench/results/load.json``), which ``bench/load/report.py`` turns into the README's table.

Throttles and the posting limit would answer most of these requests 429 (every user comes from
127.0.0.1 and posts far more than a person does), hiding the capacity the test is about, so the
servers run with the limits raised (``LOAD_LIMITS``); the limits themselves are tested
elsewhere and stay on in production.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import runpy
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))

PORT = os.environ.get("POMOC_PG_PORT", "54329")
LOAD_DB = os.environ.get("POMOC_LOAD_DB", "pomoc_load")
PYTHON = sys.executable
BIN = Path(PYTHON).parent

# Environment of the servers during the run: the rate limits raised (see the docstring).
LOAD_LIMITS = {
    "POMOC_API_RATE_ANON": "1000000/min",
    "POMOC_API_RATE_USER": "1000000/min",
    "POMOC_API_RATE_CREATE": "1000000/hour",
    "POMOC_POST_RATE_LIMIT": "1000000",
}
TRIVIAL = "trivial (robots.txt)"
API_SEARCH = "api search"
SEARCH_VS_TRIVIAL_TARGET = 0.5
# Access log line: endpoint name (from the client's header), status, microseconds in the server.
ACCESS_LOG_FORMAT = "%({x-load-endpoint}i)s|%(s)s|%(D)s"


def default_workers() -> int:
    """Production's worker count for this machine (``gunicorn.conf.py``), unless POMOC_WEB_WORKERS
    says otherwise there too."""
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]


# --- 1. data ------------------------------------------------------------------------------------


def ensure_database(name: str) -> None:
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={PORT} user=postgres dbname=postgres", autocommit=True
    ) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            # template1 carries the extensions (scripts/createdb.sh).
            admin.execute(f'CREATE DATABASE "{name}"')


def prepare(*, size: int, accounts: int, seed: int, workdir: Path) -> dict:
    """Fresh posts and load accounts in Django's database; returns what was loaded."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from bench.data import Synthetic, load
    from bench.matching import prepare_fixed_rows, reset_posts

    call_command("migrate", verbosity=0)
    # The shared cache (throttles, rate limits) lives in a table of this database, as `make run`
    # creates it; without it every throttled API request is a 500.
    call_command("createcachetable", verbosity=0)
    now = timezone.now()
    categories, owners, organisations = prepare_fixed_rows(now)
    started = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection  # psycopg's own, for COPY
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE django_q_ormq, django_q_task")
    reset_posts(raw)
    for kind, table in (("offer", "offers_offer"), ("need", "needs_need")):
        data = Synthetic(
            size=size,
            seed=seed,
            kind=kind,
            categories=categories,
            owners=owners,
            organisations=organisations,
        )
        load(raw, table, data, kind, now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE offers_offer")
        cursor.execute("ANALYZE needs_need")
    users = []
    for i in range(accounts):
        user, _ = User.objects.get_or_create(email=f"load{i}@example.org")
        Token.objects.filter(user=user).delete()  # a fresh token: expiry counts from now
        users.append(Token.objects.create(user=user).key)
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "tokens.json").write_text(json.dumps(users))
    return {"offers": size, "needs": size, "load_s": round(time.perf_counter() - started, 1)}


# --- 2. and 3. servers and users ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, static_root: Path) -> dict[str, str]:
    return (
        os.environ
        | LOAD_LIMITS
        | {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "pomoc.settings",
            "POMOC_ENV": "development",
            "DJANGO_DEBUG": "0",
            "DJANGO_STATIC_ROOT": str(static_root),
            "POMOC_LOG_LEVEL": "WARNING",
        }
    )


def _wait_until_serving(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def _stop(process: subprocess.Popen | None, timeout: float = 30) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve_and_load(
    *,
    database_url: str,
    users: int,
    duration: int,
    workers: int,
    workdir: Path,
    static_root: Path | None = None,
) -> dict:
    """Start the web server, a qcluster and the passes loop, run locust, stop everything;
    returns the paths of what they wrote and the load averages before and after.
    ``static_root``: static files already collected (else they are collected into the work
    folder)."""
    env = server_env(database_url, static_root or workdir / "static")
    if static_root is None:
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    access_log = workdir / "access.log"
    access_log.unlink(missing_ok=True)
    passes_file = workdir / "passes.json"
    passes_file.unlink(missing_ok=True)
    record_file = workdir / "record.json"
    record_file.unlink(missing_ok=True)
    logs = (workdir / "servers.log").open("w")
    processes: dict[str, subprocess.Popen] = {}
    load_before = [round(load, 2) for load in os.getloadavg()]
    try:
        # Production's web server and settings (it execs gunicorn, so SIGTERM reaches the
        # master); only where it listens, how many workers and the access log are the test's.
        processes["web"] = subprocess.Popen(
            ["bash", "scripts/serve.sh"],
            cwd=ROOT,
            env=env
            | {
                "POMOC_BIND": f"127.0.0.1:{port}",
                "POMOC_WEB_WORKERS": str(workers),
                "POMOC_WEB_ACCESS_LOG": str(access_log),
                "POMOC_WEB_ACCESS_LOG_FORMAT": ACCESS_LOG_FORMAT,
            },
            stdout=logs,
            stderr=logs,
        )
        _wait_until_serving(f"{base}/robots.txt", processes["web"])
        processes["qcluster"] = subprocess.Popen(
            [PYTHON, "manage.py", "qcluster"], cwd=ROOT, env=env, stdout=logs, stderr=logs
        )
        processes["passes"] = subprocess.Popen(
            [PYTHON, "bench/load/passes.py", "--output", str(passes_file)],
            cwd=ROOT,
            env=env,
            stdout=logs,
            stderr=logs,
        )
        started = time.time()
        locust = [
            str(BIN / "locust"), "-f", "bench/load/locustfile.py", "--headless", "--host", base,
            "--users", str(users), "--spawn-rate", str(max(1, min(users, 20))),
            "--run-time", f"{duration}s", "--stop-timeout", "10",
            "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0",
        ]  # fmt: skip
        subprocess.run(
            locust,
            cwd=ROOT,
            env=os.environ
            | {
                "LOAD_TOKENS_FILE": str(workdir / "tokens.json"),
                "LOAD_RECORD_FILE": str(record_file),
            },
            stdout=logs,
            stderr=logs,
            check=True,
        )
        elapsed = time.time() - started
        load_after = [round(load, 2) for load in os.getloadavg()]
        # The pass under way may finish for a minute; then it is killed, which a pass survives
        # (tests/matching/test_worker_kill.py): the next run's first pass marks it interrupted.
        _stop(processes.pop("passes"), timeout=60)
    finally:
        for process in processes.values():
            _stop(process)
        logs.close()
    return {
        "access_log": access_log,
        "passes_file": passes_file,
        "record_file": record_file,
        "elapsed_s": elapsed,
        "load_average_before": load_before,
        "load_average_after": load_after,
        "workers": workers,
    }


# --- 4. checks and results ----------------------------------------------------------------------


def database_checks(record: dict) -> dict:
    """What the clients were told against what the database holds."""
    from django.db import connection

    from matching.models import HOLDING_STATUSES

    holding = [str(status) for status in HOLDING_STATUSES]
    created: dict[str, list[int]] = defaultdict(list)
    for post in record["created"]:
        created[post["kind"]].append(post["id"])
    lost = 0
    with connection.cursor() as cursor:
        for kind, table in (("offers", "offers_offer"), ("needs", "needs_need")):
            cursor.execute(
                f"SELECT count(*) FROM unnest(%s::bigint[]) AS seen(id) "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} p WHERE p.id = seen.id)",
                [created[kind]],
            )
            lost += cursor.fetchone()[0]
        lost_status = 0
        for change in record["status_changes"]:
            table = "offers_offer" if change["kind"] == "offers" else "needs_need"
            cursor.execute(f"SELECT status FROM {table} WHERE id = %s", [change["id"]])
            row = cursor.fetchone()
            # Withdrawn is final; fulfilled may only have been withdrawn after (nobody did).
            if row is None or row[0] != change["status"]:
                lost_status += 1
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM matching_match WHERE status = ANY(%s) "
            "GROUP BY offer_id, need_id HAVING count(*) > 1) AS twice",
            [holding],
        )
        duplicates = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM (SELECT o.id FROM offers_offer o "
            "JOIN matching_match m ON m.offer_id = o.id AND m.status = ANY(%s) "
            "GROUP BY o.id, o.capacity HAVING sum(m.units) > o.capacity) AS over",
            [holding],
        )
        overbooked = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM matching_match WHERE status = 'proposed'")
        proposals = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        # Posts of the load accounts the server created but whose 201 no client received (it
        # gave up waiting): not lost, only unconfirmed.
        cursor.execute(
            "SELECT (SELECT count(*) FROM offers_offer p JOIN accounts_user u ON u.id = "
            "p.owner_id WHERE u.email LIKE 'load%%@example.org') + (SELECT count(*) FROM "
            "needs_need p JOIN accounts_user u ON u.id = p.owner_id "
            "WHERE u.email LIKE 'load%%@example.org')"
        )
        written = cursor.fetchone()[0]
    return {
        "writes_confirmed": len(record["created"]),
        "writes_unconfirmed": written - len(record["created"]),
        "lost_writes": lost,
        "status_changes_confirmed": len(record["status_changes"]),
        "lost_status_changes": lost_status,
        "duplicate_pairs": duplicates,
        "overbooked_offers": overbooked,
        "proposals_at_end": proposals,
    }


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def endpoint_stats(record: dict, elapsed_s: float) -> dict:
    """Per endpoint, as the clients saw it: requests, throughput, p50 and p95 (ms) and the
    status codes."""
    out = {}
    for name, times in sorted(record["times_ms"].items()):
        codes = record["codes"].get(name, {})
        out[name] = {
            "requests": len(times),
            "failures": sum(count for code, count in codes.items() if code[0] != "2"),
            "requests_per_s": round(len(times) / elapsed_s, 2),
            "p50_ms": round(_percentile(times, 0.5)),
            "p95_ms": round(_percentile(times, 0.95)),
            "status_codes": codes,
        }
    return out


def server_times(access_log: Path) -> dict[str, dict]:
    """Time the server spent per request of each endpoint (gunicorn's access log, from the
    worker taking the request to the response: no time in the listen queue)."""
    times: dict[str, list[float]] = defaultdict(list)
    for line in access_log.read_text().splitlines():
        name, _status, micros = line.rsplit("|", 2)
        if name and name != "-":
            times[name].append(int(micros) / 1000)
    return {
        name: {
            "mean_ms": round(statistics.fmean(values), 2),
            "p50_ms": round(statistics.median(values), 2),
            "requests": len(values),
        }
        for name, values in times.items()
    }


def machine(note: str) -> dict:
    from bench.matching import machine as bench_machine

    facts = bench_machine()
    facts["note"] = note
    facts.pop("load_average_1_5_15", None)  # the run records the load before and after
    return facts


def results(*, run: dict, record: dict, users: int, duration: int, data: dict, note: str) -> dict:
    endpoints = endpoint_stats(record, run["elapsed_s"])
    server = server_times(run["access_log"])
    for name, figures in server.items():
        if name in endpoints:
            endpoints[name]["server_mean_ms"] = figures["mean_ms"]
    codes = [
        (int(code), count)
        for stats in endpoints.values()
        for code, count in stats["status_codes"].items()
    ]
    passes = json.loads(run["passes_file"].read_text()) if run["passes_file"].exists() else []
    ratio = None
    if TRIVIAL in server and API_SEARCH in server:
        # Requests one worker serves per second of its time: search against the trivial view.
        ratio = round(server[TRIVIAL]["mean_ms"] / server[API_SEARCH]["mean_ms"], 3)
    observed = None
    if endpoints.get(TRIVIAL, {}).get("requests") and API_SEARCH in endpoints:
        observed = round(endpoints[API_SEARCH]["requests"] / endpoints[TRIVIAL]["requests"], 3)
    return {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "users": users,
        "duration_s": duration,
        "elapsed_s": round(run["elapsed_s"], 1),
        "requests": sum(stats["requests"] for stats in endpoints.values()),
        "requests_per_s": round(
            sum(stats["requests"] for stats in endpoints.values()) / run["elapsed_s"], 2
        ),
        "server_errors": sum(count for code, count in codes if code >= 500),
        # The client gave up (60 s) or lost the connection: no status at all.
        "no_answer": sum(count for code, count in codes if code == 0),
        "no_answer_kinds": record.get("no_answer", {}),
        "throttled": sum(count for code, count in codes if code == 429),
        **database_checks(record),
        "search_vs_trivial_ratio": ratio,
        "search_vs_trivial_target": SEARCH_VS_TRIVIAL_TARGET,
        "search_vs_trivial_basis": (
            "requests per second of a server worker's time (gunicorn access log): mean time "
            "of the trivial view / mean time of the search API, under the same load"
        ),
        "search_vs_trivial_requests_ratio": observed,
        "endpoints": endpoints,
        "full_passes": {
            "completed": sum(1 for run_ in passes if "error" not in run_ and not run_["skipped"]),
            "errors": sum(1 for run_ in passes if "error" in run_),
            "seconds": [run_["seconds"] for run_ in passes],
        },
        "setup": {
            "data": data,
            "gunicorn_workers": run["workers"],
            "qcluster_workers": int(os.environ.get("POMOC_Q_WORKERS", "2")),
            "limits_raised": LOAD_LIMITS,
            "debug": False,
        },
        "machine": machine(note),
        "load_average_before": run["load_average_before"],
        "load_average_after": run["load_average_after"],
    }


def run_load(
    *,
    size: int,
    users: int,
    duration: int,
    workers: int,
    seed: int = 7,
    workdir: Path = ROOT / "var" / "load",
    note: str = "",
    static_root: Path | None = None,
) -> dict:
    """The whole test against Django's current database; returns the results."""
    from django.db import connection

    settings = connection.settings_dict
    database_url = (
        f"postgis://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    )
    # Roughly the share of signed-in users, with room for the spawn order.
    accounts = max(3, users // 3 + 1)
    data = prepare(size=size, accounts=accounts, seed=seed, workdir=workdir)
    connection.close()
    run = serve_and_load(
        database_url=database_url,
        users=users,
        duration=duration,
        workers=workers,
        workdir=workdir,
        static_root=static_root,
    )
    record = json.loads(run["record_file"].read_text())
    return results(run=run, record=record, users=users, duration=duration, data=data, note=note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=int(os.environ.get("LOAD_SIZE", 100_000)))
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS", 200)))
    parser.add_argument(
        "--duration", type=int, default=int(os.environ.get("LOAD_DURATION", 120)), help="seconds"
    )
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("LOAD_WORKERS", default_workers()))
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "load.json"))
    parser.add_argument("--readme", action="store_true", help="also update README's table")
    parser.add_argument(
        "--database-url", help="another database of the private cluster than pomoc_load (tests)"
    )
    parser.add_argument("--workdir", default=str(ROOT / "var" / "load"))
    parser.add_argument("--static-root", help="static files already collected")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = (
        args.database_url or f"postgis://postgres@127.0.0.1:{PORT}/{LOAD_DB}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pomoc.settings")
    os.environ["POMOC_LOG_LEVEL"] = "WARNING"
    ensure_database(os.environ["DATABASE_URL"].rsplit("/", 1)[1])
    import django

    django.setup()
    out = run_load(
        size=args.size,
        users=args.users,
        duration=args.duration,
        workers=args.workers,
        seed=args.seed,
        workdir=Path(args.workdir),
        note=os.environ.get("POMOC_BENCH_NOTE", ""),
        static_root=Path(args.static_root) if args.static_root else None,
    )
    Path(args.output).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({key: value for key, value in out.items() if key != "endpoints"}, indent=1))
    if args.readme:
        from bench.load import report

        report.README.write_text(report.readme_with_table(report.README.read_text(), out))


if __name__ == "__main__":
    main()
