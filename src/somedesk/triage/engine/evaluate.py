"""Compare decisions with labelled comments: per-field precision/recall/F1, confusion matrices, mistakes."""

from __future__ import annotations

from collections import Counter

from .decide import decide, get_engine

FIELDS = ("moderation", "reason", "route", "sentiment", "reply")


def _prf(gold, pred, labels):
    out = {}
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[lab] = {
            "precision": round(prec, 4),
            "recall": round(rec, 4),
            "f1": round(f1, 4),
            "support": tp + fn,
        }
    return out


def _label(v):
    return "null" if v is None else str(v)


def evaluate_rows(rows: list[dict], engine=None, worst: int = 15) -> dict:
    eng = engine or get_engine()
    preds = [decide(r.get("text", ""), r.get("post"), r.get("channel"), engine=eng) for r in rows]
    report: dict = {"n": len(rows), "fields": {}, "summary": {}}
    for field in FIELDS:
        gold = [_label(r.get(field)) for r in rows]
        pred = [_label(p[field]) for p in preds]
        labels = sorted(set(gold) | set(pred))
        per = _prf(gold, pred, labels)
        conf = {g: dict(Counter(p for gg, p in zip(gold, pred, strict=True) if gg == g)) for g in labels}
        report["fields"][field] = {
            "per_label": per,
            "confusion": conf,
            "accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / max(1, len(rows)), 4),
        }
    s = report["summary"]
    mod = report["fields"]["moderation"]["per_label"]
    s["removal_f1"] = mod.get("remove", {}).get("f1", 0.0)
    # reason macro-F1 over the six reasons, on all comments (keep = null counts as a miss/false alarm)
    rp = report["fields"]["reason"]["per_label"]
    reasons = [k for k in rp if k != "null"]
    s["reason_macro_f1"] = round(sum(rp[k]["f1"] for k in reasons) / max(1, len(reasons)), 4)
    gold_rem = [r for r, p in zip(rows, preds, strict=True) if r.get("moderation") == "remove"]
    s["reason_accuracy_on_removed"] = round(
        sum(
            1
            for r, p in zip(rows, preds, strict=True)
            if r.get("moderation") == "remove" and p["reason"] == r.get("reason")
        )
        / max(1, len(gold_rem)),
        4,
    )
    rt = report["fields"]["route"]["per_label"]
    s["route_macro_f1"] = round(sum(v["f1"] for v in rt.values()) / max(1, len(rt)), 4)
    s["political_recall"] = rt.get("political", {}).get("recall", 0.0)
    st = report["fields"]["sentiment"]["per_label"]
    s["sentiment_macro_f1"] = round(sum(v["f1"] for v in st.values()) / max(1, len(st)), 4)
    s["reply_accuracy"] = report["fields"]["reply"]["accuracy"]
    # identity numbers: gold = labelled personal_data and the text holds 11 digits in one run (any layout)
    import re

    from .text import normalise

    run11 = re.compile(r"(?<!\d)(?:\d[ .\-]{0,2}){10}\d(?!\d)")
    id_gold = id_hit = id_false = 0
    for r, p in zip(rows, preds, strict=True):
        has = any(x["code"] == "identity_number" for x in p["reasons"])
        gold_id = r.get("reason") == "personal_data" and bool(
            run11.search(normalise(r.get("text") or "").text)
        )
        id_gold += gold_id
        id_hit += gold_id and has
        id_false += has and not gold_id
    s["identity_number"] = {
        "gold": id_gold,
        "hit": id_hit,
        "false_hits": id_false,
        "recall": round(id_hit / id_gold, 4) if id_gold else None,
    }
    mistakes = []
    for r, p in zip(rows, preds, strict=True):
        wrong = [f for f in FIELDS if _label(r.get(f)) != _label(p[f])]
        if wrong:
            sev = (3 if "moderation" in wrong else 0) + (2 if "reason" in wrong else 0) + len(wrong)
            conf = min(p["confidence"].get(f, 0) for f in wrong if f in p["confidence"]) if wrong else 0
            mistakes.append(
                {
                    "id": r.get("id"),
                    "text": (r.get("text") or "")[:160],
                    "wrong": {f: {"gold": r.get(f), "pred": p[f]} for f in wrong},
                    "severity": sev,
                    "confidence": conf,
                }
            )
    mistakes.sort(key=lambda m: (-m["severity"], -m["confidence"]))
    report["worst_mistakes"] = mistakes[:worst]
    report["model_version"] = eng.models.version
    report["policy_version"] = eng.policy.version
    return report


def format_report(rep: dict) -> str:
    lines = [f"{rep['n']} comments, model {rep['model_version']}, policy {rep['policy_version']}", ""]
    for field, fr in rep["fields"].items():
        lines.append(f"== {field} (accuracy {fr['accuracy']:.3f})")
        lines.append(f"  {'label':<18}{'prec':>7}{'rec':>7}{'f1':>7}{'n':>6}")
        for lab, m in fr["per_label"].items():
            lines.append(
                f"  {lab:<18}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}{m['support']:>6}"
            )
        labels = list(fr["per_label"])
        lines.append("  confusion (rows gold, columns predicted):")
        lines.append("  " + " " * 18 + "".join(f"{lab[:9]:>10}" for lab in labels))
        for g in labels:
            row = fr["confusion"].get(g, {})
            lines.append(f"  {g:<18}" + "".join(f"{row.get(p, 0):>10}" for p in labels))
        lines.append("")
    lines.append("== summary")
    for k, v in rep["summary"].items():
        lines.append(f"  {k}: {v}")
    lines.append("")
    lines.append("== worst mistakes")
    for m in rep["worst_mistakes"]:
        wrong = "; ".join(f"{f}: {v['gold']} -> {v['pred']}" for f, v in m["wrong"].items())
        lines.append(f"  {m['id']}: {wrong}  | {m['text'][:100]}")
    return "\n".join(lines)
