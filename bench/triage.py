#!/usr/bin/env python
"""Benchmark of the triage engine on one core: decides N comments one by one (default 50,000).

Comments are built from the repository's training set (texts recombined with a fixed seed so that most
are unseen strings) plus a share of hard inputs (long, HTML, zero-width, emoji-only, numbers). The dev
set is not used. Prints progress, then as the last line one JSON object:
{"comments_per_s": ..., "p50_ms": ..., "p99_ms": ..., "load_s": ..., ...}

Baseline in the same run (``--baseline N``, default 5,000 of the same comments): the issue's reference
model, a character 2-5-gram TF-IDF + logistic regression (scikit-learn) fitted on the training set's
moderation labels, deciding one comment at a time on the same core. It answers one question (keep or
remove) where somedesk answers five with reasons, and it is measured here so that figures from machines
of different speed can be compared: ``speedup_vs_baseline``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import sys
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")  # before numpy is imported (by the engine, in main)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def training_rows() -> list[dict]:
    rows = []
    for p in sorted(glob.glob(str(ROOT / "data" / "triage" / "train_*.jsonl"))):
        with open(p, encoding="utf-8") as f:
            rows += [json.loads(line) for line in f if line.strip()]
    return rows


def baseline_rate(texts: list[str]) -> float:
    """Comments per second of the char n-gram TF-IDF + logistic regression, one comment per call."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    rows = training_rows()
    model = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
        LogisticRegression(max_iter=1000),
    )
    model.fit([r["text"] for r in rows], [r["moderation"] for r in rows])
    for t in texts[:200]:  # warm-up
        model.predict_proba([t])
    start = time.perf_counter()
    for t in texts:
        model.predict_proba([t])
    return len(texts) / (time.perf_counter() - start)


def corpus_with_posts(n: int, seed: int) -> tuple[list[str], list[str | None]]:
    """The comments, and the post each answers (a stitched comment answers the post of its first half)."""
    rng = random.Random(seed)
    texts, posts = [], []
    for p in sorted(glob.glob(str(ROOT / "data" / "triage" / "train_*.jsonl"))):
        with open(p, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
        texts += [r["text"] for r in rows]
        posts += [r.get("post") for r in rows]
    if not texts:
        texts = [
            "Når åpner biblioteket på lørdager?",
            "Takk for flott innsats!",
            "Søppeldunken ble ikke tømt.",
        ]
        posts = [None] * len(texts)
    words = " ".join(texts).split()
    hard = [
        "",
        "😡😡😡👎",
        "\u200bH\u200ce\u200di kommune",
        "<b>Hei</b> &amp; <a href='http://bit.ly/x'>klikk</a>",
        "\u202eenummok\u202c שלום",
        "Ring 22 33 44 55 eller 912 34 567",
        "Kontonummer 1234.56.78903",
        ("Dette er en lang klage om veien. " * 400),
    ]
    out, out_posts = [], []
    for _ in range(n):  # randrange(len) draws exactly as choice() did, so the texts are the same as before
        r = rng.random()
        if r < 0.02:
            out.append(rng.choice(hard))
            out_posts.append(None)
        elif r < 0.60:
            i = rng.randrange(len(texts))
            out.append(texts[i])
            out_posts.append(posts[i])
        else:
            # a new comment stitched from two real ones plus random words (unseen string, realistic tokens)
            i, j = rng.randrange(len(texts)), rng.randrange(len(texts))
            a, b = texts[i], texts[j]
            extra = " ".join(rng.choice(words) for _ in range(rng.randint(0, 6)))
            out.append(f"{a[: len(a) // 2]} {extra} {b[len(b) // 2 :]}")
            out_posts.append(posts[i])
    return out, out_posts


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--comments", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--posts",
        action="store_true",
        help="pass each comment's post, as the desk does (adds the post flags); default: text only",
    )
    ap.add_argument("--baseline", type=int, default=5_000, help="comments for the baseline (0: skip it)")
    args = ap.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    except (AttributeError, OSError):
        pass
    texts, posts = corpus_with_posts(args.comments, args.seed)
    if not args.posts:
        posts = [None] * len(texts)

    t0 = time.perf_counter()
    from somedesk.triage.engine import decide, get_engine

    engine = get_engine()
    load_s = time.perf_counter() - t0
    print(
        f"loaded model {engine.models.version} and policy {engine.policy.version} in {load_s:.3f}s",
        flush=True,
    )

    lat = []
    counts: dict[str, int] = {}
    cpu0 = time.process_time()
    start = time.perf_counter()
    pc = time.perf_counter
    for i, (t, post) in enumerate(zip(texts, posts, strict=True)):
        a = pc()
        d = decide(t, post=post, engine=engine)
        lat.append(pc() - a)
        counts[d["moderation"]] = counts.get(d["moderation"], 0) + 1
        if (i + 1) % 10_000 == 0:
            print(f"{i + 1} decided, {(i + 1) / (pc() - start):.0f}/s", flush=True)
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    lat.sort()
    base = baseline_rate(texts[: args.baseline]) if args.baseline else None
    if base:
        print(f"baseline (char n-gram TF-IDF + logistic regression, one question): {base:.0f} comments/s")

    def q(p):
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000

    result = {
        "comments": len(texts),
        "with_posts": args.posts,
        "comments_per_s": round(len(texts) / total, 1),
        "p50_ms": round(q(0.50), 3),
        "p99_ms": round(q(0.99), 3),
        "max_ms": round(lat[-1] * 1000, 2),
        "load_s": round(load_s, 3),
        "removed_share": round(counts.get("remove", 0) / len(texts), 3),
        "loadavg_1m": round(os.getloadavg()[0], 2),
        # comments per CPU-second of this process: the figure without other processes' time on the core
        "cpu_comments_per_s": round(len(texts) / cpu, 1),
        "baseline_comments_per_s": round(base, 1) if base else None,
        "speedup_vs_baseline": round(len(texts) / total / base, 2) if base else None,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
