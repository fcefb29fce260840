"""Fit, out-of-time backtest against the rule score, versioning, scoring, EW-MODEL, pages."""

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import numpy as np
import pytest

from postloan.core.models import AuditEvent
from postloan.forecast import features as F
from postloan.forecast import fit, history, scoring
from postloan.forecast.models import CustomerScore, ModelVersion
from postloan.risk.actions import raise_model_signals, run_screening
from postloan.risk.models import LoanAssessment, Signal, SignalStep
from tests.factories import AS_OF


@pytest.fixture
def fitted(db, store, s_history):
    history.load_backfill(s_history)
    return fit.fit_and_backtest()


def test_backtest_is_out_of_time_and_neither_perfect_nor_random(fitted):
    v = fitted
    assert v.horizon == AS_OF
    assert v.backtest_as_of == F.add_months_end(AS_OF, -12)
    # trained only on month-ends whose 12 months ended by the backtest date
    assert F.add_months_end(v.backtest_train_end, 12) <= v.backtest_as_of
    assert F.add_months_end(v.train_end, 12) <= v.horizon
    for key in ("lr", "hgb", "rule"):
        m = v.metrics[key]
        assert m["n"] == v.rows_test and m["defaults"] > 10
        assert 0.55 < m["auc"] < 0.97, (key, m["auc"])
        assert 0 < m["ks"] < 1 and 0 < m["brier"] < 0.1
        assert 0 <= m["capture_5"] <= m["capture_10"] <= 1
        assert len(m["calibration"]) == 10
    # the same customers for model and rule score
    assert v.metrics["lr"]["defaults"] == v.metrics["rule"]["defaults"]
    # the ranking uses the model only where it beats the rule score
    best = max(v.metrics["lr"]["auc"], v.metrics["hgb"]["auc"])
    if best > v.metrics["rule"]["auc"]:
        assert v.chosen in ("lr", "hgb") and "高于规则风险分" in v.chosen_reason
    else:
        assert v.chosen == "rule" and "沿用规则风险分" in v.chosen_reason
    metrics = {k: dict(v.metrics[k]) for k in ("lr", "hgb", "rule")}
    metrics["rule"]["auc"] = 0.99
    assert fit.choose(metrics)[0] == "rule"
    # versioned: the file with its hash, the features, the parameters; audited
    blob = Path(v.artifact).read_bytes()
    assert hashlib.sha256(blob).hexdigest() == v.sha256
    assert [f["name"] for f in v.features] == F.FEATURES
    assert v.params["lr"]["C"] == fit.LR_C
    assert AuditEvent.objects.filter(action="forecast.fit_model", object_id=str(v.pk)).exists()
    Path(v.artifact).write_bytes(blob + b"x")
    with pytest.raises(ValueError, match="校验失败"):
        fit.load(v)


def test_not_enough_history_is_refused(db, store, s_history, tmp_path):
    with pytest.raises(fit.NotEnoughHistory):
        fit.fit_and_backtest()
    short = tmp_path / "short.parquet"
    duckdb.sql(
        f"COPY (SELECT * FROM '{s_history.as_posix()}' WHERE month_end > DATE '2024-01-31') "
        f"TO '{short.as_posix()}' (FORMAT parquet)"
    )
    history.load_backfill(short)
    assert len(history.months()) == 33
    with pytest.raises(fit.NotEnoughHistory, match="33 个月"):
        fit.fit_and_backtest()
    assert not ModelVersion.objects.exists()


def test_scores_factors_and_monitoring(fitted):
    result = scoring.score_latest(fitted, raise_signals=False)
    scores = CustomerScore.objects.filter(version=fitted, as_of=AS_OF)
    assert result["customers"] == scores.count() > 3000
    assert sorted(scores.values_list("model_rank", flat=True)) == list(range(1, scores.count() + 1))
    top = scores.order_by("model_rank")[:30]
    assert all(s.factors for s in top)
    texts = " ".join(s.factors_zh for s in top)
    assert any(w in texts for w in ("归行率", "逾期", "预警信号", "资产负债率", "流动比率"))
    assert all(0 <= s.pd <= 1 for s in top)
    mon = scoring.monitoring(fitted)
    assert len(mon["months"]) == 12 and all(m["score"] is not None for m in mon["months"])
    assert mon["worst_psi"] < scoring.PSI_ALERT  # the drawn history is stable


