"""The labelled comments the models learn from (data/triage/train_*.jsonl) and the second held-out set.

Every line follows LABELS.md, and no training comment is a near-copy of a comment in the evaluation set
(../shared/triage/dev.jsonl): the issue forbids training on it, copied or paraphrased."""

import json
from pathlib import Path

import pytest

from somedesk.triage.engine import derive_reply
from tests.shared import shared_path

DATA = Path(__file__).resolve().parents[2] / "data" / "triage"
REASONS = {"threat", "hate", "harassment", "shaming", "personal_data", "spam"}
ROUTES = {"none", "service_question", "light_case", "formal_inquiry", "political", "correction"}
SENTIMENTS = {"positive", "neutral", "negative"}
# character 3-5-gram TF-IDF cosine: paraphrases of one comment score above this; comments that merely
# share a topic ("hvor finner jeg skjemaet for ...") score below it
NEAR_COPY = 0.45


def read(paths):
    rows = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            rows += [(path.name, json.loads(line)) for line in handle if line.strip()]
    return rows


def nearest_similarity(texts: list[str], others: list[str]) -> list[tuple[float, int]]:
    """For each text, its highest cosine to any of `others` and which one that is."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(texts + others)
    sim = cosine_similarity(vec.transform(texts), vec.transform(others))
    return [(float(row.max()), int(row.argmax())) for row in sim]


TRAIN = sorted(DATA.glob("train_*.jsonl"))
HOLDOUT = sorted(DATA.glob("holdout_*.jsonl"))


@pytest.mark.parametrize("path", TRAIN + HOLDOUT, ids=lambda p: p.name)
def test_every_line_follows_labels_md(path):
    rows = read([path])
    assert len(rows) >= 100
    for name, r in rows:
        where = f"{name} {r.get('id')}"
        assert isinstance(r["id"], str) and isinstance(r["text"], str) and r["text"].strip(), where
        assert r["moderation"] in ("keep", "remove"), where
        if r["moderation"] == "remove":
            assert r["reason"] in REASONS and r["route"] == "none", where
        else:
            assert r["reason"] is None and r["route"] in ROUTES, where
        assert r["sentiment"] in SENTIMENTS, where
        assert r["reply"] == derive_reply(r["moderation"], r["route"], r["sentiment"]), where


def test_ids_are_unique_across_the_training_and_held_out_files():
    ids = [r["id"] for _, r in read(TRAIN + HOLDOUT)]
    assert len(ids) == len(set(ids))
    assert sum(1 for _ in read(TRAIN)) >= 1500  # the minimum


def test_no_training_or_held_out_comment_is_a_near_copy_of_another_across_sets():
    """A held-out comment that is a near-copy of a training comment would measure memory, not skill."""
    train = [r["text"] for _, r in read(TRAIN)]
    held = [r["text"] for _, r in read(HOLDOUT)]
    best = nearest_similarity(held, train)
    close = [(h, train[j]) for h, (s, j) in zip(held, best, strict=True) if s >= NEAR_COPY]
    assert not close, close[:5]


def test_no_training_comment_is_a_near_copy_of_a_dev_comment():
    with shared_path("triage", "dev.jsonl").open(encoding="utf-8") as handle:
        dev = [json.loads(line)["text"] for line in handle if line.strip()]
    train = [r for _, r in read(TRAIN)]
    best = nearest_similarity([r["text"] for r in train], dev)
    close = [r["id"] for r, (s, _) in zip(train, best, strict=True) if s >= NEAR_COPY]
    assert not close, f"training comments too close to dev comments: {close}"
