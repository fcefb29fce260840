"""A small hand-made bank, built through the ORM, with named personas.

    总行 HO
    └── 分行 BR01 (杭州分行)        行长 周强 (P01, chair) · 风险经理 陈静 (RM01)
        ├── 支行 SB01 (西湖支行)    客户经理 张伟 (AM01): C001 杭州甲制造有限公司, C002 李娜
        │                          风险经理 刘洋 (RM02)
        └── 支行 SB02 (滨江支行)    客户经理 王芳 (AM02): C003 杭州乙贸易有限公司

Use `make_bank()` in a test (or the `bank` fixture of tests/conftest.py); personas are users
whose username is the persona name (`am_zhang`, `am_wang`, `rm_branch`, `rm_xihu`, `chair`, `admin`).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group, User

from postloan.core.business_date import set_business_date
from postloan.org.models import Branch, Staff
from postloan.org.roles import ensure_groups
from postloan.org.tree import rebuild_paths
from postloan.portfolio.models import (
    Account,
    Customer,
    Facility,
    Loan,
    RepaymentInstalment,
    Transaction,
)

PASSWORD = "pl-test-password-1"
AS_OF = dt.date(2026, 10, 31)


@dataclass
class Bank:
    branches: dict[str, Branch] = field(default_factory=dict)
    staff: dict[str, Staff] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)
    loans: dict[str, Loan] = field(default_factory=dict)


def make_user(username: str, staff: Staff | None, *roles: str, superuser: bool = False) -> User:
    groups = ensure_groups()
    if superuser:
        user = User.objects.create_superuser(username, f"{username}@example.test", PASSWORD)
    else:
        user = User.objects.create_user(username, f"{username}@example.test", PASSWORD)
    for role in roles:
        user.groups.add(groups.get(role) or Group.objects.get_or_create(name=role)[0])
    if staff is not None:
        staff.user = user
        staff.save(update_fields=["user"])
    return user


def _branch(code, name, level, parent=None) -> Branch:
    return Branch.objects.create(branch_code=code, name=name, level=level, parent=parent)


def _staff(staff_id, name, branch, department, position, years=6) -> Staff:
    return Staff.objects.create(
        staff_id=staff_id,
        name=name,
        branch=branch,
        department=department,
        position=position,
        credit_years=years,
        certified=True,
    )


def _loan(loan_id, customer, product, principal, balance, start, maturity, **extra) -> Loan:
    return Loan.objects.create(
        loan_id=loan_id,
        customer=customer,
        product=product,
        principal=Decimal(principal),
        balance=Decimal(balance),
        start_date=start,
        maturity_date=maturity,
        guarantee_method=extra.pop("guarantee_method", "guarantee"),
        **extra,
    )


def make_bank() -> Bank:
    bank = Bank()
    ho = _branch("HO", "示范银行总行", "head_office")
    br = _branch("BR01", "杭州分行", "branch", ho)
    sb1 = _branch("SB01", "西湖支行", "sub_branch", br)
    sb2 = _branch("SB02", "滨江支行", "sub_branch", br)
    rebuild_paths()
    for b in (ho, br, sb1, sb2):
        b.refresh_from_db()
        bank.branches[b.branch_code] = b

    s = bank.staff
    s["P01"] = _staff("P01", "周强", br, "leadership", "president", 20)
    s["RM01"] = _staff("RM01", "陈静", br, "risk", "risk_manager", 8)
    s["AM01"] = _staff("AM01", "张伟", sb1, "corporate", "account_manager", 5)
    s["RM02"] = _staff("RM02", "刘洋", sb1, "risk", "risk_manager", 6)
    s["AM02"] = _staff("AM02", "王芳", sb2, "corporate", "account_manager", 3)

    u = bank.users
    u["chair"] = make_user("chair", s["P01"], "chair")
    u["rm_branch"] = make_user("rm_branch", s["RM01"], "risk_manager")
    u["am_zhang"] = make_user("am_zhang", s["AM01"], "account_manager")
    u["rm_xihu"] = make_user("rm_xihu", s["RM02"], "risk_manager")
    u["am_wang"] = make_user("am_wang", s["AM02"], "account_manager")
    u["admin"] = make_user("admin", None, "admin", superuser=True)

    c = bank.customers
    c["C001"] = Customer.objects.create(
        customer_id="C001",
        name="杭州甲制造有限公司",
        type="corporate",
        branch=sb1,
        manager=s["AM01"],
        industry_code="C3011",
        region_code="330106",
        actual_controller="赵刚",
    )
    c["C002"] = Customer.objects.create(
        customer_id="C002",
        name="李娜",
        type="retail",
        branch=sb1,
        manager=s["AM01"],
        region_code="330106",
    )
    c["C003"] = Customer.objects.create(
        customer_id="C003",
        name="杭州乙贸易有限公司",
        type="corporate",
        branch=sb2,
        manager=s["AM02"],
        industry_code="F5132",
        region_code="330108",
    )

    Facility.objects.create(
        facility_id="F001",
        customer=c["C001"],
        limit_amount=Decimal("12000000.00"),
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2027, 12, 31),
    )
    bank.loans["L001"] = _loan(
        "L001",
        c["C001"],
        "working_capital",
        "5000000.00",
        "4000000.00",
        dt.date(2025, 11, 1),
        dt.date(2027, 10, 31),
        facility_id="F001",
        interest_rate=Decimal("0.0435"),
    )
    bank.loans["L002"] = _loan(
        "L002",
        c["C002"],
        "personal_consumption",
        "200000.00",
        "150000.00",
        dt.date(2025, 6, 1),
        dt.date(2028, 5, 31),
        guarantee_method="credit",
    )
    bank.loans["L003"] = _loan(
        "L003",
        c["C003"],
        "working_capital",
        "3000000.00",
        "3000000.00",
        dt.date(2026, 1, 15),
        dt.date(2027, 1, 14),
        classification="special_mention",
    )
    for month in range(1, 11):
        due = dt.date(2026, month, 20)
        RepaymentInstalment.objects.create(
            loan=bank.loans["L001"],
            due_date=due,
            principal_due=Decimal("100000.00"),
            interest_due=Decimal("15000.00"),
            principal_paid=Decimal("100000.00"),
            interest_paid=Decimal("15000.00"),
            paid_off_date=due,
        )
    # C003 missed its September and October instalments: 41 days past due on 2026-10-31.
    for month in (9, 10):
        RepaymentInstalment.objects.create(
            loan=bank.loans["L003"],
            due_date=dt.date(2026, month, 20),
            principal_due=Decimal("0"),
            interest_due=Decimal("10875.00"),
        )
    acct = Account.objects.create(account_id="A001", customer=c["C001"], type="settlement")
    for month in range(1, 11):
        Transaction.objects.create(
            txn_id=f"T001-{month:02d}",
            account=acct,
            txn_date=dt.date(2026, month, 10),
            direction="in",
            amount=Decimal("800000.00") + month * 1000,
            counterparty_name="宁波丙电子有限公司",
            summary="货款",
            category="sales_proceeds",
        )
    set_business_date(AS_OF)
    return bank


def add_risk_head(bank: Bank) -> User:
    """风险部负责人 孙立 (RM00, 杭州分行 risk department head; user `risk_head`): approves a 认定
    better than the system's suggestion. Not in `make_bank()`, which other tests count."""
    staff = _staff("RM00", "孙立", bank.branches["BR01"], "risk", "dept_head", 15)
    bank.staff["RM00"] = staff
    user = make_user("risk_head", staff, "dept_head", "risk_manager")
    bank.users["risk_head"] = user
    return user
