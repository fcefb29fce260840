"""Backtest figures, pure (numpy and scikit-learn, no Django): the model page's and the
external check's (benchmarks/bench_lendingclub.py) one definition."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score, roc_curve

BANDS = (0.01, 0.02, 0.05, 0.10, 0.20)  # band 1 … 6: PD below each edge, then the rest


def band_of(p: float) -> int:
    return 1 + sum(p >= edge for edge in BANDS)


def band_label(band: int) -> str:
    lo = 0 if band == 1 else BANDS[band - 2]
    if band > len(BANDS):
        return f"≥{lo:.0%}"
    return f"{lo:.0%}–{BANDS[band - 1]:.0%}"


def evaluate(y: np.ndarray, p: np.ndarray, rank_score: np.ndarray | None = None) -> dict:
    """AUC, KS, Brier, top-5 %/10 % capture and a 10-bin calibration (by predicted decile)."""
    y = y.astype(int)
    s = p if rank_score is None else rank_score
    out = {"n": int(len(y)), "defaults": int(y.sum()), "rate": float(y.mean()) if len(y) else 0}
    if len(y) == 0 or y.sum() in (0, len(y)):
        return out
    fpr, tpr, _ = roc_curve(y, s)
    out["auc"] = float(roc_auc_score(y, s))
    out["ks"] = float(np.max(tpr - fpr))
    out["brier"] = float(brier_score_loss(y, p))
    order = np.lexsort((np.arange(len(s)), -s))
    for share in (5, 10):
        top = order[: max(1, int(round(len(y) * share / 100)))]
        out[f"capture_{share}"] = float(y[top].sum() / y.sum())
    bins = []
    for chunk in np.array_split(np.argsort(p, kind="stable"), 10):
        if len(chunk):
            bins.append({"predicted": float(p[chunk].mean()), "observed": float(y[chunk].mean())})
    out["calibration"] = bins
    bands = np.array([band_of(v) for v in p])
    out["bands"] = [
        {
            "band": band_label(b),
            "n": int((bands == b).sum()),
            "predicted": float(p[bands == b].mean()),
            "observed": float(y[bands == b].mean()),
        }
        for b in range(1, len(BANDS) + 2)
        if (bands == b).any()
    ]
    return out
