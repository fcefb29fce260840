"""Extra facts for C001 on top of tests/factories.py, so every 360 section has something to show."""

import datetime as dt
from decimal import Decimal

from postloan.portfolio.models import (
    Account,
    AccountBalance,
    Collateral,
    CollateralValue,
    CreditReport,
    Customer,
    FinancialStatement,
    Guarantee,
    Loan,
    RelatedParty,
    RepaymentInstalment,
    RiskEvent,
    TaxInvoice,
    Transaction,
)


def enrich_c001(size: int = 1, start: int = 0) -> None:
    """Give C001 collateral, invoices, statements, reports, events and outflows.

    `size` multiplies the number of rows without changing their kinds; call again with
    `start` past the previous rows to add more (for query-count tests).
    """
    c001 = Customer.objects.get(pk="C001")
    for k in range(start, start + size):
        RelatedParty.objects.create(
            customer=c001, related_name="赵刚" if k == 0 else f"股东{k}", relation="controller"
        )
    acct = Account.objects.get(pk="A001")
    for k in range(start, start + size):
        suffix = "" if k == 0 else f"-{k}"
        col = Collateral.objects.create(
            collateral_id=f"COL1{suffix}",
            type="real_estate",
            description="杭州市西湖区厂房",
            owner_name="杭州甲制造有限公司",
            appraised_value=Decimal("9000000.00"),
            appraisal_date=dt.date(2025, 10, 20),
            registered=True,
        )
        Guarantee.objects.create(
            guarantee_id=f"G1{suffix}",
            loan_id="L001",
            kind="mortgage",
            collateral=col,
            secured_amount=Decimal("6000000.00"),
            start_date=dt.date(2025, 11, 1),
            end_date=dt.date(2027, 10, 31),
        )
        for q, value in enumerate(("8800000.00", "8500000.00", "8100000.00")):
            CollateralValue.objects.create(
                collateral=col,
                value_date=dt.date(2026, 3 * q + 3, 30),
                market_value=Decimal(value),
                source="外部评估",
            )
        FinancialStatement.objects.create(
            customer=c001,
            period_end=dt.date(2025 - k, 12, 31),
            period_type="annual",
            revenue=Decimal("52000000.00"),
            net_profit=Decimal("3100000.00"),
            total_assets=Decimal("40000000.00"),
            total_liabilities=Decimal("26000000.00"),
            current_assets=Decimal("18000000.00"),
            current_liabilities=Decimal("12000000.00"),
            audited=True,
        )
        CreditReport.objects.create(
            customer=c001,
            report_date=dt.date(2026, 9, 30) - dt.timedelta(days=30 * k),
            total_debt_all_fi=Decimal("9000000.00"),
            overdue_debt_all_fi=Decimal("0"),
            overdue90_debt_all_fi=Decimal("0"),
            external_rating="A",
        )
        RiskEvent.objects.create(
            event_id=f"E1{suffix}",
            customer=c001,
            event_date=dt.date(2026, 8, 15),
            type="litigation",
            severity="medium",
            amount=Decimal("350000.00"),
            description="买卖合同纠纷被起诉",
            source="裁判文书网",
        )
    for month in range(1, 11):
        for k in range(start, start + size):
            Transaction.objects.create(
                txn_id=f"T001-OUT-{month:02d}-{k}",
                account=acct,
                txn_date=dt.date(2026, month, 18),
                direction="out",
                amount=Decimal("600000.00"),
                counterparty_name="上游供应商",
                summary="采购",
                category="purchase",
            )
        if start:
            continue
        TaxInvoice.objects.create(
            customer=c001,
            month=dt.date(2026, month, 1),
            invoice_type="vat_special",
            count=40 + month,
            amount=Decimal("4200000.00") + month * 10000,
            tax_amount=Decimal("546000.00"),
        )
        AccountBalance.objects.create(
            account=acct, balance_date=dt.date(2026, month, 28), balance=Decimal("1250000.00")
        )


def more_loans(customer_id: str, count: int) -> None:
    """Add `count` active loans with a two-instalment schedule each to a customer."""
    customer = Customer.objects.get(pk=customer_id)
    for n in range(count):
        loan = Loan.objects.create(
            loan_id=f"{customer_id}-X{n:03d}",
            customer=customer,
            product="working_capital",
            principal=Decimal("100000.00"),
            balance=Decimal("100000.00"),
            start_date=dt.date(2026, 1, 1),
            maturity_date=dt.date(2027, 1, 1),
            guarantee_method="credit",
            classification="substandard" if n % 2 else "normal",
        )
        for month in (7, 8):
            RepaymentInstalment.objects.create(
                loan=loan,
                due_date=dt.date(2026, month, 1),
                principal_due=Decimal("1000.00"),
                interest_due=Decimal("100.00"),
            )
