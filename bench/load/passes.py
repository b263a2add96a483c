"""Full matching passes back to back, in their own process, while the load test runs.

    DATABASE_URL=... .venv/bin/python bench/load/passes.py --output var/load/passes.json

SIGTERM asks it to stop after the pass under way (a pass is safe to interrupt, but the load
test wants whole passes counted). Writes after each pass how many ran, how long each took and
what they did.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pomoc.settings")
    import django

    django.setup()
    from django.db import close_old_connections

    from matching import engine

    stopping = False

    def stop(_signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    runs: list[dict] = []
    output = Path(args.output)
    while not stopping:
        # As django-q2 does before each task: a connection PostgreSQL dropped is replaced.
        close_old_connections()
        started = time.perf_counter()
        try:
            result = engine.full_pass()
        except Exception as error:  # counted and reported, the loop goes on like the schedule
            runs.append({"error": repr(error), "seconds": round(time.perf_counter() - started, 3)})
        else:
            runs.append(
                {
                    "seconds": round(time.perf_counter() - started, 3),
                    "skipped": result.skipped,
                    "proposed": result.proposed,
                    "withdrawn": result.withdrawn,
                    "candidates": result.candidates,
                }
            )
        output.write_text(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
