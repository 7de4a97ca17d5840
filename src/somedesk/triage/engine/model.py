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

from .features import Resources, model_tokens, pair_features, tfidf, token_features

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
        if vocab_lines and vocab_lines[-1] == "":
            vocab_lines.pop()
        self.vocab = dict(zip(vocab_lines, range(len(vocab_lines)), strict=True))
        with np.load(d / "weights.npz") as z:
            if "idfW" in z.files:
                self.idfW = z["idfW"]
            else:  # older layout: W and idf separately
                self.idfW = z["W"].astype(np.float32) * z["idf"].astype(np.float32)[:, None]
            self.b = z["b"].astype(np.float32)
            self.V = z["V"].astype(np.float32)
            self.idf32 = z["idf"].astype(np.float32)
        self._tok_cache: dict[str, tuple] = {}
        self._pair_cache: dict[str, tuple] = {}
        self._cross_cache: dict[str, list[int]] = {}
        self._rows: np.ndarray | None = None
        self._next_row = 1
        self.heads = {
            h["name"]: Head(h["name"], h["classes"], h["start"], h["end"]) for h in self.meta["heads"]
        }
        self.aux_end = self.meta["aux_end"]
        self._uses_aux = bool(np.any(self.V))
        self._head_list = list(self.heads.items())
        self.thresholds = self.meta.get("thresholds", {})
        self.version = self.meta.get("version") or _digest(d / "weights.npz")
        names = (d / "names.txt").read_text(encoding="utf-8").split() if (d / "names.txt").exists() else []
        prof = (
            [
                w.strip()
                for w in (d / "profanity_no.txt").read_text(encoding="utf-8").splitlines()
                if w.strip()
            ]
            if (d / "profanity_no.txt").exists()
            else []
        )
        self.resources = Resources(frozenset(names), tuple(prof))
        # reverse vocabulary for evidence (word features only)
        # vocab.txt is sorted, so the word features ("w=...") are one contiguous block
        import bisect

        lo = bisect.bisect_left(vocab_lines, "w=")
        hi = bisect.bisect_left(vocab_lines, "w>")
        self.word_feature = {
            i: vocab_lines[i][2:]
            for i in range(lo, hi)
            if len(vocab_lines[i]) > 4
            and vocab_lines[i][2:].isalpha()
            and vocab_lines[i][2:] not in _MASK_WORDS
        }
        self.idf2 = self.idf32 * self.idf32
        self._idf2_list = self.idf2.tolist()
        self._zero = np.zeros(self.idfW.shape[1], dtype=np.float32)
        # row buffer of cached token / token-pair contributions (row 0 = nothing); ~20 MB
        self._rows = np.zeros((self._CACHE_ROWS, self.idfW.shape[1]), dtype=np.float32)

    _CACHE_ROWS = 262_144

    def _cache_row(self, ids: list[int]) -> tuple[int, float]:
        """Store the summed idf-weighted rows of ``ids`` in the row buffer; returns (row, sum of idf^2)."""
        if not ids:
            return 0, 0.0  # row 0 stays all zeros
        if self._next_row >= self._CACHE_ROWS:
            return -1, 0.0  # full: the caller keeps the ids; the cache is reset before the next comment
        r = self._next_row
        self._next_row += 1
        self._rows[r] = self.idfW[ids].sum(axis=0)
        return r, float(self.idf2[ids].sum())

    def _reset_cache(self) -> None:
        self._pair_cache.clear()
        self._next_row = 1

    def _pair_entry(self, prev: str, tok: str, key: str) -> tuple:
        """A new (previous token, token) pair: its feature ids, not yet summed into a cached row.

        The row is made when the pair is seen a second time (see scores_for), so one-off pairs cost a
        list of ids and nothing else.
        """
        vocab = self.vocab
        t = self._tok_cache.get(tok)
        if t is None:
            ids = [j for j in (vocab.get(f) for f in token_features(tok)) if j is not None]
            wid = vocab.get("w=" + tok, -1)
            t = (ids, wid if wid in self.word_feature else -1)
            if len(self._tok_cache) > 200_000:
                self._tok_cache.clear()
            self._tok_cache[tok] = t
        ids = t[0] + self._pair_ids(prev, tok)
        idf2 = self._idf2_list
        e = (-1, sum([idf2[j] for j in ids]), t[1], ids)
        self._pair_cache[key] = e
        return e

    def _pair_ids(self, prev: str, tok: str) -> list[int]:
        """Feature ids of pair_features(prev, tok), in the same order: the bigram, then the character
        n-grams across the gap. Those depend only on the last four characters of `prev` and the first
        four of `tok`, so they are cached on that key, which repeats far more often than the pair."""
        vocab = self.vocab
        bigram = vocab.get("b=" + prev + "_" + tok)
        head = [bigram] if bigram is not None else []
        if prev == "<s>":
            return head
        key = prev[-4:] + "\x00" + tok[:4]
        cross = self._cross_cache.get(key)
        if cross is None:
            cross = [j for j in (vocab.get(f) for f in pair_features(prev, tok)[1:]) if j is not None]
            if len(self._cross_cache) > 200_000:
                self._cross_cache.clear()
            self._cross_cache[key] = cross
        return head + cross

    def _promote(self, key: str, e: tuple) -> tuple:
        r, q = self._cache_row(e[3])
        if r < 0:
            return e
        e = (r, q, e[2], None)
        self._pair_cache[key] = e
        return e

    def scores_for(self, a):
        """Scores of one analysed comment.

        Exactly the training transform x_f = c_f * idf_f / sqrt(sum_f c_f * idf_f^2), computed as a sum of
        per-token and per-token-pair contributions that are cached (as rows of one buffer), so a known
        word costs a dictionary look-up and the whole comment one gather-and-sum.
        """
        if self._next_row >= self._CACHE_ROWS:
            self._reset_cache()
        vocab = self.vocab
        pairs = self._pair_cache
        toks = model_tokens(a)
        prevs = ["<s>", *toks[:-1]] if toks else []
        keys = [p + "\x00" + t for p, t in zip(prevs, toks, strict=True)]
        entries = list(map(pairs.get, keys))
        extra: list[int] = []
        if None in entries or any(e[0] < 0 for e in entries if e is not None):
            fixed = []
            for e, p, t, k in zip(entries, prevs, toks, keys, strict=True):
                if e is None:
                    e = self._pair_entry(p, t, k)
                    extra += e[3]
                elif e[0] < 0:
                    e = self._promote(k, e)  # seen before: worth a cached row
                    if e[0] < 0:
                        extra += e[3]
                fixed.append(e)
            entries = fixed
        rows = [e[0] for e in entries if e[0] > 0]
        sq = sum([e[1] for e in entries])
        words = [(e[2], t) for e, t in zip(entries, toks, strict=True) if e[2] >= 0]
        prevs2 = ["<s>", *prevs[:-1]] if prevs else []
        tri = map(
            vocab.get,
            ["t=" + a_ + "_" + b_ + "_" + c_ for a_, b_, c_ in zip(prevs2, prevs, toks, strict=True)],
        )
        tri_ids = [j for j in tri if j is not None]
        sq_extra_ids = tri_ids
        extra += tri_ids
        for fl in a.flags:
            j = vocab.get("f=" + fl)
            if j is not None:
                extra.append(j)
                sq_extra_ids.append(j)
        if sq_extra_ids:
            idf2 = self._idf2_list
            sq += sum([idf2[j] for j in sq_extra_ids])
        if sq > 0:
            acc = self._rows[rows].sum(axis=0) if rows else self._zero.copy()
            if extra:
                acc += self.idfW[extra].sum(axis=0)
            s = acc / math.sqrt(sq) + self.b
        else:
            s = self.b.copy()
        return self._finish(s, words)

    def scores(self, feats):
        """Reference path (the training code path): features() -> tfidf() -> scores."""
        idx, vals = tfidf(feats, self.vocab, self.idf32.tolist())
        idx = np.asarray(idx, dtype=np.int64)
        W = self.idfW[idx] / self.idf32[idx][:, None]
        s = np.asarray(vals, dtype=np.float32) @ W + self.b if len(idx) else self.b.copy()
        return self._finish(s, [])

    def _finish(self, s: np.ndarray, words):
        if self._uses_aux:  # no head reads the aux probabilities when V is all zeros
            aux = self._aux_probs(s)
            s[self.aux_end :] += aux @ self.V
        sl = s.tolist()
        probs = {}
        for name, h in self._head_list:
            seg = sl[h.start : h.end]
            m = max(seg)
            e = [math.exp(x - m) for x in seg]
            tot = sum(e)
            probs[name] = [x / tot for x in e]
        return probs, words

    def _aux_probs(self, s: np.ndarray) -> np.ndarray:
        out = []
        sl = s[: self.aux_end].tolist()
        for h in self.meta["aux"]:
            seg = sl[h["start"] : h["end"]]
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

    def evidence(self, head: str, cls: str, words: list[tuple[int, str]], k: int = 3) -> list[str]:
        """The words of the comment that pushed ``head`` most towards ``cls``."""
        if not words:
            return []
        h = self.heads[head]
        c = h.start + h.classes.index(cls)
        wids = [w for w, _ in words]
        contrib = self.idfW[wids, c].tolist()
        best = sorted(zip(contrib, [t for _, t in words], strict=True), reverse=True)
        out = []
        for val, tok in best:
            if val <= 0 or len(out) >= k:
                break
            if tok not in out and tok not in _FUNCTION_WORDS and len(tok) >= 3:
                out.append(tok)
        return out


