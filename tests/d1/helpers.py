"""The hand-made bank's 审批条件, 信贷档案 and 客户投诉 (tests/factories.py has the bank)."""

import datetime as dt
from decimal import Decimal

from postloan.portfolio.models import (
    Collateral,
    Complaint,
    Covenant,
    CreditFile,
    Disbursement,
    FinancialStatement,
    Guarantee,
    TaxInvoice,
)


def add_covenants(bank) -> None:
    """C001: 资产负债率 78% against a 70% ceiling (breach), 流动比率 1.50 against 1.2 (met),
    归行率 ≈ 80% against 90% (breach) and 50% (met), funds used as approved (met), insurance
    (to confirm). C003: a mortgage due to be registered by 2026-03-31 and not registered
    (breach), a free-text condition not due before 2026-12-31 (未到期)."""
    c1, c3 = bank.customers["C001"], bank.customers["C003"]
    FinancialStatement.objects.create(
        customer=c1,
        period_end=dt.date(2025, 12, 31),
        period_type="annual",
        revenue=Decimal("12000000.00"),
        total_assets=Decimal("10000000.00"),
        total_liabilities=Decimal("7800000.00"),
        current_assets=Decimal("6000000.00"),
        current_liabilities=Decimal("4000000.00"),
    )
    for month in range(1, 11):
        TaxInvoice.objects.create(
            customer=c1,
            month=dt.date(2026, month, 1),
            invoice_type="vat_special",
            amount=Decimal("1000000.00"),
        )
    loan = bank.loans["L001"]
    loan.purpose = "购买原材料"
    loan.save(update_fields=["purpose"])
    Disbursement.objects.create(
        loan=loan,
        pay_date=dt.date(2025, 11, 2),
        amount=Decimal("5000000.00"),
        payee_name="宁波丁钢材有限公司",
        declared_purpose="购买原材料（钢材）",
    )
    rows = [
        ("K1", c1, "L001", "debt_ratio_max", "0.70", "annual", None, "资产负债率不高于70%"),
        ("K2", c1, None, "current_ratio_min", "1.2", "annual", None, "流动比率不低于1.2"),
        ("K3", c1, "L001", "sales_return_min", "0.9", "quarterly", None, "销售回款归行不低于90%"),
        ("K4", c1, "L001", "sales_return_min", "0.5", "monthly", None, "销售回款归行不低于50%"),
        ("K5", c1, "L001", "funds_purpose", None, "once", None, "贷款用于购买原材料"),
        ("K6", c1, None, "insurance_kept", None, "annual", None, "抵押厂房投保财产险"),
        ("K7", c3, "L003", "collateral_registered_by", None, "once", dt.date(2026, 3, 31), ""),
        ("K8", c3, None, "free_text", None, "once", dt.date(2026, 12, 31), "实控人追加保证"),
    ]
    for cid, customer, loan_id, kind, threshold, freq, due, text in rows:
        Covenant.objects.create(
            covenant_id=cid,
            customer=customer,
            loan_id=loan_id,
            facility_id="F001" if customer is c1 and loan_id is None else None,
            type=kind,
            threshold=Decimal(threshold) if threshold else None,
            frequency=freq,
            due_date=due,
            text=text,
        )
    house = Collateral.objects.create(
        collateral_id="G-C003",
        type="real_estate",
        description="滨江区仓库",
        appraised_value=Decimal("5000000.00"),
        appraisal_date=dt.date(2026, 1, 10),
        registered=False,
    )
    Guarantee.objects.create(
        guarantee_id="GU-L003", loan=bank.loans["L003"], kind="mortgage", collateral=house
    )


def add_credit_files(bank) -> None:
    """L001: contract and approval filed, the disbursement voucher lost; L003 (guaranteed by a
    mortgage): only the contract filed, the registration certificate lent out."""
    for loan_id, item, state in (
        ("L001", "loan_contract", "received"),
        ("L001", "approval", "received"),
        ("L001", "disbursement_voucher", "lost"),
        ("L003", "loan_contract", "received"),
        ("L003", "mortgage_registration", "borrowed"),
    ):
        CreditFile.objects.create(
            loan_id=loan_id,
            item=item,
            state=state,
            location="档案室" if state == "received" else "",
            state_date=dt.date(2026, 9, 30),
        )


def add_complaints(bank) -> None:
    """SB01: Q1 resolved in 4 days, Q2 in 30 days (late); SB02: Q3 open 40 days (late), Q4 open
    5 days (not yet due)."""
    for cid, customer, received, resolved in (
        ("Q1", "C001", dt.date(2026, 3, 1), dt.date(2026, 3, 5)),
        ("Q2", "C002", dt.date(2026, 5, 1), dt.date(2026, 5, 31)),
        ("Q3", "C003", dt.date(2026, 9, 21), None),
        ("Q4", "C003", dt.date(2026, 10, 26), None),
    ):
        Complaint.objects.create(
            complaint_id=cid,
            customer=bank.customers[customer],
            received_date=received,
            resolved_date=resolved,
            channel="phone",
            category="service",
        )
