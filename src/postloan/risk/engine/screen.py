"""`screen(con, as_of, thresholds)`: run every rule set-based and return the results.

The connection holds the inputs (see `inputs.py`); the engine adds temp tables prefixed
``eng_``/``in_`` to it (replaced on every run, so screening twice gives the same result) and
returns Arrow tables, sorted by their keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa

from postloan.risk.engine import (
    basis,
    classification,
    coverage,
    dpd,
    figures,
    group_review,
    risk_view,
)
from postloan.risk.engine.context import Ctx, text
from postloan.risk.engine.registry import FAMILY_ZH, Rule, reason_prefix, rules
from postloan.risk.engine.restructuring import prepare_restructuring
from postloan.risk.engine.thresholds import Thresholds


@dataclass(frozen=True)
class ScreeningResult:
    as_of: date
    loan_dpd: pa.Table
    loan_floors: pa.Table
    loan_classification: pa.Table
    signals: pa.Table
    not_evaluated: pa.Table
    risk_view: pa.Table
    review_tasks: pa.Table
    data_issues: pa.Table
    # the figures persisted for other readers (`figures.py`)
    return_months: pa.Table = field(default_factory=pa.table, compare=False)
    fund_use_trail: pa.Table = field(default_factory=pa.table, compare=False)

    def tables(self) -> dict[str, pa.Table]:
        return {
            "loan_dpd": self.loan_dpd,
            "loan_floors": self.loan_floors,
            "loan_classification": self.loan_classification,
            "signals": self.signals,
            "not_evaluated": self.not_evaluated,
            "risk_view": self.risk_view,
            "review_tasks": self.review_tasks,
            "data_issues": self.data_issues,
            "return_months": self.return_months,
            "fund_use_trail": self.fund_use_trail,
        }


SIGNALS_DDL = """
CREATE OR REPLACE TEMP TABLE eng_signals (
    rule_id VARCHAR, family VARCHAR, level VARCHAR, customer_id VARCHAR, loan_id VARCHAR,
    evidence VARCHAR, summary_zh VARCHAR)
"""
NOT_EVALUATED_DDL = """
CREATE OR REPLACE TEMP TABLE eng_not_evaluated (
    customer_id VARCHAR, rule_id VARCHAR, reason_zh VARCHAR)
"""


def screen(con, as_of: date, thresholds: Thresholds | None = None) -> ScreeningResult:
    ctx = Ctx(con=con, as_of=as_of, th=thresholds or Thresholds())
    basis.prepare(ctx)
    figures.return_months(ctx)
    figures.fund_use_trail(ctx)
    dpd.loan_dpd(ctx)
    prepare_restructuring(ctx)
    ctx.run(NOT_EVALUATED_DDL)

    all_rules = rules()
    runnable = [r for r in all_rules if _inputs_present(ctx, r)]
    floors = [r for r in runnable if r.meta.kind == "floor"]
    signal_rules = [r for r in runnable if r.meta.kind == "signal"]

    ctx.run(classification.FLOORS_DDL)
    for stage in (1, 2, 3):
        if stage == 2:
            classification.worst_after_stage_1(ctx)
        if stage == 3:
            classification.per_loan_result(ctx)
        for r in floors:
            if r.meta.stage == stage:
                classification.insert_floors(ctx, r)
    classification.assemble(ctx, [r for r in all_rules if r.meta.kind == "floor"])

    ctx.run(SIGNALS_DDL)
    for stage in (1, 2):
        for r in signal_rules:
            if r.meta.stage == stage:
                _insert_signals(ctx, r)
    _coverage(ctx, runnable)

    risk_view.build(ctx)
    group_review.build(ctx)
    return ScreeningResult(
        as_of=as_of,
        loan_dpd=_arrow(con, "SELECT * FROM eng_loan_dpd ORDER BY loan_id"),
        loan_floors=_arrow(
            con,
            "SELECT loan_id, rule_id, floor_class, reason_zh, evidence FROM eng_loan_floors "
            "ORDER BY loan_id, rule_id",
        ),
        loan_classification=_arrow(con, "SELECT * FROM eng_loan_classification ORDER BY loan_id"),
        signals=_arrow(
            con,
            "SELECT rule_id, family, level, customer_id, loan_id, evidence, summary_zh "
            "FROM eng_signals ORDER BY customer_id, rule_id, loan_id NULLS FIRST",
        ),
        not_evaluated=_arrow(
            con,
            "SELECT DISTINCT * FROM eng_not_evaluated "
            "ORDER BY customer_id NULLS FIRST, rule_id, reason_zh",
        ),
        risk_view=_arrow(con, "SELECT * FROM eng_risk_view ORDER BY rank"),
        review_tasks=_arrow(con, "SELECT * FROM eng_review_tasks"),
        data_issues=_arrow(con, "SELECT * FROM eng_data_issues"),
        return_months=_arrow(
            con,
            f"SELECT {', '.join(figures.RETURN_MONTH_COLUMNS)} FROM eng_return_month "
            "ORDER BY customer_id, month",
        ),
        fund_use_trail=_arrow(
            con,
            f"SELECT {', '.join(figures.FUND_USE_TRAIL_COLUMNS[:-1])}, "
            "array_to_string(flags, ',') AS flags FROM eng_fund_use_trail "
            "ORDER BY loan_id, pay_date, payee_name, row_kind DESC, txn_date, txn_id",
        ),
    )


def _inputs_present(ctx: Ctx, r: Rule) -> bool:
    missing = [t for t in r.meta.needs if t not in ctx.available]
    if missing:
        reason = coverage.missing_inputs_reason(missing)
        ctx.run(f"INSERT INTO eng_not_evaluated VALUES (NULL, {text(r.rule_id)}, {text(reason)})")
    return not missing


def _insert_signals(ctx: Ctx, r: Rule) -> None:
    meta = r.meta
    ctx.run(
        f"""
        INSERT INTO eng_signals
        SELECT {text(meta.rule_id)}, {text(meta.family)}, q.level, q.customer_id,
               CAST(q.loan_id AS VARCHAR), q.evidence,
               {text(reason_prefix(meta))} || '：' || q.detail_zh
        FROM ({r.query(ctx)}) q
        """
    )


def _coverage(ctx: Ctx, runnable: list[Rule]) -> None:
    ids = {r.rule_id for r in runnable}
    for rule_id, checks in coverage.per_customer(ctx).items():
        if rule_id not in ids:
            continue
        for sql, reason in checks:
            why = "reason_zh" if reason is None else text(reason)  # None: the query says why
            ctx.run(
                f"INSERT INTO eng_not_evaluated SELECT customer_id, {text(rule_id)}, "
                f"{why} FROM ({sql})"
            )


def _arrow(con, sql: str) -> pa.Table:
    return con.sql(sql).to_arrow_table()


__all__ = ["ScreeningResult", "screen", "FAMILY_ZH"]
