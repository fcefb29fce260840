"""Fit, backtest out of time, and version the default-probability models.

With the history's last month-end H:

* **backtest** — the models are trained on the month-ends T−35 … T−24 … up to T_b − 12 months
  (labels observed by T_b), where T_b = H − 12 months, then scored on the customers performing
  at T_b and compared with what happened to them by H; today's rule score (the history's
  ``rule_score``, `risk/engine/risk_view.py`'s points) is measured on the same customers —
  its Brier score through a one-variable logistic calibration fitted on the training window;
* **production** — the same models refitted on the 12 latest labelled month-ends (up to
  H − 12 months) score the customers at H (`forecast/scoring.py`).

Two estimators (scikit-learn): an L2-regularised logistic regression on standardised,
median-imputed features (the explainable baseline: a factor's contribution is coefficient ×
standardised deviation) and a HistGradientBoostingClassifier (missing values native). The
ranking uses the better model only where its backtest AUC beats the rule score's; otherwise
the rule score keeps ranking and the probabilities only advise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from postloan.core.audit import record
from postloan.forecast import features as F
from postloan.forecast.metrics import evaluate
from postloan.forecast.models import ModelVersion

TRAIN_MONTHS = 12
LR_C = 0.5
HGB_PARAMS = {
    "max_iter": 200,
    "learning_rate": 0.05,
    "max_leaf_nodes": 15,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
    "random_state": 0,
}
PRIOR = 20.0  # target encoding: pseudo-count towards the overall rate
MIN_AUC_GAIN = 0.0
Z_CAP = 4.0


class NotEnoughHistory(Exception):
    pass


def as_float(column) -> np.ndarray:
    return np.ma.filled(np.ma.asarray(column).astype(float), np.nan)


@dataclass
class Prepared:
    """Everything to turn a feature frame into the models' matrix (fitted on training rows)."""

    medians: np.ndarray
    means: np.ndarray
    stds: np.ndarray
    rates: dict[str, dict[str, float]]
    base_rate: float

    def matrix(self, fr: dict, impute: bool) -> np.ndarray:
        cols = [as_float(fr[name]) for name in F.NUMERIC]
        for cat in F.CATEGORICAL:
            table = self.rates[cat]
            cols.append(np.array([table.get(str(v), self.base_rate) for v in fr[cat]]))
        x = np.column_stack(cols)
        if impute:
            x = np.where(np.isnan(x), self.medians, x)
        return x

    def standard(self, fr: dict) -> np.ndarray:
        """Standardised on the training window, winsorised at ±Z_CAP (no wild extrapolation)."""
        z = (self.matrix(fr, impute=True) - self.means) / self.stds
        return np.clip(z, -Z_CAP, Z_CAP)


def prepare(fr: dict) -> Prepared:
    y = fr["label"].astype(float)
    base = float(y.mean()) if len(y) else 0.0
    rates = {}
    for cat in F.CATEGORICAL:
        keys = np.array([str(v) for v in fr[cat]])
        table = {}
        for key in np.unique(keys):
            sel = keys == key
            table[key] = float((y[sel].sum() + PRIOR * base) / (sel.sum() + PRIOR))
        rates[cat] = table
    p = Prepared(
        np.zeros(len(F.FEATURES)), np.zeros(len(F.FEATURES)), np.ones(len(F.FEATURES)), rates, base
    )
    raw = p.matrix(fr, impute=False)
    med = np.nanmedian(np.where(np.isnan(raw).all(axis=0), 0.0, raw), axis=0)
    p.medians = np.where(np.isnan(med), 0.0, med)
    filled = np.where(np.isnan(raw), p.medians, raw)
    p.means = filled.mean(axis=0)
    sd = filled.std(axis=0)
    p.stds = np.where(sd > 1e-12, sd, 1.0)
    return p


@dataclass
class Fitted:
    prep: Prepared
    lr: LogisticRegression
    hgb: HistGradientBoostingClassifier
    rule_calibration: LogisticRegression
    train_as_ofs: list[dt.date]

    def pd_lr(self, fr: dict) -> np.ndarray:
        return self.lr.predict_proba(self.prep.standard(fr))[:, 1]

    def pd_hgb(self, fr: dict) -> np.ndarray:
        return self.hgb.predict_proba(self.prep.matrix(fr, impute=False))[:, 1]

    def pd_rule(self, fr: dict) -> np.ndarray:
        return self.rule_calibration.predict_proba(as_float(fr["rule_score"]).reshape(-1, 1))[:, 1]

    def contributions(self, fr: dict) -> np.ndarray:
        """Per row and feature: coefficient × standardised deviation (log-odds points)."""
        return self.prep.standard(fr) * self.lr.coef_[0]


