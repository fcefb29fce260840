"""Everything the customer 360 page shows, in a fixed number of queries whatever the data size."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth

from postloan.core.formats import round_half_up
from postloan.portfolio.models import (
    Account,
    AccountBalance,
    CollateralValue,
    CreditReport,
    Customer,
    Facility,
    FinancialStatement,
    Guarantee,
    Loan,
    RelatedParty,
    RepaymentInstalment,
    RiskEvent,
    TaxInvoice,
    Transaction,
)
from postloan.portfolio.visibility import visible_customers
from postloan.portfolio_risk.concentration import GroupView, group_view
from postloan.risk.models import LoanAssessment
from postloan.risk.screenings import latest_screening
from postloan.web.queries.dpd import days_past_due

MONTHS_SHOWN = 15
FINANCIALS_SHOWN = 12
CREDIT_REPORTS_SHOWN = 12
EVENTS_SHOWN = 100
TEN_THOUSAND = Decimal(10_000)


def month_starts(end: dt.date, count: int = MONTHS_SHOWN) -> list[dt.date]:
    """The first days of the `count` months ending with the month of `end`, oldest first."""
    year, month = end.year, end.month
    months = []
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def in_wan(amount: Decimal | None) -> str | None:
    """An amount in 万元 as a string with two decimals, for chart data (never a float)."""
    if amount is None:
        return None
    return str(round_half_up(amount / TEN_THOUSAND))


@dataclass
class LoanRow:
    loan: Loan
    dpd: int | None
    schedule: list = field(default_factory=list)
    overdue_instalments: int = 0


@dataclass
class CollateralRow:
    collateral: object
    guarantees: list
    values: list

    @property
    def latest_value(self):
        return self.values[-1] if self.values else None


@dataclass
class Customer360:
    customer: Customer
    as_of: dt.date | None
    related_parties: list
    group_members: list
    facilities: list
    loans: list[LoanRow]
    guarantees: list
    collaterals: list[CollateralRow]
    accounts: list
    flows: list[dict]
    invoices: list[dict]
    financials: list
    credit_reports: list
    events: list
    group: GroupView | None = None  # the group's exposure on the screening date, its members
    visible_ids: set = field(default_factory=set)  # the group's members this user may open

    @property
    def active_loans(self) -> list[LoanRow]:
        return [r for r in self.loans if r.loan.status == "active"]

    @property
    def total_balance(self) -> Decimal:
        return sum((r.loan.balance for r in self.active_loans), Decimal(0))

    @property
    def max_dpd(self) -> int:
        return max((r.dpd or 0 for r in self.active_loans), default=0)

    @property
    def total_limit(self) -> Decimal:
        return sum((f.limit_amount for f in self.facilities if f.status == "active"), Decimal(0))

    def chart_data(self) -> dict:
        """Series for the page's ECharts, amounts in 万元 as strings."""
        return {
            "flows": {
                "months": [row["month"].strftime("%Y-%m") for row in self.flows],
                "inflow": [in_wan(row["inflow"]) for row in self.flows],
                "outflow": [in_wan(row["outflow"]) for row in self.flows],
            },
            "invoices": {
                "months": [row["month"].strftime("%Y-%m") for row in self.invoices],
                "amount": [in_wan(row["amount"]) for row in self.invoices],
                "tax": [in_wan(row["tax"]) for row in self.invoices],
            },
            "collaterals": [
                {
                    "id": c.collateral.collateral_id,
                    "name": c.collateral.description or c.collateral.collateral_id,
                    "appraised": [
                        c.collateral.appraisal_date.isoformat(),
                        in_wan(c.collateral.appraised_value),
                    ],
                    "market": [
                        [v.value_date.isoformat(), in_wan(v.market_value)] for v in c.values
                    ],
                }
                for c in self.collaterals
            ],
        }


def customer_360(user, customer: Customer, as_of: dt.date | None) -> Customer360:
    """Gather the sections of the 360 page for a customer the caller already checked is visible."""
    loans = list(
        Loan.objects.filter(customer=customer)
        .select_related("facility")
        .order_by("status", "loan_id")
    )
    dpd = days_past_due(loans, as_of)
    rows = {loan.loan_id: LoanRow(loan, dpd.get(loan.loan_id)) for loan in loans}
    for inst in RepaymentInstalment.objects.filter(loan__customer=customer).order_by(
        "loan_id", "due_date"
    ):
        inst.state = instalment_state(inst, as_of)
        row = rows[inst.loan_id]
        row.schedule.append(inst)
        row.overdue_instalments += inst.state == "overdue"

    guarantees = list(
        Guarantee.objects.filter(Q(loan__customer=customer) | Q(facility__customer=customer))
        .select_related("collateral", "guarantor_customer")
        .order_by("guarantee_id")
    )
    collaterals = _collaterals(guarantees)

    return Customer360(
        customer=customer,
        as_of=as_of,
        related_parties=list(
            RelatedParty.objects.filter(customer=customer).order_by("relation", "related_name")
        ),
        group_members=_group_members(user, customer),
        facilities=list(Facility.objects.filter(customer=customer).order_by("-end_date")),
        loans=list(rows.values()),
        guarantees=guarantees,
        collaterals=collaterals,
        accounts=_accounts(customer, as_of),
        flows=monthly_flows(customer, as_of),
        invoices=monthly_invoices(customer, as_of),
        financials=list(
            FinancialStatement.objects.filter(customer=customer).order_by("-period_end")[
                :FINANCIALS_SHOWN
            ]
        ),
        credit_reports=list(
            CreditReport.objects.filter(customer=customer).order_by("-report_date")[
                :CREDIT_REPORTS_SHOWN
            ]
        ),
        events=list(
            RiskEvent.objects.filter(customer=customer).order_by("-event_date")[:EVENTS_SHOWN]
        ),
        **_group(user, customer, as_of),
    )


