"""Score the customers at the history's latest month-end; explain; warn; monitor.

* 12-month PD of every customer performing at the month-end from the version's production
  model (the one the backtest chose; the logistic regression where the rule score kept
  ranking, as advice), with the rule score's rank beside it;
* top factors in words: the logistic regression's contributions (coefficient × standardised
  deviation from the training mean), the three largest positive ones, each quoting its figures;
* EW-MODEL: a customer whose PD reaches the threshold (setting
  ``POSTLOAN_MODEL_SIGNAL_PD``, default 10 %) gets a signal through `risk.actions`, with
  the factors as evidence. The model never touches a class or a floor;
* monitoring: PSI of the score and of the main features at the month-end against the training
  window, the realised default rate per score band of the earlier scorings whose 12 months are
  now observed (`monitoring`).
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery

from postloan.core.audit import record
from postloan.forecast import features as F
from postloan.forecast.fit import Fitted, as_float, load
from postloan.forecast.metrics import BANDS, band_label, band_of
from postloan.forecast.models import CustomerScore, ModelVersion
from postloan.portfolio.choices import Product
from postloan.risk.actions import raise_model_signals

PRODUCT_ZH = dict(Product.choices)

MAIN_FEATURES = ("sales_return", "inflow_trend", "dpd_max_12m", "signals_6m", "debt_ratio")
PSI_ALERT = 0.25  # 0.1–0.25 watch, above: drift


def signal_threshold() -> float:
    return float(getattr(settings, "POSTLOAN_MODEL_SIGNAL_PD", 0.10))


def _pct(v) -> str:
    return f"{v * 100:.0f}%"


def _wan(fen) -> str:
    return f"{fen / 1_000_000:,.1f} 万元"


def factor_text(name: str, raw: dict) -> str:  # noqa: C901 - one phrase per feature
    g = raw.get
    if name in ("sales_return", "return_change_6m") and g("sales_return") is not None:
        before = g("return_6m_ago")
        if before is not None and before > g("sales_return"):
            return f"销售资金归行率 从 {_pct(before)} 降至 {_pct(g('sales_return'))}（近6个月）"
        return f"销售资金归行率 {_pct(g('sales_return'))}"
    if name == "inflow_trend" and g("inflow_prev6"):
        change = g("inflow_3m") / g("inflow_prev6") - 1
        word = "下降" if change < 0 else "上升"
        return f"账户流入 近3个月月均较此前6个月{word} {abs(change) * 100:.0f}%"
    if name in ("max_dpd", "dpd_max_12m", "months_overdue_12m", "overdue_share"):
        return (
            f"近12个月最长逾期 {int(g('dpd_max_12m') or 0)} 天"
            f"（{int(g('months_overdue_12m') or 0)} 个月有逾期，当前逾期 {_wan(g('overdue_fen') or 0)}）"
        )
    if name in ("n_red", "n_orange", "n_yellow", "n_families", "signals_6m"):
        return (
            f"预警信号 红{int(g('n_red') or 0)}橙{int(g('n_orange') or 0)}黄{int(g('n_yellow') or 0)}"
            f"（近6个月累计 {int(g('signals_6m') or 0)} 个）"
        )
    if name in ("debt_ratio", "debt_ratio_change_12m") and g("debt_ratio") is not None:
        before = g("debt_12m_ago")
        if before is not None:
            return f"资产负债率 从 {_pct(before)} 升至 {_pct(g('debt_ratio'))}（近12个月）"
        return f"资产负债率 {_pct(g('debt_ratio'))}"
    if name in ("current_ratio", "current_ratio_change_12m") and g("current_ratio") is not None:
        before = g("current_12m_ago")
        if before is not None:
            return f"流动比率 从 {before:.2f} 降至 {g('current_ratio'):.2f}（近12个月）"
        return f"流动比率 {g('current_ratio'):.2f}"
    if name == "other_bank_new_6m":
        new = (g("other_bank_overdue_fen") or 0) - (g("other_6m_ago") or 0)
        return f"他行新增逾期 {_wan(max(new, 0))}（近6个月）"
    if name == "other_bank_overdue":
        return f"他行逾期 {_wan(g('other_bank_overdue_fen') or 0)}"
    if name == "ltv" and g("ltv") is not None:
        return f"抵押率 {_pct(g('ltv'))}"
    if name == "guarantor_bad":
        return "保证人经营或信用异常"
    if name == "restructured":
        return "贷款曾重组"
    if name == "attention":
        return "现为关注类"
    if name == "log_exposure":
        return f"敞口 {_wan(g('exposure_fen') or 0)}"
    if name == "retail":
        return "零售客户"
    if name.endswith("_rate"):
        cat = name.removesuffix("_rate")
        value, rate = g(cat), g(name)
        shown = PRODUCT_ZH.get(value, value) if cat == "product" else f"门类{value}"
        return f"{F.CATEGORICAL[cat]}（{shown}）历史违约率 {rate:.1%}"
    return F.NUMERIC.get(name, (None, name))[1]


def explain(model: Fitted, fr: dict, top: int = 3) -> list[list[dict]]:
    contrib = model.contributions(fr)
    raws = {r: as_float(fr[f"raw_{r}"]) for r in F.RAW}
    out = []
    for i in range(contrib.shape[0]):
        order = np.argsort(-contrib[i])
        raw = {r: (None if np.isnan(v[i]) else float(v[i])) for r, v in raws.items()}
        for cat in F.CATEGORICAL:
            value = str(fr[cat][i])
            raw[cat] = value
            raw[f"{cat}_rate"] = model.prep.rates[cat].get(value, model.prep.base_rate)
        factors, seen = [], set()
        for j in order:
            if contrib[i, j] <= 0 or len(factors) >= top:
                break
            text = factor_text(F.FEATURES[j], raw)
            if text in seen:
                continue
            seen.add(text)
            factors.append(
                {"feature": F.FEATURES[j], "points": round(float(contrib[i, j]), 3), "text": text}
            )
        out.append(factors)
    return out


def _rank(scores: np.ndarray, ids: np.ndarray) -> np.ndarray:
    order = np.lexsort((ids, -scores))
    rank = np.empty(len(scores), dtype=int)
    rank[order] = np.arange(1, len(scores) + 1)
    return rank


def score_latest(version: ModelVersion | None = None, raise_signals: bool = True) -> dict:
    """Score the version's horizon month-end; persist; raise EW-MODEL; return figures."""
    version = version or ModelVersion.objects.filter(status=ModelVersion.Status.FITTED).first()
    if version is None:
        raise ValueError("尚未拟合违约概率模型（postloan model fit）")
    started = time.perf_counter()
    model = load(version)
    fr = F.frame([version.horizon])
    pd_ = model.pd_hgb(fr) if version.chosen == "hgb" else model.pd_lr(fr)
    ids = np.array([str(c) for c in fr["customer_id"]])
    rule = as_float(fr["rule_score"])
    model_rank, rule_rank = _rank(pd_, ids), _rank(rule, ids)
    factors = explain(model, fr)
    previous = dict(
        CustomerScore.objects.filter(
            as_of__lt=version.horizon,
            as_of=CustomerScore.objects.filter(as_of__lt=version.horizon)
            .order_by("-as_of")
            .values("as_of")[:1],
        ).values_list("customer_code", "pd")
    )
    rows = [
        CustomerScore(
            version=version,
            as_of=version.horizon,
            customer_code=ids[i],
            pd=Decimal(f"{pd_[i]:.6f}"),
            pd_previous=previous.get(ids[i]),
            band=band_of(pd_[i]),
            model_rank=int(model_rank[i]),
            rule_rank=int(rule_rank[i]),
            rule_score=Decimal(f"{rule[i]:.2f}"),
            factors=factors[i],
        )
        for i in range(len(ids))
    ]
    with transaction.atomic():
        CustomerScore.objects.filter(version=version, as_of=version.horizon).delete()
        CustomerScore.objects.bulk_create(rows, batch_size=2000)
        record(
            actor=None,
            action="forecast.score",
            obj=version,
            after={"as_of": version.horizon.isoformat(), "customers": len(rows)},
        )
    seconds = time.perf_counter() - started
    # the page shows the monitoring of the latest scoring (computed here, not per page view)
    version.metrics = {**version.metrics, "monitoring": monitoring(version)}
    ModelVersion.objects.filter(pk=version.pk).update(metrics=version.metrics)
    signals = {}
    if raise_signals:
        threshold = signal_threshold()
        findings = {
            ids[i]: {
                "summary": f"违约概率模型：12个月违约概率 {pd_[i]:.1%}（阈值 {threshold:.0%}）；"
                + "；".join(f["text"] for f in factors[i]),
                "evidence": {
                    "model_version": version.pk,
                    "as_of": version.horizon.isoformat(),
                    "pd": round(float(pd_[i]), 4),
                    "threshold": threshold,
                    "factors": [f["text"] for f in factors[i]],
                },
            }
            for i in range(len(ids))
            if pd_[i] >= threshold
        }
        signals = raise_model_signals(findings, version.horizon)
    return {"customers": len(rows), "seconds": round(seconds, 2), "signals": signals}