def fit_models(fr: dict, as_ofs: list[dt.date]) -> Fitted:
    y = fr["label"].astype(int)
    if len(y) == 0 or y.sum() < 5 or y.sum() == len(y):
        raise NotEnoughHistory(f"训练样本不足：{len(y)} 个样本，其中违约 {int(y.sum())} 个")
    prep = prepare(fr)
    # one OpenMP thread: on a shared, busy machine more threads only contend (measured 5×)
    with threadpool_limits(limits=int(getattr(settings, "POSTLOAN_MODEL_THREADS", 1))):
        lr = LogisticRegression(C=LR_C, max_iter=2000).fit(prep.standard(fr), y)
        hgb = HistGradientBoostingClassifier(**HGB_PARAMS).fit(prep.matrix(fr, impute=False), y)
        rule = LogisticRegression(max_iter=1000).fit(as_float(fr["rule_score"]).reshape(-1, 1), y)
    return Fitted(prep, lr, hgb, rule, as_ofs)


def artifact_dir() -> Path:
    path = Path(settings.VAR_DIR) / "forecast" / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def load(version: ModelVersion) -> Fitted:
    path = Path(version.artifact)
    blob = path.read_bytes()
    if hashlib.sha256(blob).hexdigest() != version.sha256:
        raise ValueError(f"模型文件校验失败：{path}")
    return pickle.loads(blob)  # noqa: S301 - our own file, its hash checked above


def choose(metrics: dict) -> tuple[str, str]:
    rule = metrics["rule"].get("auc")
    best = max(("lr", "hgb"), key=lambda k: metrics[k].get("auc") or 0)
    model = metrics[best].get("auc")
    names = {"lr": "逻辑回归", "hgb": "梯度提升树"}
    if model is None or rule is None:
        return "rule", "回测样本中没有足够的违约客户，无法比较，排序沿用规则风险分。"
    if model > rule + MIN_AUC_GAIN:
        return best, (
            f"回测中{names[best]}的 AUC {model:.3f} 高于规则风险分的 {rule:.3f}"
            f"（KS {metrics[best]['ks']:.3f} 对 {metrics['rule']['ks']:.3f}），"
            f"排序采用{names[best]}的违约概率。"
        )
    return "rule", (
        f"回测中模型的 AUC {model:.3f} 未超过规则风险分的 {rule:.3f}，"
        "排序沿用规则风险分，违约概率仅供参考。"
    )


def fit_and_backtest(acting_user=None, source: str | None = None) -> ModelVersion:
    """The whole fit: backtest, production refit, artifact, version row (audited)."""
    started = time.perf_counter()
    ends = F.month_ends(source)
    if len(ends) < 2 * TRAIN_MONTHS + 13:
        raise NotEnoughHistory(
            f"月末历史只有 {len(ends)} 个月，回测与训练至少需要 {2 * TRAIN_MONTHS + 13} 个月"
        )
    horizon = ends[-1]
    test_at = F.add_months_end(horizon, -12)
    bt_last = F.add_months_end(test_at, -12)
    bt_train = [d for d in ends if d <= bt_last][-TRAIN_MONTHS:]
    prod_train = [d for d in ends if d <= test_at][-TRAIN_MONTHS:]

    bt_fr = F.frame(bt_train, source)
    test_fr = F.frame([test_at], source)
    bt = fit_models(bt_fr, bt_train)
    y = test_fr["label"]
    p_lr, p_hgb, p_rule = bt.pd_lr(test_fr), bt.pd_hgb(test_fr), bt.pd_rule(test_fr)
    metrics = {
        "lr": evaluate(y, p_lr),
        "hgb": evaluate(y, p_hgb),
        "rule": evaluate(y, p_rule, rank_score=as_float(test_fr["rule_score"])),
    }
    chosen, reason = choose(metrics)
    coef = dict(zip(F.FEATURES, (float(c) for c in bt.lr.coef_[0]), strict=True))

    prod_fr = F.frame(prod_train, source)
    prod = fit_models(prod_fr, prod_train)
    metrics["training"] = {"n": int(len(prod_fr["label"])), "defaults": int(prod_fr["label"].sum())}
    metrics["backtest_coefficients"] = coef
    metrics["coefficients"] = dict(
        zip(F.FEATURES, (float(c) for c in prod.lr.coef_[0]), strict=True)
    )
    blob = pickle.dumps(prod)
    digest = hashlib.sha256(blob).hexdigest()
    path = artifact_dir() / f"pd-{horizon.isoformat()}-{digest[:12]}.pkl"
    path.write_bytes(blob)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        version = ModelVersion.objects.create(
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            horizon=horizon,
            train_start=prod_train[0],
            train_end=prod_train[-1],
            backtest_train_start=bt_train[0],
            backtest_train_end=bt_train[-1],
            backtest_as_of=test_at,
            features=[{"name": n, "label": label_of(n)} for n in F.FEATURES],
            params={"lr": {"C": LR_C, "penalty": "l2"}, "hgb": HGB_PARAMS, "label_months": 12},
            metrics=metrics,
            chosen=chosen,
            chosen_reason=reason,
            artifact=str(path),
            sha256=digest,
            fit_seconds=round(seconds, 2),
            rows_train=len(prod_fr["label"]),
            rows_test=len(y),
        )
        record(
            actor=version.created_by,
            action="forecast.fit_model",
            obj=version,
            after={"horizon": horizon.isoformat(), "chosen": chosen, "sha256": digest},
        )
    return version


def label_of(name: str) -> str:
    if name in F.NUMERIC:
        return F.NUMERIC[name][1]
    return f"{F.CATEGORICAL[name.removesuffix('_rate')]}历史违约率"
