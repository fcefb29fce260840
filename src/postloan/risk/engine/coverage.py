"""Not evaluated (未评估): which rule could not judge whom, and why.

- A rule whose input table is absent: one row with ``customer_id`` NULL for the whole run.
- A rule whose table is present but holds nothing for a customer: one row per non-retail
  borrower (retail files rarely carry statements or reports; their absence is normal).
- EW-COVENANT: one row per condition in force it could not test, the reason naming it.
"""

from __future__ import annotations

from postloan.risk.engine import signals_covenants
from postloan.risk.engine.context import Ctx
from postloan.risk.engine.inputs import TABLE_ZH

NON_RETAIL = "SELECT customer_id FROM eng_borrowers WHERE NOT retail"

NO_FIN = (
    f"{NON_RETAIL} AND customer_id NOT IN (SELECT customer_id FROM eng_fin)",
    "无财务报表，未评估",
)
NO_CREDIT = (
    f"{NON_RETAIL} AND customer_id NOT IN (SELECT customer_id FROM eng_credit)",
    "无征信报告，未评估",
)
NO_FUNDS = (
    f"{NON_RETAIL} AND customer_id NOT IN (SELECT customer_id FROM eng_funds)",
    "无本行账户余额，未评估",
)
NO_FLOWS = (
    f"{NON_RETAIL} AND customer_id NOT IN (SELECT customer_id FROM eng_cust_month)",
    "无本行账户流水，未评估",
)


def per_customer(ctx: Ctx) -> dict[str, list[tuple[str, str]]]:
    M = ctx.last_complete_month
    no_invoices_year_ago = (
        f"""{NON_RETAIL} AND customer_id NOT IN (
            SELECT customer_id FROM in_tax_invoices
            WHERE month <= CAST({M} - INTERVAL 12 MONTH AS DATE)
              AND month > CAST({M} - INTERVAL {12 + int(ctx.th.tax_window_months)} MONTH AS DATE))""",
        "无上年同期开票数据，未评估",
    )
    no_revenue = (
        f"""{NON_RETAIL} AND customer_id NOT IN (SELECT customer_id FROM in_tax_invoices
                                                 WHERE month = {M})
            AND customer_id NOT IN (SELECT customer_id FROM eng_fin WHERE revenue > 0)""",
        "无当月开票或报表收入，未评估",
    )
    return {
        "EW-REVENUE-DROP": [NO_FIN],
        "EW-LEVERAGE": [NO_FIN],
        "EW-LIQUIDITY": [NO_FIN],
        "EW-OCF-NEG": [NO_FIN],
        "EW-GUARANTEES-GIVEN": [NO_FIN, NO_CREDIT],
        "EW-TAX-DROP": [no_invoices_year_ago],
        "EW-CREDIT-OVERDUE": [NO_CREDIT],
        "EW-CREDIT-DEBT-JUMP": [NO_CREDIT],
        "CLS-SUB-CROSS20": [NO_CREDIT],
        "EW-RETURN-RATIO": [NO_FLOWS, no_revenue],
        "EW-INFLOW-DROP": [NO_FLOWS],
        "EW-MATURITY-FUNDS": [NO_FUNDS],
        "EW-INTEREST-FUNDS": [NO_FUNDS],
        # one row per untested condition, its reason naming it (the query gives reason_zh)
        "EW-COVENANT": [(signals_covenants.untested_sql(ctx), None)],
    }


def missing_inputs_reason(missing: list[str]) -> str:
    names = "、".join(f"{TABLE_ZH.get(m, m)}（{m}）" for m in missing)
    return f"缺少输入：{names}，未评估"
