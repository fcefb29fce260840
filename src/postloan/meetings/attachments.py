"""The quantitative attachments of a customer's meeting report (工作规则 第四条), as tables:
the only source of 附件1–3. The pre-filled report (`meetings.prefill`, stored with the report
when the meeting is scheduled), the 附件 page (`reports`), its Excel and the meeting pack
(`documents`) all render these tables. (They live in the meetings room, not in `reports`,
because scheduling a meeting — a meetings action — stores them, and a room reads only below.)

- 附件1 授信资金使用情况表（信贷资金用后跟踪表）: every disbursement — payee, amount, date, declared
  and approved purpose — and where the money went: the screening engine's persisted fund-use
  trail as the worklist's page shows it (`worklist.fund_use.trail_for_loan`; EW-FUND-USE's
  findings are its flagged rows).
- 附件2 授信客户资金动态表: per month, the customer's accounts here: 销售回笼款流入 (category
  sales_proceeds, in), 采购流出 (purchase, out), other inflows and outflows, net flow.
- 附件3 销售收入归行对照表: per month, sales revenue — the invoiced amount (增票 + 普票), else the
  latest statement's revenue per month — against sales proceeds received here; 归行率 = proceeds
  ÷ revenue: the screening's persisted figure (`risk.queries.sales_return`), EW-RETURN-RATIO's.
- 客户纳税发票汇总表: per month, 增票 and 普票: count, amount, tax.
The window is the 12 calendar months ending with the as-of month. Each function reads a few
aggregate queries for one customer; none loops over rows with queries.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from postloan.core.formats import yuan_text
from postloan.core.tables import DATE, INT, MONEY, MONTH, PERCENT, TEXT, Column, Table
from postloan.portfolio.models import Loan, TaxInvoice, Transaction
from postloan.risk.queries import latest_screening, ratio_over, sales_return
from postloan.worklist.fund_use import trail_for_loan

ZERO = Decimal("0")
MONTHS = 12


def month_starts(as_of: dt.date, count: int = MONTHS) -> list[dt.date]:
    year, month = as_of.year, as_of.month
    out = []
    for _ in range(count):
        out.append(dt.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(out))


def _month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10]).replace(day=1)
    return value.replace(day=1)


def fund_use(customer, as_of: dt.date | None = None) -> Table:
    table = Table(
        "fund_use",
        "附件1 授信资金使用情况表（信贷资金用后跟踪表）",
        "附件1 资金使用情况",
        [
            Column("借据号", TEXT, 14),
            Column("支付日期", DATE, 12),
            Column("支付金额（元）", MONEY, 16),
            Column("收款人", TEXT, 24),
            Column("支付方式", TEXT, 10),
            Column("申报用途", TEXT, 18),
            Column("批准用途", TEXT, 18),
            Column("资金实际去向（跟踪期内）", TEXT, 40),
            Column("异常情况", TEXT, 24),
        ],
    )
    methods = {"entrusted": "受托支付", "self": "自主支付"}
    loans = Loan.objects.filter(customer=customer, disbursements__isnull=False).distinct()
    for loan in loans.order_by("start_date", "loan_id"):
        trail = trail_for_loan(loan, as_of)
        for t in trail.trails:
            went = "；".join(
                f"{f.date:%m-%d} {f.counterparty or '（未记对方户名）'} {yuan_text(f.amount)}"
                for f in t.flows
                if f.direction == "out"
            )
            table.rows.append(
                [
                    loan.loan_id,
                    t.pay_date,
                    t.amount,
                    t.payee_name,
                    methods.get(t.payment_method, t.payment_method or "未填写"),
                    t.declared_purpose,
                    loan.purpose,
                    went or ("；".join(t.notes) or "跟踪期内无非日常支出"),
                    "、".join(t.flag_labels) or ("未发现" if t.verified else "未能核实"),
                ]
            )
        table.notes.extend(n for n in trail.notes if n not in table.notes)
    table.total = (
        ["合计", None, sum((r[2] for r in table.rows), ZERO), "", "", "", "", "", ""]
        if table.rows
        else None
    )
    table.empty_text = "无贷款资金支付记录（disbursements），无法填列。"
    return table


def monthly_flows(customer, as_of: dt.date) -> dict[dt.date, dict[str, Decimal]]:
    months = month_starts(as_of)
    out = {m: defaultdict(lambda: ZERO) for m in months}
    rows = (
        Transaction.objects.filter(
            account__customer=customer, txn_date__gte=months[0], txn_date__lte=as_of
        )
        .annotate(m=TruncMonth("txn_date"))
        .values("m", "direction", "category")
        .annotate(total=Sum("amount"))
    )
    for r in rows:
        if r["direction"] == "in" and r["category"] == "sales_proceeds":
            key = "sales_in"
        elif r["direction"] == "out" and r["category"] == "purchase":
            key = "purchase_out"
        else:
            key = f"other_{r['direction']}"
        out[_month(r["m"])][key] += r["total"]
    return out


def fund_dynamics(customer, as_of: dt.date, flows=None) -> Table:
    flows = flows if flows is not None else monthly_flows(customer, as_of)
    table = Table(
        "fund_dynamics",
        "附件2 授信客户资金动态表",
        "附件2 资金动态",
        [
            Column("月份", MONTH, 10),
            Column("销售回笼款流入（元）", MONEY, 18),
            Column("采购流出（元）", MONEY, 18),
            Column("其他流入（元）", MONEY, 18),
            Column("其他流出（元）", MONEY, 18),
            Column("净流入（元）", MONEY, 18),
        ],
    )
    for m, f in flows.items():
        inflow = f["sales_in"] + f["other_in"]
        outflow = f["purchase_out"] + f["other_out"]
        table.rows.append(
            [m, f["sales_in"], f["purchase_out"], f["other_in"], f["other_out"], inflow - outflow]
        )
    table.total = ["合计"] + [sum((r[i] for r in table.rows), ZERO) for i in range(1, 6)]
    table.notes.append(
        f"统计范围：客户在本行账户{month_starts(as_of)[0]:%Y年%m月}至{as_of:%Y年%m月}的流水。"
    )
    return table


def monthly_invoices(customer, as_of: dt.date) -> dict[dt.date, dict]:
    months = month_starts(as_of)
    out = {m: {} for m in months}
    for r in (
        TaxInvoice.objects.filter(customer=customer, month__gte=months[0], month__lte=as_of)
        .values("month", "invoice_type")
        .annotate(n=Sum("count"), amount=Sum("amount"), tax=Sum("tax_amount"), rows=Count("id"))
    ):
        out[_month(r["month"])][r["invoice_type"]] = r
    return out


def return_rows(customer, as_of: dt.date) -> list:
    """The 12 months of 附件3 as the screening persisted them (`risk.queries.sales_return`)."""
    return sales_return([customer.pk], month_starts(as_of)[0], as_of)[customer.pk]


def revenue_return(customer, as_of: dt.date) -> Table:
    """附件3 from the one 归行率 (the screening's, persisted): per month the revenue (invoiced,
    else the latest statement's per month), the proceeds here and their ratio; the total like
    with like."""
    months = return_rows(customer, as_of)
    table = Table(
        "revenue_return",
        "附件3 销售收入归行对照表",
        "附件3 销售收入归行",
        [
            Column("月份", MONTH, 10),
            Column("销售收入（元）", MONEY, 20),
            Column("本行销售回笼（元）", MONEY, 20),
            Column("归行率", PERCENT, 10),
        ],
    )
    for m in months:
        table.rows.append([m.month, m.revenue or ZERO, m.proceeds, m.ratio])
    table.total = [
        "合计",
        sum((m.revenue or ZERO for m in months), ZERO),
        sum((m.proceeds for m in months), ZERO),
        ratio_over(months),
    ]
    if latest_screening(as_of) is None:
        table.notes.append("尚未运行风险预警筛查，归行率暂无数据。")
    table.notes.append(
        "销售收入取客户纳税开票金额（增票＋普票）；当月无开票数据的，按最近一期财务报表营业收入折算"
        "（年报÷12、季报÷3）；归行率＝本行销售回笼÷销售收入，与预警规则EW-RETURN-RATIO同一口径；"
        "合计归行率只计有销售收入的月份。无销售收入的月份归行率为空。"
    )
    folded = [f"{m.month:%Y-%m}" for m in months if m.from_statement]
    if folded:
        table.notes.append(f"按财务报表折算销售收入的月份：{'、'.join(folded)}。")
    fin = list(
        customer.financials.filter(period_end__lte=as_of)
        .order_by("-period_end")
        .values_list("period_end", "revenue")[:2]
    )
    for period_end, revenue in fin:
        if revenue is not None:
            table.notes.append(f"财务报表营业收入：{period_end:%Y-%m-%d}期 {yuan_text(revenue)}。")
    return table


def invoice_summary(customer, as_of: dt.date, invoices=None) -> Table:
    invoices = invoices if invoices is not None else monthly_invoices(customer, as_of)
    table = Table(
        "invoices",
        "客户纳税发票汇总表",
        "纳税发票汇总",
        [
            Column("月份", MONTH, 10),
            Column("增票张数", INT, 10),
            Column("增票金额（元）", MONEY, 18),
            Column("增票税额（元）", MONEY, 16),
            Column("普票张数", INT, 10),
            Column("普票金额（元）", MONEY, 18),
            Column("普票税额（元）", MONEY, 16),
            Column("开票金额合计（元）", MONEY, 18),
        ],
    )
    for m, types in invoices.items():
        s, g = types.get("vat_special", {}), types.get("vat_general", {})
        row = [
            m,
            s.get("n") or 0,
            s.get("amount") or ZERO,
            s.get("tax") or ZERO,
            g.get("n") or 0,
            g.get("amount") or ZERO,
            g.get("tax") or ZERO,
        ]
        table.rows.append([*row, row[2] + row[5]])
    table.total = ["合计"] + [
        sum((r[i] for r in table.rows), ZERO if i not in (1, 4) else 0) for i in range(1, 8)
    ]
    if not any(types for types in invoices.values()):
        table.notes.append("系统中无该客户的纳税开票数据（tax_invoices），请客户经理补充。")
    return table


def customer_attachments(customer, as_of: dt.date) -> list[Table]:
    flows = monthly_flows(customer, as_of)
    invoices = monthly_invoices(customer, as_of)
    return [
        fund_use(customer, as_of),
        fund_dynamics(customer, as_of, flows),
        revenue_return(customer, as_of),
        invoice_summary(customer, as_of, invoices),
    ]
