"""Hand-built screening results: the engine's Arrow tables, small enough to read."""

import datetime as dt
import json
from dataclasses import dataclass, field

import pyarrow as pa

AS_OF = dt.date(2026, 10, 31)


@dataclass
class Result:
    loan_dpd: pa.Table
    loan_floors: pa.Table
    loan_classification: pa.Table
    signals: pa.Table
    not_evaluated: pa.Table
    risk_view: pa.Table
    review_tasks: pa.Table = field(default_factory=lambda: pa.table({}))
    data_issues: pa.Table = field(default_factory=lambda: pa.table({}))


def classification_row(loan_id, customer_id, dpd, current, suggested, rules="", reasons=""):
    order = ["normal", "special_mention", "substandard", "doubtful", "loss"]
    change = (
        "same"
        if current == suggested
        else ("downgrade" if order.index(suggested) > order.index(current) else "upgrade")
    )
    return {
        "loan_id": loan_id,
        "customer_id": customer_id,
        "as_of": AS_OF,
        "dpd": dpd,
        "current_class": current,
        "suggested_class": suggested,
        "rule_ids": rules,
        "reasons": reasons,
        "change": change,
        "waivable_technical": 1 <= dpd <= 7,
    }


WORSE_FLOORS = {
    "substandard": ("CLS-SUB-DPD90", "本金、利息逾期超过90天"),
    "doubtful": ("CLS-DBT-DPD270", "本金、利息逾期超过270天"),
    "loss": ("CLS-LOSS-DPD360", "本金、利息逾期超过360天"),
}


def signal_row(rule_id, customer_id, loan_id=None, level="orange", family="repayment", **ev):
    return {
        "rule_id": rule_id,
        "family": family,
        "level": level,
        "customer_id": customer_id,
        "loan_id": loan_id,
        "evidence": json.dumps(ev or {"dpd": 41}, ensure_ascii=False),
        "summary_zh": f"{rule_id} 触发",
    }


def make_result(
    *,
    l003_dpd: int = 41,
    l003_suggested: str = "special_mention",
    signals: list[dict] | None = None,
    as_of: dt.date = AS_OF,
) -> Result:
    # The suggestion is the worst floor (as the engine makes it): a worse one gets its rule.
    worse = WORSE_FLOORS.get(l003_suggested)
    l003_rules = ";".join(r for r in (worse and worse[0], "CLS-SM-DPD") if r)
    classification = [
        classification_row("L001", "C001", 0, "normal", "normal"),
        classification_row("L002", "C002", 0, "normal", "normal"),
        classification_row(
            "L003",
            "C003",
            l003_dpd,
            "special_mention",
            l003_suggested,
            l003_rules,
            f"逾期{l003_dpd}天（第九条）",
        ),
    ]
    for row in classification:
        row["as_of"] = as_of
    if signals is None:
        signals = [signal_row("EW-DPD", "C003", "L003", dpd=l003_dpd)]
    return Result(
        loan_dpd=pa.Table.from_pylist(
            [
                {
                    "loan_id": "L003",
                    "customer_id": "C003",
                    "dpd": l003_dpd,
                    "overdue_since": dt.date(2026, 9, 20),
                    "overdue_principal_fen": 0,
                    "overdue_interest_fen": 2175000,
                }
            ]
        ),
        loan_floors=pa.Table.from_pylist(
            [
                {
                    "loan_id": "L003",
                    "rule_id": "CLS-SM-DPD",
                    "floor_class": "special_mention",
                    "reason_zh": f"逾期{l003_dpd}天",
                    "evidence": json.dumps({"dpd": l003_dpd}),
                }
            ]
            + (
                [
                    {
                        "loan_id": "L003",
                        "rule_id": worse[0],
                        "floor_class": l003_suggested,
                        "reason_zh": f"{worse[1]}：逾期{l003_dpd}天",
                        "evidence": json.dumps({"dpd": l003_dpd}),
                    }
                ]
                if worse
                else []
            )
        ),
        loan_classification=pa.Table.from_pylist(classification),
        signals=pa.Table.from_pylist(
            signals,
            schema=pa.schema(
                [
                    ("rule_id", pa.string()),
                    ("family", pa.string()),
                    ("level", pa.string()),
                    ("customer_id", pa.string()),
                    ("loan_id", pa.string()),
                    ("evidence", pa.string()),
                    ("summary_zh", pa.string()),
                ]
            ),
        ),
        not_evaluated=pa.Table.from_pylist(
            [{"customer_id": "C003", "rule_id": "EW-LEVERAGE", "reason_zh": "无财务报表，未评估"}]
        ),
        risk_view=pa.Table.from_pylist(
            [
                {
                    "customer_id": cid,
                    "exposure_fen": exp,
                    "worst_class": worst,
                    "max_dpd": dpd,
                    "npl_balance_fen": 0,
                    "n_yellow": 0,
                    "n_orange": orange,
                    "n_red": 0,
                    "n_repayment": orange,
                    "n_families": 1 if orange else 0,
                    "score": score,
                    "rank": rank,
                    "explanation_zh": expl,
                }
                for cid, exp, worst, dpd, orange, score, rank, expl in [
                    (
                        "C003",
                        300000000,
                        "special_mention",
                        l003_dpd,
                        1,
                        42.5,
                        1,
                        "逾期41天；橙色预警1条",
                    ),
                    ("C001", 400000000, "normal", 0, 0, 3.0, 2, "无预警"),
                    ("C002", 15000000, "normal", 0, 0, 0.5, 3, "无预警"),
                ]
            ]
        ),
    )
