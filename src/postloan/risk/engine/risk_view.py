"""The composite per-customer risk view that ranks customers for the meeting agenda.

Score = classification (worst suggested class) + overdue days + signal weight + signal breadth
(number of families) + exposure size. Each dimension is capped below half the total so no
single indicator decides the rank alone (the seed's complaint about 指标过于单一).
Ties break on exposure, then customer id. ``explanation_zh`` names the dimensions that added
to the score, largest first.
"""

from __future__ import annotations

from postloan.risk.engine.context import Ctx
from postloan.risk.engine.registry import FAMILY_ZH

CLASS_POINTS = (
    "CASE worst_ord WHEN 0 THEN 0 WHEN 1 THEN 10 WHEN 2 THEN 20 WHEN 3 THEN 25 ELSE 30 END"
)
# overdue days: 0–20 points, linear to 360 days
DPD_POINTS = "CAST(least(max_dpd, 360) * 20 // 360 AS INTEGER)"
# signals: red 6, orange 3, yellow 1, capped at 25
SIGNAL_POINTS = "least(n_red * 6 + n_orange * 3 + n_yellow, 25)"
# breadth: 3 per family with a signal, capped at 15
BREADTH_POINTS = "least(n_families * 3, 15)"
# exposure: 0–10 points, 1 per doubling above 100,000 yuan
EXPOSURE_POINTS = (
    "CAST(CASE WHEN exposure_fen <= 10000000 THEN 0 "
    "ELSE least(floor(log2(exposure_fen / 10000000.0)) + 1, 10) END AS INTEGER)"
)


def family_columns() -> list[str]:
    return [f for f in FAMILY_ZH if f != "classification"]


def build(ctx: Ctx) -> None:
    fams = family_columns()
    fam_counts = ",\n".join(f"count(*) FILTER (WHERE family = '{f}') AS n_{f}" for f in fams)
    fam_select = ", ".join(f"coalesce(s.n_{f}, 0) AS n_{f}" for f in fams)
    fam_zh = " || ".join(
        f"CASE WHEN n_{f} > 0 THEN '{FAMILY_ZH[f]}' || n_{f} || '、' ELSE '' END" for f in fams
    )
    ctx.table(
        "eng_risk_view",
        f"""
        WITH cls AS (
            SELECT c.customer_id, max(class_ord(c.suggested_class)) AS worst_ord,
                   max(c.dpd) AS max_dpd,
                   sum(b.balance) FILTER (WHERE class_ord(c.suggested_class) >= 2)
                       AS npl_balance_fen
            FROM eng_loan_classification c JOIN eng_book b USING (loan_id)
            GROUP BY c.customer_id
        ), sig AS (
            SELECT customer_id,
                   count(*) FILTER (WHERE level = 'red') AS n_red,
                   count(*) FILTER (WHERE level = 'orange') AS n_orange,
                   count(*) FILTER (WHERE level = 'yellow') AS n_yellow,
                   count(DISTINCT family) AS n_families,
                   {fam_counts}
            FROM eng_signals GROUP BY customer_id
        ), base AS (
            SELECT b.customer_id, b.exposure_fen, class_of(coalesce(c.worst_ord, 0)) AS worst_class,
                   coalesce(c.worst_ord, 0) AS worst_ord, coalesce(c.max_dpd, 0) AS max_dpd,
                   coalesce(c.npl_balance_fen, 0) AS npl_balance_fen,
                   coalesce(s.n_red, 0) AS n_red, coalesce(s.n_orange, 0) AS n_orange,
                   coalesce(s.n_yellow, 0) AS n_yellow,
                   coalesce(s.n_families, 0) AS n_families, {fam_select}
            FROM eng_borrowers b LEFT JOIN cls c USING (customer_id)
            LEFT JOIN sig s USING (customer_id)
        ), points AS (
            SELECT *, {CLASS_POINTS} AS p_class, {DPD_POINTS} AS p_dpd,
                   {SIGNAL_POINTS} AS p_signal, {BREADTH_POINTS} AS p_breadth,
                   {EXPOSURE_POINTS} AS p_exposure
            FROM base
        ), parts AS (
            SELECT *, p_class + p_dpd + p_signal + p_breadth + p_exposure AS score,
                   list_filter([
                       {{'p': p_class, 'k': 1, 't': format('分类{{}}（+{{}}）', class_zh(worst_class), p_class)}},
                       {{'p': p_dpd, 'k': 2, 't': format('最长逾期{{}}天（+{{}}）', max_dpd, p_dpd)}},
                       {{'p': p_signal, 'k': 3, 't': format('预警红{{}}橙{{}}黄{{}}（+{{}}）', n_red, n_orange,
                                                        n_yellow, p_signal)}},
                       {{'p': p_breadth, 'k': 4, 't': format('涉及{{}}类风险：{{}}（+{{}}）', n_families,
                                                          rtrim({fam_zh}, '、'), p_breadth)}},
                       {{'p': p_exposure, 'k': 5, 't': format('敞口{{}}元（+{{}}）', yuan(exposure_fen),
                                                           p_exposure)}}
                   ], lambda x: x.p > 0) AS dims
            FROM points
        )
        SELECT customer_id, exposure_fen, worst_class, max_dpd, npl_balance_fen,
               n_red, n_orange, n_yellow, n_families, {", ".join(f"n_{f}" for f in fams)},
               score,
               row_number() OVER (ORDER BY score DESC, exposure_fen DESC, customer_id) AS rank,
               CASE WHEN len(dims) = 0 THEN '无风险因素'
                    ELSE array_to_string(list_transform(
                        list_sort(list_transform(dims, lambda x: {{'neg': -x.p, 'k': x.k, 't': x.t}})),
                        lambda x: x.t), '；') END AS explanation_zh
        FROM parts
        ORDER BY rank
        """,
    )
