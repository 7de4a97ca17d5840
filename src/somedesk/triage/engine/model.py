"""The trained linear models, stored small and read fast.

All heads share one vocabulary and one weight matrix, so a comment costs one sparse row times one dense
block, whatever the number of heads. Files in ``somedesk/triage/models_data/``:

* ``vocab.txt``   one feature per line (line number = row of the weight matrix)
* ``weights.npz`` ``W`` (features x columns, float16), ``b`` (columns), ``idf``, ``V`` (aux x head columns)
* ``meta.json``   column layout, classes, thresholds, versions
* ``names.txt``   person-name gazetteer (single tokens from NorNE person annotations, CC0)
* ``profanity_no.txt``  LDNOOBW Norwegian list (CC BY 4.0, see NOTICE)

Aux heads (DKHate offensive, NoReC sentiment) are computed first; their probabilities are inputs to the
triage heads (``V``), which is how the public data sets help without being shipped.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .features import Resources, features, model_tokens, tfidf, token_features

DATA_DIR = Path(__file__).resolve().parent.parent / "models_data"


@dataclass
class Head:
    name: str
    classes: list[str]
    start: int
    end: int


class Models:
    def __init__(self, directory: Path | str = DATA_DIR):
        d = Path(directory)
        self.dir = d
        self.meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
        vocab_lines = (d / "vocab.txt").read_text(encoding="utf-8").split("\n")
        self.vocab = {f: i for i, f in enumerate(vocab_lines) if f}
        with np.load(d / "weights.npz") as z:
            self.W = z["W"].astype(np.float32)
            self.b = z["b"].astype(np.float32)
            self.V = z["V"].astype(np.float32)
            idf = z["idf"].astype(np.float64)
        self.idf = idf.tolist()
        self.idf_np = idf
        self.idf32 = idf.astype(np.float32)
        self._tok_cache: dict[str, list[int]] = {}
        self.heads = {h["name"]: Head(h["name"], h["classes"], h["start"], h["end"]) for h in self.meta["heads"]}
        self.aux_end = self.meta["aux_end"]
        self.thresholds = self.meta.get("thresholds", {})
        self.version = self.meta.get("version") or _digest(d / "weights.npz")
        names = (d / "names.txt").read_text(encoding="utf-8").split() if (d / "names.txt").exists() else []
        prof = [w.strip() for w in (d / "profanity_no.txt").read_text(encoding="utf-8").splitlines()
                if w.strip()] if (d / "profanity_no.txt").exists() else []
        self.resources = Resources(frozenset(names), tuple(prof))
        # reverse vocabulary for evidence (word features only)
        self.word_feature = {i: f[2:] for f, i in self.vocab.items()
                             if f.startswith("w=") and f[2:].isalpha() and len(f) > 4 and f[2:] not in _MASK_WORDS}
        self.is_word = np.zeros(len(self.W), dtype=bool)
        self.is_word[list(self.word_feature)] = True

    def vectorise(self, a) -> tuple[np.ndarray, np.ndarray]:
        """Fast path of features() + tfidf(): token features are looked up once per distinct token."""
        vocab = self.vocab
        cache = self._tok_cache
        ids: set[int] = set()
        prev = "<s>"
        for tok in model_tokens(a):
            c = cache.get(tok)
            if c is None:
                c = [j for j in (vocab.get(f) for f in token_features(tok)) if j is not None]
                if len(cache) > 300_000:
                    cache.clear()
                cache[tok] = c
            ids.update(c)
            j = vocab.get("b=" + prev + "_" + tok)
            if j is not None:
                ids.add(j)
            prev = tok
        for fl in a.flags:
            j = vocab.get("f=" + fl)
            if j is not None:
                ids.add(j)
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        idx = np.fromiter(ids, dtype=np.int64, count=len(ids))
        vals = self.idf32[idx]
        vals /= np.sqrt(np.dot(vals, vals))
        return idx, vals

    def scores_for(self, a):
        idx, v = self.vectorise(a)
        return self._scores(idx, v)

    def scores(self, feats):
        """Slow reference path (training code path): features() -> tfidf() -> scores."""
        idx, vals = tfidf(feats, self.vocab, self.idf)
        return self._scores(np.asarray(idx, dtype=np.int64), np.asarray(vals, dtype=np.float32))

    def _scores(self, idx: np.ndarray, v: np.ndarray):
        s = v @ self.W[idx] + self.b if len(idx) else self.b.copy()
        aux = self._aux_probs(s)
        s[self.aux_end:] += aux @ self.V
        sl = s.tolist()
        probs = {}
        for name, h in self.heads.items():
            seg = sl[h.start:h.end]
            m = max(seg)
            e = [math.exp(x - m) for x in seg]
            tot = sum(e)
            probs[name] = [x / tot for x in e]
        return probs, idx, v

    def _aux_probs(self, s: np.ndarray) -> np.ndarray:
        out = []
        sl = s[: self.aux_end].tolist()
        for h in self.meta["aux"]:
            seg = sl[h["start"]:h["end"]]
            if len(seg) == 1:
                out.append(1.0 / (1.0 + math.exp(-seg[0])))
            else:
                m = max(seg)
                e = [math.exp(x - m) for x in seg]
                tot = sum(e)
                out.extend(x / tot for x in e)
        return np.asarray(out, dtype=np.float32)

    def predict(self, analysis):
        return self.scores_for(analysis)

    def evidence(self, head: str, cls: str, idx: list[int], vals: np.ndarray, k: int = 3) -> list[str]:
        """The word features that pushed ``head`` most towards ``cls``."""
        h = self.heads[head]
        if not len(idx):
            return []
        c = h.start + h.classes.index(cls)
        mask = self.is_word[idx]
        widx = idx[mask]
        if not len(widx):
            return []
        contrib = vals[mask] * self.W[widx, c]
        order = np.argsort(-contrib)[:k].tolist()
        cl = contrib.tolist()
        wl = widx.tolist()
        return [self.word_feature[wl[o]] for o in order if cl[o] > 0]


_MASK_WORDS = {"fnrnummer", "telefonnummer", "epostadresse", "lenke", "personnavn", "politikernavn", "svindellenke",
               "offisiell"}


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
