"""The data behind an account manager's report: the 13 items pre-filled and 附件1–3 + invoices.

Everything is read from the portfolio (flows, invoices, statements, credit reports, events,
guarantees, collateral values) and the risk app's signals. Amounts are strings of yuan so the
snapshot stored with the report is exact JSON.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from postloan.core import formats
from postloan.forecast.scoring import latest_score
from postloan.portfolio.choices import CLASS_LABELS
from postloan.portfolio.models import Disbursement, Guarantee, RiskEvent, TaxInvoice, Transaction
from postloan.risk.current import loans_with_current_class
from postloan.risk.models import Signal
from postloan.risk.sales_return import ratio_over, return_months
from postloan.worklist.covenants import covenant_statuses
from postloan.worklist.credit_files import missing_by_customer
from postloan.worklist.models import Inspection

ZERO = Decimal("0")
MONTHS = 12


def _yuan(value) -> str:
    return formats.yuan(value or ZERO)


def _wan(value) -> str:
    return formats.wan_text(value or ZERO)


def _month_start(day: dt.date, back: int) -> dt.date:
    year, month = day.year, day.month - back
    while month <= 0:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def attachments(customer, as_of: dt.date) -> dict:
    since = _month_start(as_of, MONTHS - 1)
    disb = [
        {
            "loan_id": d.loan_id,
            "pay_date": d.pay_date.isoformat(),
            "amount": _yuan(d.amount),
            "payee": d.payee_name,
            "declared_purpose": d.declared_purpose,
            "approved_purpose": d.loan.purpose,
        }
        for d in Disbursement.objects.filter(loan__customer=customer)
        .select_related("loan")
        .order_by("-pay_date")[:50]
    ]
    flows = (
        Transaction.objects.filter(
            account__customer=customer, txn_date__gte=since, txn_date__lte=as_of
        )
        .annotate(m=TruncMonth("txn_date"))
        .values("m", "direction", "category")
        .annotate(total=Sum("amount"))
    )
    by_month: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in flows:
        month = row["m"].strftime("%Y-%m")
        if row["direction"] == "in" and row["category"] == "sales_proceeds":
            key = "sales_in"
        elif row["direction"] == "out" and row["category"] == "purchase":
            key = "purchase_out"
        else:
            key = f"other_{row['direction']}"
        by_month[month][key] += row["total"]
    invoices: dict[str, Decimal] = defaultdict(lambda: ZERO)
    invoice_rows = []
    for inv in TaxInvoice.objects.filter(
        customer=customer, month__gte=since, month__lte=as_of
    ).order_by("month", "invoice_type"):
        month = inv.month.strftime("%Y-%m")
        invoices[month] += inv.amount
        invoice_rows.append(
            {
                "month": month,
                "type": inv.get_invoice_type_display(),
                "count": inv.count,
                "amount": _yuan(inv.amount),
            }
        )
    months = sorted(set(by_month) | set(invoices))
    fund_table = [
        {
            "month": m,
            "sales_in": _yuan(by_month[m]["sales_in"]),
            "purchase_out": _yuan(by_month[m]["purchase_out"]),
            "other_in": _yuan(by_month[m]["other_in"]),
            "other_out": _yuan(by_month[m]["other_out"]),
        }
        for m in months
    ]
    # 归行率: the one figure (`risk.sales_return`, EW-RETURN-RATIO's); like with like in total.
    shown = return_months([customer.pk], since, as_of)[customer.pk]  # the 12 months, as 附件3
    return_table = [
        {
            "month": f"{r.month:%Y-%m}",
            "revenue": _yuan(r.revenue),
            "received": _yuan(r.proceeds),
            "ratio": f"{r.ratio * 100:.1f}%" if r.ratio is not None else "—",
        }
        for r in shown
    ]
    total_ratio = ratio_over(shown)
    total_rev = sum((r.revenue for r in shown if r.revenue is not None), ZERO)
    total_in = sum((r.proceeds for r in shown if r.revenue is not None), ZERO)
    conditions = covenant_statuses(as_of, [customer.pk])
    return {
        "covenants": [
            {
                "id": st.covenant.covenant_id,
                "condition": st.text,
                "frequency": st.frequency_label,
                "state": st.state_label,
                "detail": st.detail,
            }
            for st in conditions
        ],
        "credit_files_missing": missing_by_customer([customer.pk]).get(customer.pk, []),
        "fund_use": disb,
        "fund_flows": fund_table,
        "return_ratio": return_table,
        "return_ratio_total": f"{total_ratio * 100:.1f}%" if total_ratio is not None else "—",
        "invoices": invoice_rows,
        "totals": {
            "sales_in": _yuan(total_in),
            "sales_in_all": _yuan(sum((by_month[m]["sales_in"] for m in months), ZERO)),
            "revenue": _yuan(total_rev),
            "invoiced": _yuan(sum(invoices.values(), ZERO)),
        },
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
            pct = (values[-1].market_value - c.appraised_value) / c.appraised_value * 100
            change = f"，较评估价变动{pct:+.1f}%"
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
        or "系统中无账户流水。",
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
