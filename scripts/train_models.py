#!/usr/bin/env python
"""Train somedesk's triage models (``make models``). Deterministic: fixed seeds, sorted inputs.

Inputs (read-only, never shipped):
  data/triage/train_*.jsonl                 hand-labelled municipal comments (in the repo)
  $SHARED/datasets/norec_sentence/3class     NoReC_sentence (CC BY-NC 4.0): sentiment aux head
  $SHARED/datasets/dkhate_da                 DKHate (CC BY 4.0): offensive-language aux head (Danish proxy)
  $SHARED/datasets/norne/bio                 NorNE (CC0 annotations): person-name gazetteer (single tokens)
  $SHARED/datasets/ldnoobw_no/no             LDNOOBW Norwegian profanity list (CC BY 4.0)

Outputs: src/somedesk/triage/models_data/{vocab.txt,weights.npz,meta.json,names.txt,profanity_no.txt,metrics.json}

The evaluation set ../shared/triage/dev.jsonl is NOT read here. Model choices (C, removal threshold) are
made by 5-fold cross-validation on the training set only.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")  # one thread: faster here and reproducible

import argparse  # noqa: E402
import csv  # noqa: E402
import glob  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from somedesk.triage.engine.features import Resources, analyse, features  # noqa: E402
from somedesk.triage.engine.policy import REASONS, compile_policy  # noqa: E402

SEED = 20261126
OUT = ROOT / "src" / "somedesk" / "triage" / "models_data"
SHARED = Path(os.environ.get("SOMEDESK_SHARED", ROOT.parent / "shared"))
REMOVAL_CLASSES = ["keep", *REASONS]
SENT_CLASSES = ["negative", "neutral", "positive"]
NOREC_MAP = {"Negative": "negative", "Neutral": "neutral", "Positive": "positive"}


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


# ------------------------------------------------------------------------------------------------
def build_names(norne_dir: Path, stop: set[str]) -> list[str]:
    """Tokens that NorNE annotates as person names far more often than not (capitalised uses)."""
    per, cap = Counter(), Counter()
    for path in sorted(norne_dir.glob("*_train.bio")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip() or line.startswith("#"):
                    continue
                form, tag = line.rstrip("\n").split("\t")[:2]
                if not form[:1].isupper() or not form.isalpha():
                    continue
                key = form.lower()
                cap[key] += 1
                if tag.endswith("-PER"):
                    per[key] += 1
    names = [w for w, c in per.items() if c >= 2 and c / cap[w] >= 0.7 and len(w) >= 3 and w not in stop]
    return sorted(names)


def read_stopwords(path: Path) -> set[str]:
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        w = line.split("|")[0].strip()
        if w:
            out.add(w)
    return out


def read_jsonl(paths) -> list[dict]:
    rows = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    log(f"skipping unreadable line {p}:{n}")
    return rows


def read_dkhate(path: Path) -> list[tuple[str, int]]:
    out = []
    with open(path, encoding="utf-8") as f:
        r = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(r)
        for row in r:
            if len(row) < 3 or row[2] not in ("OFF", "NOT"):
                continue
            out.append((row[1], int(row[2] == "OFF")))
    return out


# ------------------------------------------------------------------------------------------------
class Vectoriser:
    def __init__(self, docs: list[Counter], min_df: int = 2, max_features: int = 120_000):
        df = Counter()
        for d in docs:
            df.update(d.keys())
        items = [(f, c) for f, c in df.items() if c >= min_df or f.startswith("f=")]
        items.sort(key=lambda x: (-x[1], x[0]))
        items = items[:max_features]
        feats = sorted(f for f, _ in items)
        self.vocab = {f: i for i, f in enumerate(feats)}
        n = len(docs)
        self.idf = np.array([np.log((1 + n) / (1 + df[f])) + 1.0 for f in feats], dtype=np.float64)

    def transform(self, docs: list[Counter]) -> sp.csr_matrix:
        """x_f = c_f * idf_f / sqrt(sum_f c_f * idf_f^2): the transform decide() computes token by token."""
        rows, cols, vals = [], [], []
        for i, d in enumerate(docs):
            idx, v, sq = [], [], 0.0
            for f, c in d.items():
                j = self.vocab.get(f)
                if j is not None:
                    idx.append(j)
                    v.append(c * self.idf[j])
                    sq += c * self.idf[j] ** 2
            nrm = np.sqrt(sq) or 1.0
            rows += [i] * len(idx)
            cols += idx
            vals += [x / nrm for x in v]
        return sp.csr_matrix((vals, (rows, cols)), shape=(len(docs), len(self.vocab)), dtype=np.float64)


def fit_lr(X, y, C, weights=None, class_weight="balanced"):
    m = LogisticRegression(
        C=C, max_iter=1000, class_weight=class_weight, random_state=SEED, solver="newton-cg"
    )
    m.fit(X, y, sample_weight=weights)
    return m


def macro_f1(y, p, labels=None):
    return float(f1_score(y, p, labels=labels, average="macro", zero_division=0))


# ------------------------------------------------------------------------------------------------
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument(
        "--train", nargs="*", default=sorted(glob.glob(str(ROOT / "data" / "triage" / "train_*.jsonl")))
    )
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--quick", action="store_true", help="skip the C grid (use defaults)")
    ap.add_argument(
        "--group-by-post",
        action="store_true",
        help="cross-validate on folds that keep each post's comments together, instead of random folds",
    )
    ap.add_argument(
        "--no-post-flags",
        dest="post_flags",
        action="store_false",
        help="train without the flags that relate a comment to its post (for comparison)",
    )
    args = ap.parse_args(argv)
    random.seed(SEED)
    np.random.seed(SEED)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()

    # --- resources -------------------------------------------------------------------------------
    stop = read_stopwords(SHARED / "datasets" / "snowball_stopwords_no" / "stop.txt")
    names = build_names(SHARED / "datasets" / "norne" / "bio", stop)
    (out / "names.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    prof = [
        w.strip()
        for w in (SHARED / "datasets" / "ldnoobw_no" / "no").read_text(encoding="utf-8").splitlines()
        if w.strip()
    ]
    (out / "profanity_no.txt").write_text("\n".join(prof) + "\n", encoding="utf-8")
    res = Resources(frozenset(names), tuple(prof))
    tp = compile_policy()
    log(f"{len(names)} names, {len(prof)} profanity entries")

    # --- data --------------------------------------------------------------------------------------
    rows = read_jsonl(args.train)
    rows = [r for r in rows if isinstance(r.get("text"), str)]
    rows.sort(key=lambda r: str(r.get("id")))
    for r in rows:
        assert r["moderation"] in ("keep", "remove"), r
    log(f"{len(rows)} municipal training comments from {len(args.train)} files")
    norec = {
        s: json.load(open(SHARED / "datasets" / "norec_sentence" / "3class" / f"{s}.json", encoding="utf-8"))
        for s in ("train", "dev", "test")
    }
    dk = read_dkhate(SHARED / "datasets" / "dkhate_da" / "offenseval-da-training-v1.tsv")

    def feats_of(texts, posts=None):
        posts = posts or [None] * len(texts)
        return [features(analyse(t, tp, res, post=p)) for t, p in zip(texts, posts, strict=True)]

    F_mun = feats_of([r["text"] for r in rows], [r.get("post") if args.post_flags else None for r in rows])
    F_nr = feats_of([d["text"] for d in norec["train"]])
    F_nr_test = feats_of([d["text"] for d in norec["test"]])
    F_nr_dev = feats_of([d["text"] for d in norec["dev"]])
    F_dk = feats_of([t for t, _ in dk])
    log(f"features done ({time.time() - t0:.1f}s)")

    # vocabulary: municipal features weigh most; public data add what they share with it
    vec = Vectoriser(F_mun + F_mun + F_nr + F_dk, min_df=3)
    X_mun, X_nr, X_dk = vec.transform(F_mun), vec.transform(F_nr), vec.transform(F_dk)
    X_nr_test, X_nr_dev = vec.transform(F_nr_test), vec.transform(F_nr_dev)
    log(f"vocabulary {len(vec.vocab)} features")
    metrics: dict = {
        "train_size": len(rows),
        "vocabulary": len(vec.vocab),
        "seed": SEED,
        "post_flags": args.post_flags,
        "cv_folds": "grouped by post" if args.group_by_post else "random",
    }

    # --- aux heads --------------------------------------------------------------------------------
    y_dk = np.array([y for _, y in dk])
    aux_off = fit_lr(X_dk, y_dk, C=4.0)
    y_nr = np.array([NOREC_MAP[d["label"]] for d in norec["train"]])
    y_nr_test = np.array([NOREC_MAP[d["label"]] for d in norec["test"]])
    y_nr_dev = np.array([NOREC_MAP[d["label"]] for d in norec["dev"]])
    best = None
    for C in [2.0, 4.0, 8.0] if not args.quick else [4.0]:
        m = fit_lr(X_nr, y_nr, C=C)
        f = macro_f1(y_nr_dev, m.predict(X_nr_dev))
        if best is None or f > best[0]:
            best = (f, C, m)
    aux_sent = best[2]
    metrics["norec_aux"] = {
        "C": best[1],
        "dev_macro_f1": round(best[0], 4),
        "test_macro_f1": round(macro_f1(y_nr_test, aux_sent.predict(X_nr_test)), 4),
        "test_accuracy": round(float((aux_sent.predict(X_nr_test) == y_nr_test).mean()), 4),
    }
    log("NoReC aux", metrics["norec_aux"])

    def aux_feats(X):
        p_off = aux_off.predict_proba(X)[:, 1:2]
        p_sent = aux_sent.predict_proba(X)  # classes sorted: negative, neutral, positive
        return np.hstack([p_off, p_sent])

    Z_mun = aux_feats(X_mun)
    XZ = sp.hstack([X_mun, sp.csr_matrix(Z_mun)]).tocsr()

    y_rem = np.array([r["reason"] if r["moderation"] == "remove" else "keep" for r in rows])
    y_route = np.array([r["route"] for r in rows])
    y_sent = np.array([r["sentiment"] for r in rows])
    keep_mask = y_rem == "keep"

    if args.group_by_post:
        # every comment on a post falls in the same fold: the choices below are then made for posts (and
        # topics) the model has not seen, as in another municipality, not for the training set's own posts
        groups = [r.get("post") or f"no post {r.get('id')}" for r in rows]
        skf = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=SEED)
        folds = list(skf.split(np.zeros(len(rows)), y_rem, groups))
    else:
        skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
        folds = list(skf.split(np.zeros(len(rows)), y_rem))

    def cv_probs(X, y, C, mask=None, extra=None):
        """Out-of-fold probabilities (rows outside mask get none)."""
        classes = sorted(set(y[mask] if mask is not None else y))
        P = np.zeros((len(y), len(classes)))
        for tr, te in folds:
            trm = tr if mask is None else tr[mask[tr]]
            Xtr, ytr, w = X[trm], y[trm], None
            if extra is not None:
                Xe, ye, we = extra
                Xtr = sp.vstack([Xtr, Xe]).tocsr()
                ytr = np.concatenate([ytr, ye])
                w = np.concatenate([np.ones(len(trm)), we])
            m = fit_lr(Xtr, ytr, C, weights=w)
            P[te] = m.predict_proba(X[te])
        return classes, P

    grid = [4.0, 8.0, 20.0, 50.0] if not args.quick else [20.0]
    grid_rem = [50.0, 150.0] if not args.quick else [50.0]
    # removal head: with or without the aux inputs, C and the keep threshold, by out-of-fold
    # removal F1 + reason macro-F1 over all comments (a kept comment is a miss or a false alarm, as in
    # `somedesk evaluate`)
    XZ0 = sp.hstack([X_mun, sp.csr_matrix(np.zeros_like(Z_mun))]).tocsr()
    best = None
    for use_aux in (True, False):
        for C in grid_rem:
            classes, P = cv_probs(XZ if use_aux else XZ0, y_rem, C)
            ki = classes.index("keep")
            for t in np.arange(0.30, 0.86, 0.05):
                rem_pred = P[:, ki] < t
                P2 = P.copy()
                P2[:, ki] = -1
                reason_pred = np.where(rem_pred, np.array(classes)[P2.argmax(1)], "keep")
                f_rem = f1_score(y_rem != "keep", rem_pred, zero_division=0)
                f_reason = macro_f1(y_rem, reason_pred, labels=list(REASONS))
                score = f_rem + f_reason
                if best is None or score > best[0]:
                    best = (score, C, float(t), f_rem, f_reason, use_aux)
    C_rem, t_rem, rem_aux = best[1], best[2], best[5]
    metrics["cv_removal"] = {
        "C": C_rem,
        "keep_threshold": round(t_rem, 2),
        "aux_inputs": rem_aux,
        "removal_f1": round(best[3], 4),
        "reason_macro_f1": round(best[4], 4),
    }
    log("removal", metrics["cv_removal"])

    # route head (kept comments only)
    best = None
    for use_aux in (True, False):
        for C in grid:
            classes, P = cv_probs(XZ if use_aux else XZ0, y_route, C, mask=keep_mask)
            pred = np.array(classes)[P.argmax(1)]
            f = macro_f1(y_route[keep_mask], pred[keep_mask])
            if best is None or f > best[0]:
                best = (f, C, classes, P, use_aux)
    C_route, route_aux = best[1], best[4]
    # Per-class log-prior biases on the out-of-fold predictions (coordinate ascent), for macro-F1 and for
    # the recall of `political`: political inquiries must always reach the political level.
    classes, P = best[2], best[3]
    yk = y_route[keep_mask]
    Lk = np.log(P[keep_mask] + 1e-12)

    def route_score(bias):
        pred = np.array(classes)[(Lk + bias).argmax(1)]
        f = macro_f1(yk, pred)
        rec = float(((pred == "political") & (yk == "political")).sum() / max(1, (yk == "political").sum()))
        return f + 0.25 * rec, f, rec

    bias = np.zeros(len(classes))
    cur = route_score(bias)
    for _round in range(3):
        for ci in range(len(classes)):
            for b in (-1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0, 1.5):
                trial = bias.copy()
                trial[ci] = b
                sc = route_score(trial)
                if sc[0] > cur[0] + 1e-4:
                    bias, cur = trial, sc
    route_bias = {c: float(b) for c, b in zip(classes, bias, strict=True) if b}
    bias_best = (cur[0], route_bias, cur[1], cur[2])
    metrics["cv_route"] = {
        "C": C_route,
        "aux_inputs": route_aux,
        "macro_f1_on_kept": round(best[0], 4),
        "class_bias": bias_best[1],
        "macro_f1_with_bias": round(bias_best[2], 4),
        "political_recall_with_bias": round(bias_best[3], 4),
    }
    log("route", metrics["cv_route"])

    # sentiment head: municipal comments, optionally plus NoReC sentences at a low weight
    XZ_nr = sp.hstack([X_nr, sp.csr_matrix(aux_feats(X_nr))]).tocsr()
    XZ0_nr = sp.hstack([X_nr, sp.csr_matrix(np.zeros((X_nr.shape[0], Z_mun.shape[1])))]).tocsr()
    best = None
    for use_aux in (True, False):
        for C in grid:
            for w_nr in [0.0, 0.1] if not args.quick else [0.0]:
                extra = None if w_nr == 0 else (XZ_nr if use_aux else XZ0_nr, y_nr, np.full(len(y_nr), w_nr))
                classes, P = cv_probs(XZ if use_aux else XZ0, y_sent, C, extra=extra)
                f = macro_f1(y_sent, np.array(classes)[P.argmax(1)])
                if best is None or f > best[0]:
                    best = (f, C, w_nr, use_aux)
    C_sent, w_nr, sent_aux = best[1], best[2], best[3]
    metrics["cv_sentiment"] = {
        "C": C_sent,
        "aux_inputs": sent_aux,
        "norec_weight": w_nr,
        "macro_f1": round(best[0], 4),
    }
    log("sentiment", metrics["cv_sentiment"])

    # --- final fits ----------------------------------------------------------------------------------
    m_rem = fit_lr(XZ if rem_aux else XZ0, y_rem, C_rem)
    m_route = fit_lr((XZ if route_aux else XZ0)[keep_mask], y_route[keep_mask], C_route)
    XS, XS_nr = (XZ, XZ_nr) if sent_aux else (XZ0, XZ0_nr)
    if w_nr:
        m_sent = fit_lr(
            sp.vstack([XS, XS_nr]).tocsr(),
            np.concatenate([y_sent, y_nr]),
            C_sent,
            weights=np.concatenate([np.ones(len(y_sent)), np.full(len(y_nr), w_nr)]),
        )
    else:
        m_sent = fit_lr(XS, y_sent, C_sent)
    # the shipped sentiment head on NoReC test (for reference beside the published baseline)
    XZ_nr_test = sp.hstack([X_nr_test, sp.csr_matrix(aux_feats(X_nr_test))]).tocsr()
    metrics["norec_shipped_sentiment_head_test_macro_f1"] = round(
        macro_f1(y_nr_test, m_sent.predict(XZ_nr_test)), 4
    )

    nf = len(vec.vocab)
    cols, heads, aux, V_blocks, b = [], [], [], [], []

    def add(name, model, is_aux):
        classes = list(model.classes_)
        coef = model.coef_
        icpt = model.intercept_
        if len(classes) == 2 and coef.shape[0] == 1:
            if is_aux:  # one logit column
                start = sum(c.shape[1] for c in cols)
                cols.append(coef[:, :nf].T)
                b.extend(icpt.tolist())
                aux.append(
                    {
                        "name": name,
                        "classes": [str(c) for c in classes],
                        "start": int(start),
                        "end": int(start + 1),
                    }
                )
                return
            coef = np.vstack([-coef / 2, coef / 2])
            icpt = np.array([-icpt[0] / 2, icpt[0] / 2])
        start = sum(c.shape[1] for c in cols)
        cols.append(coef[:, :nf].T)
        b.extend(icpt.tolist())
        entry = {
            "name": name,
            "classes": [str(c) for c in classes],
            "start": int(start),
            "end": int(start + len(classes)),
        }
        if is_aux:
            aux.append(entry)
        else:
            heads.append(entry)
            V_blocks.append(coef[:, nf:].T)

    add("offensive", aux_off, True)
    add("norec_sentiment", aux_sent, True)
    aux_end = sum(c.shape[1] for c in cols)
    add("removal", m_rem, False)
    add("route", m_route, False)
    add("sentiment", m_sent, False)
    W = np.hstack(cols)
    V = np.hstack(V_blocks)
    # drop features that no head uses (all weights tiny) to keep the files small
    keep_rows = np.abs(W).max(axis=1) > 1e-3
    feats_sorted = sorted(vec.vocab, key=vec.vocab.get)
    kept = [f for f, k in zip(feats_sorted, keep_rows, strict=True) if k]
    W = W[keep_rows]
    idf = vec.idf[keep_rows]
    (out / "vocab.txt").write_text("\n".join(kept) + "\n", encoding="utf-8")
    # Stored pre-multiplied by idf (what decide() sums) and uncompressed, so loading is one read.
    np.savez(
        out / "weights.npz",
        idfW=(W * idf[:, None]).astype(np.float32),
        b=np.asarray(b, dtype=np.float32),
        V=V.astype(np.float32),
        idf=idf.astype(np.float32),
    )
    digest = hashlib.sha256(
        (out / "weights.npz").read_bytes() + (out / "vocab.txt").read_bytes()
    ).hexdigest()[:12]
    meta = {
        "version": f"triage-{time.strftime('%Y%m%d', time.gmtime(0))}-{digest}",
        "heads": heads,
        "aux": aux,
        "aux_end": int(aux_end),
        "thresholds": {"keep": t_rem, "route_bias": route_bias},
        "features": len(kept),
        "trained_on": [os.path.relpath(p, ROOT) for p in args.train],
    }
    meta["version"] = f"triage-{digest}"
    (out / "meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    metrics["model_version"] = meta["version"]
    metrics["features_shipped"] = len(kept)
    metrics["size_bytes"] = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    (out / "metrics.json").write_text(
        json.dumps(metrics, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    log(
        f"wrote {out} ({metrics['size_bytes'] / 1e6:.2f} MB, {len(kept)} features) in {time.time() - t0:.0f}s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
