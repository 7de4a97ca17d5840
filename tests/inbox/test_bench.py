"""The inbox benchmarks still run and end with one JSON object (tiny sizes; the figures are in
docs/performance.md)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_bench(*args) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.pop("SOMEDESK_TESTING", None)
    done = subprocess.run(
        [sys.executable, *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_the_import_benchmark_compares_with_plain_sqlite():
    result = run_bench(ROOT / "bench" / "ingest.py", "--comments", "3000", "--without-receivers")
    assert result["comments"] == 3000 and result["comments_per_s"] > 0 and result["raw_per_s"] > 0
    assert result["ratio"] == pytest.approx(result["comments_per_s"] / result["raw_per_s"], rel=0.01)


@pytest.mark.slow
def test_the_inbox_benchmark_times_four_pages():
    result = run_bench(ROOT / "bench" / "inbox.py", "--comments", "5000", "--repeat", "3")
    assert {"list", "filtered", "deep_page", "search"} <= set(result)
    assert all(
        result[page]["p95_ms"] >= result[page]["p50_ms"] > 0
        for page in ("list", "filtered", "deep_page", "search")
    )
