"""The data behind an account manager's report: the 13 items pre-filled and 附件1–3 + invoices.

附件1–3 and the invoices are `meetings.attachments`' tables (the only source; its 归行率 the
screening's persisted figure, its fund-use trail the worklist's), turned into strings here;
the other items read the portfolio (statements, credit reports, events, guarantees, collateral
values) and the risk app's signals. Amounts are strings of yuan through the one formatter
(`core.formats`, ROUND_HALF_UP) so the snapshot stored with the report is exact JSON.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum

from postloan.core import formats
from postloan.forecast.scoring import latest_score
from postloan.meetings import attachments as tables
from postloan.portfolio.choices import CLASS_LABELS
from postloan.portfolio.models import Guarantee, RiskEvent, TaxInvoice
from postloan.risk.current import loans_with_current_class
from postloan.risk.models import Signal
from postloan.worklist.covenants import covenant_statuses
from postloan.worklist.credit_files import missing_by_customer
from postloan.worklist.models import Inspection

ZERO = Decimal("0")
INVOICE_TYPES = dict(TaxInvoice._meta.get_field("invoice_type").flatchoices)


def _yuan(value) -> str:
    return formats.yuan(value or ZERO)


def _wan(value) -> str:
    return formats.wan_text(value or ZERO)


def attachments(customer, as_of: dt.date) -> dict:
    """附件1–3 and the invoices of the report, as strings for its JSON snapshot: the tables of
    `meetings.attachments` (the one source of 附件1–3, which the pages, the Excel and the
    meeting pack render too), each value through the one formatter."""
    flows = tables.monthly_flows(customer, as_of)
    invoices = tables.monthly_invoices(customer, as_of)
    fund_use = tables.fund_use(customer, as_of)
    dynamics = tables.fund_dynamics(customer, as_of, flows)
    returns = tables.revenue_return(customer, as_of)
    months = tables.return_rows(customer, as_of)
    with_revenue = [m for m in months if m.revenue is not None]
    return {
        "covenants": [
            {
                "id": st.covenant.covenant_id,
                "condition": st.text,
                "frequency": st.frequency_label,
                "state": st.state_label,
                "detail": st.detail,
            }
            for st in covenant_statuses(as_of, [customer.pk])
        ],
        "credit_files_missing": missing_by_customer([customer.pk]).get(customer.pk, []),
        "fund_use": [
            {
                "loan_id": r[0],
                "pay_date": formats.day(r[1]),
                "amount": _yuan(r[2]),
                "payee": r[3],
                "declared_purpose": r[5],
                "approved_purpose": r[6],
                "went": r[7],
                "flags": r[8],
            }
            for r in fund_use.rows
        ],
        "fund_flows": [
            {
                "month": f"{r[0]:%Y-%m}",
                "sales_in": _yuan(r[1]),
                "purchase_out": _yuan(r[2]),
                "other_in": _yuan(r[3]),
                "other_out": _yuan(r[4]),
            }
            for r in dynamics.rows
        ],
        "return_ratio": [
            {
                "month": f"{r[0]:%Y-%m}",
                "revenue": _yuan(r[1]),
                "received": _yuan(r[2]),
                "ratio": formats.pct(r[3], 1),
            }
            for r in returns.rows
        ],
        "return_ratio_total": formats.pct(returns.total[3], 1),
        "invoices": [
            {
                "month": f"{month:%Y-%m}",
                "type": INVOICE_TYPES.get(kind, kind),
                "count": r["n"],
                "amount": _yuan(r["amount"]),
            }
            for month, types in invoices.items()
            for kind, r in sorted(types.items())
        ],
        "totals": {
            "sales_in": _yuan(sum((m.proceeds for m in with_revenue), ZERO)),
            "sales_in_all": _yuan(sum((f["sales_in"] for f in flows.values()), ZERO)),
            "revenue": _yuan(sum((m.revenue for m in with_revenue), ZERO)),
            "invoiced": _yuan(
                sum((r["amount"] or ZERO for t in invoices.values() for r in t.values()), ZERO)
            ),
        },
        "has_flows": any(any(f.values()) for f in flows.values()),
    }


def _events_text(customer, types, none_text) -> str:
    rows = RiskEvent.objects.filter(customer=customer, type__in=types).order_by("-event_date")[:10]
    lines = [f"{e.event_date:%Y-%m-%d} {e.get_type_display()}：{e.description}" for e in rows]
    return "；".join(lines) if lines else none_text


def _financials_text(customer) -> str:
    rows = list(customer.financials.order_by("-period_end")[:2])
    if not rows:
        return "系统中无财务报表，请客户经理补充。"
    parts = []
    for f in rows:
        debt = formats.pct(f.debt_ratio, 1)
        cur = formats.ratio(f.current_ratio)
        parts.append(
            f"{f.period_end:%Y-%m-%d}{f.get_period_type_display()}：营业收入{_wan(f.revenue)}，"
            f"净利润{_wan(f.net_profit)}，资产负债率{debt}，流动比率{cur}"
            f"{'（已审计）' if f.audited else ''}"
        )
    return "；".join(parts)


def _credit_text(customer) -> str:
    rows = list(customer.credit_reports.order_by("-report_date")[:2])
    if not rows:
        return "系统中无征信报告，请客户经理查询补充。"
    parts = []
    for r in rows:
        parts.append(
            f"{r.report_date:%Y-%m-%d}：全部金融机构债务{_wan(r.total_debt_all_fi)}，"
            f"逾期{_wan(r.overdue_debt_all_fi)}，对外担保{_wan(r.guarantees_given)}"
            f"{'，在他行有不良' if r.nonperforming_other_fi else ''}"
        )
    return "；".join(parts)


def _guarantees(customer):
    return Guarantee.objects.filter(
        Q(loan__customer=customer) | Q(facility__customer=customer)
    ).select_related("collateral", "guarantor_customer")


def _guarantor_text(customer, as_of: dt.date) -> tuple[str, str]:
    guarantors = [g for g in _guarantees(customer) if g.kind == "guarantor"]
    if not guarantors:
        return "无保证担保。", "无保证担保。"
    ops, capacity = [], []
    for g in guarantors:
        name = g.guarantor_customer.name if g.guarantor_customer else g.guarantor_name
        if g.guarantor_customer:
            worst = loans_with_current_class(
                g.guarantor_customer.loans.filter(status="active"), as_of
            ).values_list("current_cls", flat=True)
            labels = "、".join(CLASS_LABELS.get(c, c) for c in sorted(set(worst)))
            ops.append(f"{name}（本行客户，借据分类：{labels or '无借据'}）")
        else:
            ops.append(f"{name}（非本行客户）")
        capacity.append(f"{name}担保金额{_wan(g.secured_amount)}")
    return "；".join(ops), "；".join(capacity)


def _collateral_text(customer) -> str:
    parts = []
    for g in _guarantees(customer):
        c = g.collateral
        if c is None:
            continue
        values = list(c.values.order_by("value_date"))
        trend = "，".join(f"{v.value_date:%Y-%m}市值{_wan(v.market_value)}" for v in values[-4:])
        change = ""
        if values and c.appraised_value:
            moved = (values[-1].market_value - c.appraised_value) / c.appraised_value
            change = f"，较评估价变动{'+' if moved >= 0 else ''}{formats.pct(moved, 1)}"
        parts.append(
            f"{c.description or c.collateral_id}：评估价{_wan(c.appraised_value)}"
            f"（{c.appraisal_date:%Y-%m-%d}）{('；' + trend) if trend else ''}{change}"
        )
    return "；".join(parts) if parts else "无抵质押物。"


def _signals_text(customer) -> str:
    rows = Signal.objects.filter(customer=customer).order_by("-raised_on")[:10]
    lines = [
        f"{s.raised_on:%Y-%m-%d} {s.get_level_display()}{s.summary or s.rule_id}："
        f"{s.get_status_display()}{('，措施：' + s.measures) if s.measures else ''}"
        for s in rows
    ]
    for i in Inspection.objects.filter(customer=customer, has_problem=True).order_by("-done_date")[
        :5
    ]:
        lines.append(f"{i.done_date:%Y-%m-%d} 贷后检查发现问题")
    text = "；".join(lines) if lines else "未发现预警信号。"
    model = model_text(customer.customer_id)
    return f"{text}\n{model}" if model else text


def model_text(customer_id: str) -> str:
    """The default-probability model's advice (forecast): PD, ranks and top factors."""
    score = latest_score(customer_id)
    if score is None:
        return ""
    factors = score.factors_zh or "无突出因素"
    return (
        f"违约概率模型（v{score.version_id}，{score.as_of:%Y-%m-%d}）：12个月违约概率"
        f"{float(score.pd):.1%}（模型排名第{score.model_rank}，规则风险分排名第{score.rule_rank}）；"
        f"主要因素：{factors}。模型仅供参考，不改变分类。"
    )