def _group(user, customer: Customer, as_of: dt.date | None) -> dict:
    """集团: the whole group's exposure (the bank's, not only what this user sees) with each
    member's balance and worst class; links only to the members the user may open."""
    screened = latest_screening(as_of)
    if screened is None:
        return {}
    view = group_view(customer.customer_id, LoanAssessment.objects.filter(as_of=screened))
    if view is None:
        return {}
    ids = [m["customer_id"] for m in view.members]
    visible_ids = set(visible_customers(user).filter(pk__in=ids).values_list("pk", flat=True))
    return {"group": view, "visible_ids": visible_ids}


def instalment_state(inst: RepaymentInstalment, as_of: dt.date | None) -> str:
    """'paid', 'overdue' (due before the business date, not fully paid by then) or 'open'."""
    if inst.paid_off_date is not None and (as_of is None or inst.paid_off_date <= as_of):
        return "paid"
    if as_of is not None and inst.due_date < as_of:
        return "overdue"
    return "open"


def _group_members(user, customer: Customer) -> list:
    if not customer.group_id:
        return []
    return list(
        visible_customers(user)
        .filter(group_id=customer.group_id)
        .exclude(pk=customer.pk)
        .order_by("customer_id")
        .only("customer_id", "name")[:50]
    )


def _collaterals(guarantees: list) -> list[CollateralRow]:
    by_id: dict[str, CollateralRow] = {}
    for g in guarantees:
        if g.collateral is None:
            continue
        row = by_id.setdefault(g.collateral_id, CollateralRow(g.collateral, [], []))
        row.guarantees.append(g)
    if by_id:
        for value in CollateralValue.objects.filter(collateral_id__in=list(by_id)).order_by(
            "collateral_id", "value_date"
        ):
            by_id[value.collateral_id].values.append(value)
    return sorted(by_id.values(), key=lambda r: r.collateral.collateral_id)


def _accounts(customer: Customer, as_of: dt.date | None) -> list:
    latest = AccountBalance.objects.filter(account=OuterRef("pk"))
    if as_of is not None:
        latest = latest.filter(balance_date__lte=as_of)
    latest = latest.order_by("-balance_date")
    return list(
        Account.objects.filter(customer=customer)
        .annotate(
            latest_balance=Subquery(latest.values("balance")[:1]),
            latest_balance_date=Subquery(latest.values("balance_date")[:1]),
            latest_frozen=Subquery(latest.values("frozen")[:1]),
        )
        .order_by("account_id")
    )


def monthly_flows(customer: Customer, as_of: dt.date | None) -> list[dict]:
    """Inflow and outflow of the customer's accounts by month, the last 15 months, one GROUP BY."""
    if as_of is None:
        return []
    months = month_starts(as_of)
    totals = (
        Transaction.objects.filter(
            account__customer=customer, txn_date__gte=months[0], txn_date__lte=as_of
        )
        .annotate(month=TruncMonth("txn_date"))
        .values("month", "direction")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    by_month = {m: {"month": m, "inflow": Decimal(0), "outflow": Decimal(0)} for m in months}
    for row in totals:
        month = _as_date(row["month"])
        key = "inflow" if row["direction"] == "in" else "outflow"
        if month in by_month:
            by_month[month][key] += row["total"] or Decimal(0)
    for row in by_month.values():
        row["net"] = row["inflow"] - row["outflow"]
    return list(by_month.values())


def monthly_invoices(customer: Customer, as_of: dt.date | None) -> list[dict]:
    """Invoiced amount and tax by month (all invoice types), the last 15 months, one GROUP BY."""
    if as_of is None:
        return []
    months = month_starts(as_of)
    totals = (
        TaxInvoice.objects.filter(customer=customer, month__gte=months[0], month__lte=as_of)
        .values("month")
        .annotate(amount_sum=Sum("amount"), tax_sum=Sum("tax_amount"))
        .order_by()
    )
    found = {_as_date(r["month"]): r for r in totals}
    if not found:
        return []
    return [
        {
            "month": m,
            "amount": found[m]["amount_sum"] if m in found else None,
            "tax": found[m]["tax_sum"] if m in found else None,
        }
        for m in months
    ]


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
