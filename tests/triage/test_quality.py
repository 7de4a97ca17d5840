"""The issue's quality bar on the held-out evaluation set (../shared/triage/dev.jsonl, never trained on).

A regression guard: a change to rules, policy or models that drops below the bar fails here."""

import json

from somedesk.triage.engine.evaluate import evaluate_rows
from tests.shared import shared_path


def test_the_shipped_triage_meets_the_quality_bar_on_the_dev_set():
    with shared_path("triage", "dev.jsonl").open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    summary = evaluate_rows(rows)["summary"]
    assert summary["removal_f1"] >= 0.92
    assert summary["reason_macro_f1"] >= 0.85
    assert summary["political_recall"] >= 0.93
    assert summary["route_macro_f1"] >= 0.85
    assert summary["sentiment_macro_f1"] >= 0.80
    ids = summary["identity_number"]
    assert ids["recall"] == 1.0 and ids["false_hits"] == 0
