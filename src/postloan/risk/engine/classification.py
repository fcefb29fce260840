"""From floors to the suggested class of every loan on the book.

1. Stage-1 floors (per loan) → ``eng_worst1``.
2. Holds (non-performing not yet upgradable; restructured-while-NPL in observation).
3. ``eng_s1`` = the per-loan result; customer-wide floors read it (NPL elsewhere, contagion).
4. The suggestion is the worst floor of all (``normal`` when none). Collateral and guarantees
   appear in no floor query: they never lift a loan above a floor.
"""

from __future__ import annotations

from postloan.risk.engine.context import Ctx, text
from postloan.risk.engine.registry import Rule, reason_prefix

FLOORS_DDL = """
CREATE OR REPLACE TEMP TABLE eng_floors (
    loan_id VARCHAR, rule_id VARCHAR, floor_class VARCHAR, evidence VARCHAR, detail_zh VARCHAR)
"""


def insert_floors(ctx: Ctx, floor_rule: Rule) -> None:
    meta = floor_rule.meta
    floor = "q.floor_class" if meta.floor_class is None else text(meta.floor_class)
    ctx.run(
        f"""
        INSERT INTO eng_floors
        SELECT q.loan_id, {text(meta.rule_id)}, {floor}, q.evidence, q.detail_zh
        FROM ({floor_rule.query(ctx)}) q
        """
    )


def worst_after_stage_1(ctx: Ctx) -> None:
    ctx.table(
        "eng_worst1",
        """
        SELECT loan_id, max(class_ord(floor_class)) AS worst_ord FROM eng_floors GROUP BY loan_id
        """,
    )


def per_loan_result(ctx: Ctx) -> None:
    ctx.table(
        "eng_s1",
        """
        SELECT b.loan_id, b.customer_id, b.retail, b.balance, b.current_class,
               coalesce(max(class_ord(f.floor_class)), 0) AS s1_ord
        FROM eng_book b LEFT JOIN eng_floors f USING (loan_id)
        GROUP BY ALL
        """,
    )


def assemble(ctx: Ctx, floor_rules: list[Rule]) -> None:
    values = ", ".join(f"({text(r.rule_id)}, {text(reason_prefix(r.meta))})" for r in floor_rules)
    ctx.table("eng_floor_meta", f"SELECT * FROM (VALUES {values}) t(rule_id, prefix)")
    ctx.table(
        "eng_loan_floors",
        """
        SELECT f.loan_id, f.rule_id, f.floor_class, m.prefix || '：' || f.detail_zh AS reason_zh,
               f.evidence
        FROM eng_floors f JOIN eng_floor_meta m USING (rule_id)
        ORDER BY f.loan_id, class_ord(f.floor_class) DESC, f.rule_id
        """,
    )
    D = ctx.D
    ctx.table(
        "eng_loan_classification",
        f"""
        SELECT b.loan_id, b.customer_id, {D} AS as_of, d.dpd, b.current_class,
               class_of(coalesce(max(class_ord(f.floor_class)), 0)) AS suggested_class,
               coalesce(string_agg(f.rule_id, ';'
                        ORDER BY class_ord(f.floor_class) DESC, f.rule_id), '') AS rule_ids,
               coalesce(string_agg(f.reason_zh, '；'
                        ORDER BY class_ord(f.floor_class) DESC, f.rule_id), '') AS reasons,
               CASE WHEN coalesce(max(class_ord(f.floor_class)), 0) > class_ord(b.current_class)
                    THEN 'downgrade'
                    WHEN coalesce(max(class_ord(f.floor_class)), 0) < class_ord(b.current_class)
                    THEN 'upgrade' ELSE 'same' END AS change,
               d.dpd BETWEEN 1 AND 7 AS waivable_technical
        FROM eng_book b JOIN eng_loan_dpd d USING (loan_id)
        LEFT JOIN eng_loan_floors f USING (loan_id)
        GROUP BY b.loan_id, b.customer_id, d.dpd, b.current_class
        ORDER BY b.loan_id
        """,
    )
