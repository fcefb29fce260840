"""组合风险 pages: concentration and group exposure with the portfolio signals, the retail batch
(vintage curves, roll rates, Excel), and the limits (net capital among them)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from postloan.core.business_date import current_business_date
from postloan.core.tables import INT, PERCENT, Column, Table
from postloan.documents.excel import workbook
from postloan.documents.http import XLSX, download
from postloan.org.visibility import visible, visible_branches
from postloan.portfolio.choices import RETAIL_PRODUCTS, Product
from postloan.portfolio_risk import actions, retail
from postloan.portfolio_risk.access import require_portfolio
from postloan.portfolio_risk.concentration import concentration
from postloan.portfolio_risk.limits import FIELDS, current_limits, current_values
from postloan.portfolio_risk.models import LimitVersion, PortfolioSignal
from postloan.risk.access import is_risk_department
from postloan.risk.models import LoanAssessment
from postloan.risk.screenings import latest_screening


def _as_of(request) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return current_business_date()


@login_required
def concentration_page(request):
    require_portfolio(request.user)
    as_of = _as_of(request)
    rows = visible(request.user, LoanAssessment.objects.all())
    screened = latest_screening(as_of, rows)
    c = concentration(rows.filter(as_of=screened), screened, current_limits()) if screened else None
    signals = PortfolioSignal.objects.all()
    if request.GET.get("status") != "all":
        signals = signals.filter(status="open")
    return render(
        request,
        "portfolio_risk/concentration.html",
        {
            "c": c,
            "as_of": as_of,
            "screened_on": screened,
            "signals": signals[:200],
            "status": request.GET.get("status", ""),
            "chart_data": c.chart_data() if c else {},
        },
    )


PRODUCTS = [(p, Product(p).label) for p in sorted(RETAIL_PRODUCTS)]


def _retail_filters(request):
    product = request.GET.get("product", "")
    product = product if product in RETAIL_PRODUCTS else ""
    branches = visible_branches(request.user).order_by("path")
    code = request.GET.get("branch", "")
    branch = branches.filter(pk=code).first() if code else None
    if branch is None and not getattr(request.user, "is_superuser", False):
        branch = branches.first()  # the user's own unit (its subtree): never more than visible
    month = None
    try:
        month = dt.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        month = None
    filters = retail.Filters(product=product, branch_path=branch.path if branch else "")
    return filters, branch, branches, month


def _batch(request):
    filters, branch, branches, month = _retail_filters(request)
    as_of = _as_of(request)
    batch = retail.retail_batch(as_of, filters) if as_of else None
    return batch, filters, branch, branches, month


@login_required
def retail_page(request):
    require_portfolio(request.user)
    batch, filters, branch, branches, month = _batch(request)
    roll = batch.roll(month) if batch else None
    return render(
        request,
        "portfolio_risk/retail.html",
        {
            "batch": batch,
            "roll": roll,
            "products": PRODUCTS,
            "product": filters.product,
            "branches": branches,
            "branch": branch,
            "month": f"{roll.month:%Y-%m}" if roll else "",
            "states": [str(retail.BUCKET_LABELS[s]) for s in retail.TO_STATES],
            "chart_data": batch.chart_data() if batch else {},
            "query": request.GET.urlencode(),
        },
    )


@login_required
def retail_export(request):
    require_portfolio(request.user)
    batch, filters, branch, _branches, _month = _batch(request)
    mobs = list(range(0, batch.max_mob + 1)) if batch else []
    vintage = Table(
        "vintage",
        "账龄分析（逾期30天以上金额占比，按发放季度）",
        "账龄分析",
        [Column("发放批次"), Column("借据笔数", INT), Column("发放金额（元）", "money")]
        + [Column(f"MOB{m}", PERCENT, 9) for m in mobs],
        [
            [c.key, c.loans, c.amount_yuan] + [c.at(m).rate30 if c.at(m) else None for m in mobs]
            for c in (batch.cohorts if batch else [])
        ],
        notes=["金额口径：账龄 m 个月时逾期30天以上借据的发放金额 ÷ 该批次发放金额"],
    )
    vintage90 = Table(
        "vintage90",
        "账龄分析（逾期90天以上金额占比，按发放季度）",
        "账龄分析90+",
        vintage.columns,
        [
            [c.key, c.loans, c.amount_yuan] + [c.at(m).rate90 if c.at(m) else None for m in mobs]
            for c in (batch.cohorts if batch else [])
        ],
    )
    states = [str(retail.BUCKET_LABELS[s]) for s in retail.TO_STATES]
    roll_rows = []
    for r in batch.rolls if batch else []:
        for row in r.rows():
            roll_rows.append(
                [f"{r.month:%Y-%m}", row["label"], row["loans"]]
                + [rate for _n, rate in row["cells"]]
            )
    rolls = Table(
        "rolls",
        "迁徙率（上月末状态 → 本月末状态，借据笔数占比）",
        "迁徙率",
        [Column("月份"), Column("上月末状态"), Column("借据笔数", INT)]
        + [Column(s, PERCENT, 12) for s in states],
        roll_rows,
    )
    labels = dict(PRODUCTS)
    info = (
        f"数据日期：{batch.as_of:%Y-%m-%d}　产品：{labels.get(filters.product, '全部个贷产品')}"
        f"　机构：{branch.name if branch else '全行'}"
        if batch
        else "无数据"
    )
    content = workbook([vintage, vintage90, rolls], info)
    stamp = f"{batch.as_of:%Y%m%d}" if batch else "无数据"
    return download(content, f"个贷批量监管-{stamp}.xlsx", XLSX)


@login_required
def limits_page(request):
    require_portfolio(request.user)
    editable = is_risk_department(request.user)
    errors = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in FIELDS}
        try:
            actions.update_limits(values, request.POST.get("reason", ""), request.user)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        else:
            messages.success(request, gettext("组合限额已保存为新版本"))
            return redirect("portfolio_risk:limits")
    values = current_values()
    fields = [
        {
            "key": k,
            "label": label,
            "unit": unit,
            "value": request.POST.get(k, values.get(k) or "")
            if request.method == "POST"
            else (values.get(k) or ""),
            "error": " ".join(errors.get(k, [])),
        }
        for k, (label, unit, _d) in FIELDS.items()
    ]
    return render(
        request,
        "portfolio_risk/limits.html",
        {
            "fields": fields,
            "editable": editable,
            "errors": errors.get("__all__", []) + errors.get("reason", []),
            "versions": LimitVersion.objects.select_related("changed_by")[:20],
            "capital_set": current_limits().capital_set,
        },
    )
