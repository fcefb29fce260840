"""《贷后管理定期分析报告》: the figures the system can compute, pre-filled for the manager.

`prefill(customer, as_of)` returns plain data (no ORM objects) so it can be stored on the
inspection as JSON, shown as a form page, and rendered to Word by `documents/`.
Each section says what could not be computed and why.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from postloan.core import formats
from postloan.portfolio.choices import CLASS_LABELS
from postloan.portfolio.models import FinancialStatement, Loan, TaxInvoice, Transaction
from postloan.risk.current import loans_with_current_class
from postloan.risk.models import Signal
from postloan.worklist import risk_link
from postloan.worklist.collateral import collateral_statuses
from postloan.worklist.covenants import covenant_statuses
from postloan.worklist.credit_files import missing_by_customer
from postloan.worklist.schedule import add_months

# Narrative sections the account manager completes (domain.md §3.5 items).
NARRATIVE_SECTIONS = [
    ("operations", "生产经营状况"),
    ("finance_comment", "财务分析意见"),
    ("account_comment", "资金进出与销售归行分析"),
    ("guarantee_comment", "担保人与押品情况"),
    ("signals_comment", "风险信号的处理情况"),
    ("prospects", "发展前景"),
    ("measures", "建议采取的风险化解措施"),
]


def _money(v) -> str:
    return formats.yuan(v, empty="")


def _pct(v) -> str:
    return "" if v is None else formats.pct(v, 1)


def prefill(customer, as_of: dt.date) -> dict:
    since = add_months(dt.date(as_of.year, as_of.month, 1), -11)
    data: dict = {"as_of": as_of.isoformat(), "customer": customer.name, "notes": []}

    dpd = risk_link.latest_dpd_by_loan(as_of)
    loans = list(
        loans_with_current_class(
            Loan.objects.filter(customer=customer, status="active"), as_of
        ).values("loan_id", "product", "balance", "maturity_date", "current_cls")
    )
    if dpd is None:
        data["notes"].append("尚未运行风险筛查，逾期天数暂缺")
    data["loans"] = [
        {
            "loan_id": r["loan_id"],
            "balance": _money(r["balance"]),
            "maturity_date": r["maturity_date"].isoformat(),
            "class": CLASS_LABELS.get(r["current_cls"], r["current_cls"]),
            "dpd": "" if dpd is None else str(dpd.get(r["loan_id"], "未筛查")),
        }
        for r in loans
    ]
    without_schedule = sorted(
        Loan.objects.filter(customer=customer, status="active", instalments__isnull=True)
        .exclude(product__in=("bank_acceptance", "letter_of_guarantee"))
        .values_list("loan_id", flat=True)
    )
    if without_schedule:
        data["notes"].append(
            f"借据{'、'.join(without_schedule)}无还款计划，按期还款情况无法核实（逾期以到期日判断）"
        )
    data["total_balance"] = _money(sum((r["balance"] for r in loans), Decimal("0")))
    if not loans:
        data["notes"].append("客户无有效借据")

    flows = (
        Transaction.objects.filter(
            account__customer=customer, txn_date__gte=since, txn_date__lte=as_of
        )
        .annotate(month=TruncMonth("txn_date"))
        .values("month", "direction")
        .annotate(total=Sum("amount"))
        .order_by("month")
    )
    months: dict[str, dict] = {}
    for row in flows:
        key = row["month"].strftime("%Y-%m")
        months.setdefault(key, {"month": key, "in": "", "out": ""})[row["direction"]] = _money(
            row["total"]
        )
    data["flows"] = list(months.values())
    if not data["flows"]:
        data["notes"].append("近12个月无账户流水，资金进出无法分析")

    invoices = (
        TaxInvoice.objects.filter(customer=customer, month__gte=since, month__lte=as_of)
        .values("month")
        .annotate(total=Sum("amount"))
        .order_by("month")
    )
    data["invoices"] = [
        {"month": r["month"].strftime("%Y-%m"), "amount": _money(r["total"])} for r in invoices
    ]
    if not data["invoices"]:
        data["notes"].append("近12个月无纳税开票数据")

    statements = list(
        FinancialStatement.objects.filter(customer=customer).order_by("-period_end")[:2]
    )
    data["financials"] = [
        {
            "period_end": s.period_end.isoformat(),
            "revenue": _money(s.revenue),
            "net_profit": _money(s.net_profit),
            "debt_ratio": _pct(s.debt_ratio),
            "current_ratio": "" if s.current_ratio is None else formats.ratio(s.current_ratio),
        }
        for s in statements
    ]
    if not statements:
        data["notes"].append("无财务报表，财务比率无法计算")

    data["signals"] = [
        {"rule_id": s.rule_id, "level": s.get_level_display(), "status": s.get_status_display()}
        for s in Signal.objects.filter(customer=customer).exclude(status="released")[:20]
    ]

    data["collateral"] = [
        {
            "id": c.collateral.collateral_id,
            "type": c.collateral.get_type_display(),
            "value": _money(c.latest_value),
            "value_date": c.value_date.isoformat(),
            "ltv": _pct(c.ltv),
            "problems": "；".join(c.problems + c.notes),
        }
        for c in collateral_statuses(as_of, [customer.pk])
    ]
    data["covenants"] = [
        {
            "id": st.covenant.covenant_id,
            "condition": st.text,
            "frequency": st.frequency_label,
            "state": st.state_label,
            "detail": st.detail,
        }
        for st in covenant_statuses(as_of, [customer.pk])
    ]
    data["credit_files_missing"] = missing_by_customer([customer.pk]).get(customer.pk, [])
    if any(c["state"] == "待确认" for c in data["covenants"]):
        data["notes"].append(
            "有审批条件待客户经理核实确认：请在“核实与补齐事项”中登记结果及证明材料"
        )
    data["narrative"] = {code: "" for code, _ in NARRATIVE_SECTIONS}
    return data