# Function words never shown as evidence (bokmål and nynorsk).
_FUNCTION_WORDS = frozenset(
    """
alle andre at av bare begge ble bli blir blitt både da dag de deg dei dem den denne der dere deres det dette
du dykk eg ein eit eitt ella eller en enn er et ett etter for fordi fra frå før ha hadde han hans har hennar
henne hennes her hjå ho hoss hossen hun hva hvem hver hvilke hvilken hvis hvor hvordan hvorfor i ikke ikkje
inn inni kan kanskje kva kvar kven kvifor korleis kun kunne man mange me med meg meir mellom men mer mest
mi min mine mitt mot mykje mye må måtte ned no noe noen nokon noko nokre nå når og også om opp oss over på
samme seg selv si sia sidan siden sin sine sitt sjøl skal skulle slik so som somme somt så sånn til um upp
ut uten var vart varte ved verte vi vil ville vore vors vort vår være vært å også bli blei vere tre fire
fem seks sju åtte ni ti to en ein sammen akkurat veldig litt helt heilt nok jo vel ja nei hei takk
""".split()
)

_MASK_WORDS = {
    "fnrnummer",
    "telefonnummer",
    "epostadresse",
    "lenke",
    "personnavn",
    "politikernavn",
    "svindellenke",
    "offisiell",
}


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
