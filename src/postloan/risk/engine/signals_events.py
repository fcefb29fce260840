"""Signals from risk events and lists: judicial, governance, policy, inspection, news.

Events count from ``event_date`` (on or before the as-of date) until released; one signal per
customer and rule, at the highest level of its events, listing them all.
"""

from __future__ import annotations

from postloan.risk.engine.context import Ctx, num
from postloan.risk.engine.registry import rule

EVENT_ZH = (
    "CASE e.type WHEN 'litigation' THEN '涉诉' WHEN 'enforcement' THEN '被执行' "
    "WHEN 'dishonest' THEN '失信被执行人' WHEN 'equity_frozen' THEN '股权冻结' "
    "WHEN 'asset_seized' THEN '资产查封' WHEN 'controller_missing' THEN '实控人失联' "
    "WHEN 'controller_change' THEN '实控人变更' WHEN 'policy_impact' THEN '行业/区域政策影响' "
    "WHEN 'inspection_finding' THEN '检查发现重大问题' WHEN 'negative_news' THEN '负面舆情' "
    "ELSE e.type END"
)


def _events(level_sql: str, types: tuple[str, ...], extra_cte: str = "") -> str:
    type_list = ", ".join(f"'{t}'" for t in types)
    return f"""
        WITH {extra_cte or "dummy AS (SELECT 1)"}, hits AS (
            SELECT e.customer_id, e.event_id, e.event_date, e.type, e.amount,
                   {level_sql} AS level, {EVENT_ZH} AS type_zh
            FROM eng_open_events e SEMI JOIN eng_borrowers b ON b.customer_id = e.customer_id
            WHERE e.type IN ({type_list})
        )
        SELECT customer_id, NULL AS loan_id, level_of(max(level_ord(level))) AS level,
               CAST(to_json({{'events': list({{'event_id': event_id, 'event_date': event_date,
                     'type': type, 'amount_fen': amount, 'level': level}}
                     ORDER BY event_date, event_id)}}) AS VARCHAR) AS evidence,
               string_agg(format('{{}} {{}}{{}}', event_date, type_zh,
                      CASE WHEN amount IS NOT NULL THEN format('（涉及 {{}} 元）', yuan(amount))
                           ELSE '' END), '；' ORDER BY event_date, event_id) AS detail_zh
        FROM hits GROUP BY customer_id
    """


@rule("EW-LITIGATION")
def lawsuits_and_enforcement(ctx: Ctx) -> str:
    """litigation / enforcement: orange, red when the amount >= 10% of net assets (latest
    statement; non-positive net assets count as exceeded); dishonest / asset_seized /
    equity_frozen: red."""
    share = num(ctx.th.litigation_red_share_of_net_assets)
    net = """net AS (SELECT customer_id, total_assets - total_liabilities AS net_assets
                     FROM eng_fin WHERE rn = 1)"""
    level = f"""CASE WHEN e.type IN ('dishonest', 'asset_seized', 'equity_frozen') THEN 'red'
                     WHEN e.amount > 0 AND e.amount >= (SELECT n.net_assets * {share} FROM net n
                          WHERE n.customer_id = e.customer_id) THEN 'red'
                     ELSE 'orange' END"""
    return _events(
        level,
        ("litigation", "enforcement", "dishonest", "asset_seized", "equity_frozen"),
        net,
    )


@rule("EW-CONTROLLER")
def controller_missing_or_changed(ctx: Ctx) -> str:
    level = "CASE WHEN e.type = 'controller_missing' THEN 'red' ELSE 'orange' END"
    return _events(level, ("controller_missing", "controller_change"))


@rule("EW-NEWS")
def negative_news(ctx: Ctx) -> str:
    return _events("'yellow'", ("negative_news",))


@rule("EW-POLICY")
def policy_hits_industry_or_region(ctx: Ctx) -> str:
    """An open ``policy_impact`` event, or the customer's industry code starts with a prefix on
    the restricted-industry list of its branch or of any branch above it."""
    return f"""
        WITH RECURSIVE anc(branch_code, ancestor) AS (
            SELECT branch_code, branch_code FROM eng_borrowers
            UNION
            SELECT a.branch_code, br.parent_code FROM anc a
            JOIN in_branches br ON br.branch_code = a.ancestor
            WHERE br.parent_code IS NOT NULL
        ), findings AS (
            SELECT e.customer_id, e.event_date AS on_date,
                   format('{{}} {{}}', e.event_date, {EVENT_ZH}) AS what, e.event_id AS ref
            FROM eng_open_events e SEMI JOIN eng_borrowers b ON b.customer_id = e.customer_id
            WHERE e.type = 'policy_impact'
            UNION ALL
            SELECT DISTINCT b.customer_id, NULL,
                   format('行业 {{}} 属于 {{}} 限制类行业（{{}}）', b.industry_code, r.branch_code,
                          r.industry_prefix), r.branch_code || ':' || r.industry_prefix
            FROM eng_borrowers b JOIN anc ON anc.branch_code = b.branch_code
            JOIN in_restricted_industries r ON r.branch_code = anc.ancestor
            WHERE b.industry_code IS NOT NULL AND r.industry_prefix IS NOT NULL
              AND starts_with(b.industry_code, r.industry_prefix)
        )
        SELECT customer_id, NULL AS loan_id, 'orange' AS level,
               CAST(to_json({{'findings': list(what ORDER BY what)}}) AS VARCHAR) AS evidence,
               string_agg(what, '；' ORDER BY what) AS detail_zh
        FROM findings GROUP BY customer_id
    """


@rule("EW-INSPECTION")
def inspection_found_problems(ctx: Ctx) -> str:
    """An open ``inspection_finding`` event, or an inspection finding recorded in the last
    ``inspection_finding_lookback_days`` (input ``inspection_findings``)."""
    D = ctx.D
    return f"""
        WITH findings AS (
            SELECT e.customer_id, format('{{}} 检查发现重大问题（事件 {{}}）', e.event_date,
                                         e.event_id) AS what
            FROM eng_open_events e SEMI JOIN eng_borrowers b ON b.customer_id = e.customer_id
            WHERE e.type = 'inspection_finding'
            UNION ALL
            SELECT f.customer_id, format('{{}} 现场检查发现问题：{{}}', f.found_on,
                                         coalesce(f.description, '未填写'))
            FROM in_inspection_findings f SEMI JOIN eng_borrowers b
              ON b.customer_id = f.customer_id
            WHERE f.found_on <= {D}
              AND f.found_on >= {ctx.days_before(ctx.th.inspection_finding_lookback_days)}
        )
        SELECT customer_id, NULL AS loan_id, 'orange' AS level,
               CAST(to_json({{'findings': list(what ORDER BY what)}}) AS VARCHAR) AS evidence,
               string_agg(what, '；' ORDER BY what) AS detail_zh
        FROM findings GROUP BY customer_id
    """