def psi(expected: np.ndarray, actual: np.ndarray, bins: int = 10) -> float | None:
    """Population stability index over the expected sample's deciles (missing as a bin)."""
    e, a = expected[~np.isnan(expected)], actual[~np.isnan(actual)]
    if len(e) < bins or len(a) < bins:
        return None
    edges = np.unique(np.quantile(e, np.linspace(0, 1, bins + 1)[1:-1]))
    pe = np.bincount(np.searchsorted(edges, e, side="right"), minlength=len(edges) + 1) / len(e)
    pa = np.bincount(np.searchsorted(edges, a, side="right"), minlength=len(edges) + 1) / len(a)
    pe, pa = np.clip(pe, 1e-4, None), np.clip(pa, 1e-4, None)
    return float(np.sum((pa - pe) * np.log(pa / pe)))


def monitoring(version: ModelVersion) -> dict:
    """PSI of the score and main features at each month-end after training; realised rates."""
    model = load(version)
    ends = [d for d in F.month_ends() if d > version.train_end]
    train = F.frame(model.train_as_ofs)
    score_train = model.pd_lr(train)
    months = []
    if ends:
        allfr = F.frame(ends)
        when = allfr["month_end"]
        for end in ends:
            sel = when == np.datetime64(end)
            sub = {k: v[sel] for k, v in allfr.items()}
            row = {
                "month_end": end.isoformat(),
                "n": int(sel.sum()),
                "score": psi(score_train, model.pd_lr(sub)),
            }
            for name in MAIN_FEATURES:
                row[name] = psi(as_float(train[name]), as_float(sub[name]))
            months.append(row)
    worst = max(
        (v for m in months for k, v in m.items() if k not in ("month_end", "n") and v), default=0.0
    )
    realised = []
    horizon = F.add_months_end(version.horizon, 0)
    for as_of in sorted({s for s in CustomerScore.objects.values_list("as_of", flat=True)}):
        if F.add_months_end(as_of, 12) > horizon:
            continue
        outcome = F.frame([as_of])
        label = dict(zip((str(c) for c in outcome["customer_id"]), outcome["label"], strict=True))
        for band in range(1, len(BANDS) + 2):
            codes = CustomerScore.objects.filter(as_of=as_of, band=band).values_list(
                "customer_code", flat=True
            )
            seen = [label[c] for c in codes if c in label]
            if seen:
                realised.append(
                    {
                        "as_of": as_of.isoformat(),
                        "band": band_label(band),
                        "n": len(seen),
                        "rate": float(np.mean(seen)),
                    }
                )
    return {
        "months": months,
        "worst_psi": worst,
        "drift": worst > PSI_ALERT,
        "alert": PSI_ALERT,
        "realised": realised,
    }


def latest_score(customer_code: str) -> CustomerScore | None:
    return (
        CustomerScore.objects.filter(customer_code=customer_code)
        .select_related("version")
        .order_by("-as_of", "-version_id")
        .first()
    )


def scores_for(customer_codes, as_of: dt.date | None = None) -> dict[str, CustomerScore]:
    """The latest scoring's rows for a set of customers (the risk ranking's column)."""
    version = ModelVersion.objects.filter(status=ModelVersion.Status.FITTED).first()
    if version is None:
        return {}
    return {
        s.customer_code: s
        for s in CustomerScore.objects.filter(
            version=version, as_of=version.horizon, customer_code__in=list(customer_codes)
        )
    }


def ranking_model() -> ModelVersion | None:
    """The current version where it ranks (its backtest beat the rule score), else None."""
    version = ModelVersion.objects.filter(status=ModelVersion.Status.FITTED).first()
    return version if version is not None and version.chosen != "rule" else None


def model_rank_of(version: ModelVersion, customer_field: str):
    """A subquery: the customer's model rank in the version's latest scoring."""
    return Subquery(
        CustomerScore.objects.filter(
            version=version, as_of=version.horizon, customer_code=OuterRef(customer_field)
        ).values("model_rank")[:1]
    )
