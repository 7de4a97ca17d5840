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
from itertools import compress
from operator import itemgetter
from pathlib import Path

import numpy as np

from .features import MAX_MODEL_TOKENS, Resources, model_tokens, pair_features, tfidf, token_features

_ROW, _SQ, _ENDS_TRIPLE = itemgetter(0), itemgetter(1), itemgetter(3)
_add = np.add.reduce

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
        # Every "b_c" such that some triple feature "t=a_b_c" exists (split at each "_", since tokens may
        # contain one): a pair that is not in this set cannot end a known triple, so its triple is not
        # looked up at all. Most pairs are not in it.
        tails = set()
        for f in vocab_lines[bisect.bisect_left(vocab_lines, "t=") : bisect.bisect_left(vocab_lines, "t>")]:
            x = f[2:]
            i = x.find("_")
            while i >= 0:
                tails.add(x[i + 1 :])
                i = x.find("_", i + 1)
        self._tri_tails = frozenset(tails)
        self._word_columns: dict[int, dict[int, float]] = {}
        self.idf2 = self.idf32 * self.idf32
        self._idf2_list = self.idf2.tolist()
        # One buffer: the feature rows, then the cached token-pair contributions (the first of those stays
        # zero: a pair without features), so a comment is one gather-and-sum over both (~30 MB).
        nfeat, ncol = self.idfW.shape
        self._buf = np.zeros((nfeat + self._CACHE_ROWS, ncol), dtype=np.float32)
        self._buf[:nfeat] = self.idfW
        self.idfW = self._buf[:nfeat]
        self._first_row = nfeat
        self._reset_cache()

    _CACHE_ROWS = 262_144
    # Tokens get small integer ids so that pair and triple keys are integer arithmetic, not string
    # concatenation; _K bounds the ids (a pair key is prev * _K + tok, a triple key pair * _K + tok).
    _K = 1 << 21
    _MAX_ENTRIES = 1_000_000  # pair, triple and gap caches: reset beyond this (about 100 MB each)
    # A comment makes at most two rows per token (the token's own features, the pair's), so with this many
    # free at its start it never runs out half-way.
    _RESERVE = 2 * MAX_MODEL_TOKENS + 2

    def _reset_cache(self) -> None:
        """Forget every cached row and what points to one (all of it is recomputed on demand).

        Cache values are tuples of numbers, never lists: the garbage collector stops tracking such tuples,
        so large caches cost nothing at each full collection (lists would be traversed every time).
        """
        self._tid: dict[str, int] = {"<s>": 0}
        self._tstr: list[str] = ["<s>"]
        self._tok_cache: dict[str, tuple] = {}
        self._gap_cache: dict[str, tuple] = {}
        self._pair_cache: dict[int, tuple] = {}
        self._tri_cache: dict[int, int] = {}
        self._flag_ids: dict[str, int] = {}
        self._next_row = 1  # of the cached rows; row 0 stays all zeros

    def _cache_row(self, ids) -> int:
        """Store the sum of the buffer rows ``ids`` (feature rows or cached rows) as a new row."""
        if not ids:
            return self._first_row
        r = self._first_row + self._next_row
        self._next_row += 1
        _add(self._buf.take(ids, axis=0), axis=0, out=self._buf[r])
        return r

    def _token_id(self, tok: str) -> int:
        i = len(self._tstr)
        self._tid[tok] = i
        self._tstr.append(tok)
        return i

    def _token_entry(self, tok: str) -> tuple:
        """(row of the token's own features, their sum of idf^2, its word-feature id for evidence or -1)."""
        t = self._tok_cache.get(tok)
        if t is None:
            vocab = self.vocab
            ids = [j for j in (vocab.get(f) for f in token_features(tok)) if j is not None]
            wid = vocab.get("w=" + tok, -1)
            idf2 = self._idf2_list
            t = (self._cache_row(ids), sum([idf2[j] for j in ids]), wid if wid in self.word_feature else -1)
            self._tok_cache[tok] = t
        return t

    def _gap_entry(self, prev: str, tok: str) -> tuple:
        """(feature ids, their sum of idf^2) of the character n-grams across the gap between two tokens.
        Those (at most five characters, the space included) depend only on the last three characters of
        `prev` and the first three of `tok`, so they are cached on that key, which repeats far more often
        than the pair. At most six ids: not worth a row."""
        key = prev[-3:] + "\x00" + tok[:3]
        g = self._gap_cache.get(key)
        if g is None:
            vocab = self.vocab
            ids = tuple([j for j in map(vocab.get, pair_features(prev, tok)[1:]) if j is not None])
            idf2 = self._idf2_list
            g = self._gap_cache[key] = (ids, sum([idf2[j] for j in ids]))
        return g

    def _pair_entry(self, key: int) -> tuple:
        """A new (previous token, token) pair.

        An entry is (its row in the buffer: the sum of the token's cached row and the gap's and the
        bigram's feature rows; their sum of idf^2; (word id, token) or None; whether a known triple can end
        with it).
        """
        prev, tok = self._tstr[key // self._K], self._tstr[key % self._K]
        t_row, sq, wid = self._token_entry(tok)
        parts = (t_row,)
        if prev != "<s>":
            g_ids, g_sq = self._gap_entry(prev, tok)
            parts += g_ids
            sq += g_sq
        bigram = self.vocab.get("b=" + prev + "_" + tok)
        if bigram is not None:
            parts += (bigram,)
            sq += self._idf2_list[bigram]
        row = self._cache_row(parts) if len(parts) > 1 else t_row
        e = (row, sq, (wid, tok) if wid >= 0 else None, (prev + "_" + tok) in self._tri_tails)
        self._pair_cache[key] = e
        return e

    def _triple_id(self, key: int) -> int:
        K = self._K
        s = self._tstr
        j = self.vocab.get("t=" + s[key // (K * K)] + "_" + s[(key // K) % K] + "_" + s[key % K], -1)
        self._tri_cache[key] = j
        return j

    def scores_for(self, a):
        """Scores of one analysed comment.

        Exactly the training transform x_f = c_f * idf_f / sqrt(sum_f c_f * idf_f^2), computed as a sum of
        cached rows: per token pair one row of the buffer (the token's own features, the n-grams across the
        gap and the bigram, summed when the pair is first seen) with its sum of idf^2, plus the triples and
        the detector flags. A known pair costs one integer-keyed dictionary look-up, and the whole comment
        one gather-and-sum. Returns (probabilities per head, context for ``evidence``).
        """
        if (
            self._next_row >= self._CACHE_ROWS - self._RESERVE
            or len(self._tstr) >= self._K - MAX_MODEL_TOKENS
            or len(self._pair_cache) > self._MAX_ENTRIES
            or len(self._tri_cache) > self._MAX_ENTRIES
            or len(self._gap_cache) > self._MAX_ENTRIES
        ):
            self._reset_cache()
        K = self._K
        pairs = self._pair_cache
        toks = model_tokens(a)
        tids = list(map(self._tid.get, toks))
        if None in tids:
            tids = [self._token_id(t) if i is None else i for i, t in zip(tids, toks, strict=True)]
        keys = [p * K + t for p, t in zip([0, *tids], tids, strict=False)]
        entries = list(map(pairs.get, keys))
        if None in entries:
            entry = self._pair_entry
            entries = [entry(k) if e is None else e for e, k in zip(entries, keys, strict=True)]
        rows = list(map(_ROW, entries))
        sq = sum(map(_SQ, entries))
        more = []  # triples and flags: not part of any cached pair
        may_end_triple = list(map(_ENDS_TRIPLE, entries))
        if True in may_end_triple:
            prev_keys = [0, *keys]
            tri = self._tri_cache
            for i in compress(range(len(tids)), may_end_triple):
                k = prev_keys[i] * K + tids[i]
                j = tri.get(k)
                if j is None:
                    j = self._triple_id(k)
                if j >= 0:
                    more.append(j)
        flag_ids = self._flag_ids
        for fl in a.flags:
            j = flag_ids.get(fl)
            if j is None:
                j = flag_ids[fl] = self.vocab.get("f=" + fl, -1)
            if j >= 0:
                more.append(j)
        if more:
            idf2 = self._idf2_list
            sq += sum([idf2[j] for j in more])
            rows += more
        if sq > 0:
            s = _add(self._buf.take(rows, axis=0), axis=0) / math.sqrt(sq) + self.b
        else:
            s = self.b.copy()
        return self._finish(s, entries)

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

    def evidence(self, head: str, cls: str, entries: list[tuple], k: int = 3) -> list[str]:
        """The words of the comment that pushed ``head`` most towards ``cls`` (``entries`` as returned by
        scores_for)."""
        words = [e[2] for e in entries if e[2] is not None]
        if not words:
            return []
        h = self.heads[head]
        c = h.start + h.classes.index(cls)
        column = self._word_columns.get(c)
        if column is None:  # the weights of the word features for this class, as a dict
            ids = list(self.word_feature)
            column = self._word_columns[c] = dict(zip(ids, self.idfW[ids, c].tolist(), strict=True))
        best = sorted([(column[w], t) for w, t in words], reverse=True)
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