def test_factor_text_quotes_the_figures():
    text = scoring.factor_text("return_change_6m", {"sales_return": 0.18, "return_6m_ago": 0.62})
    assert text == "销售资金归行率 从 62% 降至 18%（近6个月）"
    text = scoring.factor_text(
        "other_bank_new_6m", {"other_bank_overdue_fen": 150_000_000, "other_6m_ago": 30_000_000}
    )
    assert text == "他行新增逾期 120.0 万元（近6个月）"


def test_psi():
    rng = np.random.default_rng(0)
    base = rng.normal(size=5000)
    assert scoring.psi(base, rng.normal(size=5000)) < 0.02
    assert scoring.psi(base, rng.normal(loc=1.5, size=5000)) > scoring.PSI_ALERT


def test_ew_model_signals_go_through_the_loop_and_change_no_class(screened_bank):
    before = list(LoanAssessment.objects.values_list("loan_id", "suggested_class"))
    finding = {"summary": "违约概率模型：12个月违约概率 35.0%", "evidence": {"pd": 0.35}}
    month_end = AS_OF - dt.timedelta(days=3)
    first = raise_model_signals({"C001": finding, "NOPE": finding}, month_end)
    assert first == {"raised": 1, "refreshed": 0, "stopped": 0}
    s = Signal.objects.get(rule_id="EW-MODEL")
    assert s.customer_id == "C001" and s.status == "issued" and s.family == "model"
    assert s.owner_id == screened_bank.customers["C001"].manager_id
    assert SignalStep.objects.filter(signal=s).count() == 1
    # the daily screening does not stop the model's signal (it is refreshed monthly)
    run_screening(AS_OF)
    s.refresh_from_db()
    assert s.still_firing
    again = raise_model_signals({"C001": finding}, AS_OF)
    assert again == {"raised": 0, "refreshed": 1, "stopped": 0}
    gone = raise_model_signals({}, AS_OF)
    assert gone["stopped"] == 1
    s.refresh_from_db()
    assert not s.still_firing and s.status == "issued"  # a person releases it
    assert list(LoanAssessment.objects.values_list("loan_id", "suggested_class")) == before


def test_model_page_and_who_refits(fitted, bank, login, client):
    scoring.score_latest(fitted, raise_signals=False)
    page = login(bank.users["rm_branch"]).get("/risk/model/")
    assert page.status_code == 200
    body = page.content.decode()
    for words in (
        "AUC",
        "KS",
        "Brier",
        "前5%捕获率",
        "规则风险分（现行）",
        "calibration-chart",
        "PSI",
        fitted.chosen_reason,
    ):
        assert words in body
    assert f"{fitted.metrics['rule']['auc']:.3f}" in body
    assert f"{fitted.metrics['lr']['auc']:.3f}" in body
    assert login(bank.users["am_zhang"]).post("/risk/model/fit/").status_code == 403
    assert ModelVersion.objects.count() == 1


def _version(chosen: str) -> ModelVersion:
    return ModelVersion.objects.create(
        horizon=AS_OF,
        train_start=AS_OF,
        train_end=AS_OF,
        backtest_train_start=AS_OF,
        backtest_train_end=AS_OF,
        backtest_as_of=AS_OF,
        chosen=chosen,
        artifact="-",
        sha256="-",
        fit_seconds=1,
    )


@pytest.mark.parametrize("chosen", ["lr", "rule"])
def test_the_ranking_orders_by_the_model_only_where_it_won(screened_bank, login, chosen):
    from postloan.risk.models import CustomerRiskView

    views = list(CustomerRiskView.objects.filter(as_of=AS_OF).order_by("rank"))
    assert len(views) >= 3
    version = _version(chosen)
    for i, v in enumerate(reversed(views)):  # the model ranks them the other way round
        CustomerScore.objects.create(
            version=version,
            as_of=AS_OF,
            customer_code=v.customer_id,
            pd=0.5 - i / 100,
            band=6,
            model_rank=i + 1,
            rule_rank=len(views) - i,
            rule_score=v.score,
            factors=[{"feature": "n_red", "points": 1.0, "text": "预警信号 红1橙0黄0"}],
        )
    page = login(screened_bank.users["admin"]).get("/risk/ranking/?order=model")
    body = page.content.decode()
    names = [v.customer.name for v in views]
    positions = [body.index(n) for n in names]
    if chosen == "lr":
        assert positions == sorted(positions, reverse=True)
        assert "按违约概率模型" in body
    else:
        assert positions == sorted(positions)
        assert "未在回测中优于规则风险分" in body
    assert "预警信号 红1橙0黄0" in body  # the model's column with its factors