def _conditions_text(att: dict) -> str:
    """审批条件 and 信贷档案, as the 13-item report's 风险信号 item closes."""
    parts = []
    if att["covenants"]:
        counts: dict[str, int] = defaultdict(int)
        for c in att["covenants"]:
            counts[c["state"]] += 1
        summary = "、".join(f"{state}{n}项" for state, n in counts.items())
        breached = [f"{c['id']}（{c['condition']}）{c['detail']}" for c in att["covenants"]
                    if c["state"] == "违约"]  # fmt: skip
        pending = [c["id"] for c in att["covenants"] if c["state"] == "待确认"]
        text = f"审批条件落实情况：{summary}"
        if breached:
            text += "；违约：" + "；".join(breached)
        if pending:
            text += f"；待客户经理确认：{'、'.join(pending)}"
        parts.append(text)
    if att["credit_files_missing"]:
        parts.append("信贷档案缺失：" + "；".join(att["credit_files_missing"]))
    return "。".join(parts)


def prefill(customer, as_of: dt.date) -> dict[str, str]:
    att = attachments(customer, as_of)
    balance = customer.loans.filter(status="active").aggregate(t=Sum("balance"))["t"]
    active = loans_with_current_class(customer.loans.filter(status="active"), as_of)
    classes = [
        CLASS_LABELS.get(c, c) for c in sorted(set(active.values_list("current_cls", flat=True)))
    ]
    flows = att["fund_flows"][-3:]
    guar_ops, guar_cap = _guarantor_text(customer, as_of)
    return {
        "legality": _events_text(
            customer,
            ["dishonest", "enforcement", "bankruptcy", "evade_debt", "asset_seized"],
            "系统未发现失信、被执行、破产等影响持续经营合法性的事件。",
        ),
        "operations": f"用信余额{_wan(balance)}，借据分类：{'、'.join(classes) or '无'}；"
        f"近12个月开票收入{att['totals']['invoiced']}元。",
        "fund_flows": "；".join(
            f"{r['month']}销售回笼{r['sales_in']}元、采购支付{r['purchase_out']}元" for r in flows
        )
        if att["has_flows"]
        else "系统中无账户流水。",
        "return_ratio": (
            f"近12个月（有销售收入数据的月份）销售资金归行率{att['return_ratio_total']}"
            f"（本行回笼{att['totals']['sales_in']}元／销售收入{att['totals']['revenue']}元）。"
            if att["return_ratio_total"] != "—"
            else f"近12个月本行销售回笼{att['totals']['sales_in_all']}元；系统中无开票数据，"
            "也无财务报表营业收入，归行率无法计算，请客户经理补充纳税开票情况。"
        ),
        "financials": _financials_text(customer),
        "credit_report": _credit_text(customer),
        "controller": f"实际控制人：{customer.actual_controller or '—'}；"
        + _events_text(
            customer, ["controller_missing", "controller_change"], "未发现实际控制人异常事件。"
        ),
        "prospects": _events_text(customer, ["policy_impact"], "未发现行业/区域政策影响事件。"),
        "guarantor_operations": guar_ops,
        "guarantee_capacity": guar_cap,
        "collateral_trend": _collateral_text(customer),
        "signals": "。".join(t for t in (_signals_text(customer), _conditions_text(att)) if t),
        "measures": "",
    }
