"""The load test's machinery works end to end (a few users for a few seconds on a little data,
against the test database), and the README's load table is the one of the committed results."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bench.load import report
from bench.load.run import API_SEARCH, TRIVIAL
from tests import live


@pytest.mark.django_db
def test_a_short_load_run_serves_searches_and_posts_and_loses_nothing(tmp_path):
    # The run in its own process and its own database, as `make load` runs it (emptying the
    # test database would take the migrations' data from the tests after this one).
    database = live.database_url().rsplit("/", 1)[0] + "/pomoc_load_test"
    output = tmp_path / "load.json"
    subprocess.run(
        [sys.executable, "bench/load/run.py", "--size", "300", "--users", "6",
         "--duration", "10", "--workers", "2", "--database-url", database,
         "--workdir", str(tmp_path), "--static-root", str(live.static_root()),
         "--output", str(output)],
        cwd=live.ROOT,
        # With the cache production uses (a database table), not the suite's per-process one:
        # a missing cache table once made every throttled API request a 500 under `make load`.
        env={key: value for key, value in os.environ.items() if key != "POMOC_CACHE"},
        check=True,
        capture_output=True,
    )  # fmt: skip
    results = json.loads(output.read_text())

    assert results["requests"] > 0
    assert results["server_errors"] == 0 and results["throttled"] == 0
    # Signed-in users posted, and every post they were told was created is there.
    assert results["writes_confirmed"] > 0
    assert results["lost_writes"] == 0 and results["lost_status_changes"] == 0
    assert results["duplicate_pairs"] == 0 and results["overbooked_offers"] == 0
    for name in (API_SEARCH, TRIVIAL):
        stats = results["endpoints"][name]
        assert stats["requests"] > 0 and stats["p95_ms"] >= stats["p50_ms"] > 0
        assert stats["status_codes"].keys() == {"200"}
    assert results["search_vs_trivial_ratio"] > 0
    assert results["full_passes"]["completed"] >= 1 and results["full_passes"]["errors"] == 0
    # The README's table can be made from it.
    assert "| requests |" in report.table(results)


def test_the_readme_load_table_is_the_one_of_the_committed_results():
    results = json.loads(report.RESULTS.read_text())
    readme = report.README.read_text()
    assert report.START in readme and report.END in readme
    assert report.readme_with_table(readme, results) == readme
