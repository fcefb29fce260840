"""The bank being generated: rows per table (already formatted) plus lookups the steps share."""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import date

from postloan.demo.scales import Scale


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, clamped to the month's end (as DuckDB's date + INTERVAL does)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def yuan(fen: int | None) -> str:
    """Integer fen → yuan text with exactly 2 decimals; None → empty."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def flag(value: bool) -> str:
    return "true" if value else "false"


@dataclass
class Customer:
    customer_id: str
    idx: int
    name: str
    type: str  # corporate | retail
    branch_code: str
    manager_id: str
    industry_code: str = ""
    region_code: str = ""
    id_number: str = ""
    controller: str = ""
    established: date | None = None
    group_id: str = ""
    monthly_revenue_fen: int = 0  # corporates: typical monthly sales incl. nothing of VAT
    settlement_account: str = ""
    margin_account: str = ""
    facility_id: str = ""
    growth: float = 0.05  # yearly sales growth
    accounts: list[str] = field(default_factory=list)
    stories: set[str] = field(default_factory=set)


@dataclass
class Loan:
    loan_id: str
    idx: int
    customer: Customer
    facility_id: str
    product: str
    principal_fen: int
    rate: str  # decimal text or ""
    start: date
    freq: int  # months between instalments
    n_inst: int
    anchor: date  # the due date of instalment `anchor_k`
    anchor_k: int
    guarantee_method: str
    purpose: str
    payment_method: str
    deposit_ratio: str = ""
    classification: str = "normal"
    restructured: bool = False
    restructure_date: date | None = None
    credit_impaired: bool = False
    ecl_permille: int = 0  # ecl_amount = balance * permille / 1000
    unpaid_from: date | None = None  # instalments due on/after this stay unpaid
    notes: dict = field(default_factory=dict)  # story details (guarantor, collateral trend...)

    @property
    def maturity(self) -> date:
        return add_months(self.anchor, (self.n_inst - 1 - self.anchor_k) * self.freq)

    def due_date(self, k: int) -> date:
        return add_months(self.anchor, (k - self.anchor_k) * self.freq)


@dataclass
class DemoBank:
    scale: Scale
    seed: int
    as_of: date
    rng: random.Random
    rows: dict[str, list[tuple]] = field(default_factory=dict)
    customers: list[Customer] = field(default_factory=list)
    loans: list[Loan] = field(default_factory=list)
    stories: dict[str, dict] = field(default_factory=dict)
    # branch_code → {"corporate": [staff ids], "retail": [staff ids]}
    managers: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    unit_codes: list[str] = field(default_factory=list)  # 分行 + 支行 that hold customers
    by_id: dict[str, Customer] = field(default_factory=dict)
    # account id → (customer idx, kind, account type)
    account_rows: list[tuple] = field(default_factory=list)
    special_txns: list[tuple] = field(default_factory=list)
    seq: dict[str, int] = field(default_factory=dict)
    loans_by_customer: dict[int, list[Loan]] = field(default_factory=dict)
    free_corporates: list[Customer] = field(default_factory=list)
    controller_accounts: dict[int, str] = field(default_factory=dict)

    def add(self, table: str, row: tuple) -> None:
        self.rows.setdefault(table, []).append(row)

    def next_id(self, prefix: str, width: int = 6) -> str:
        n = self.seq.get(prefix, 0) + 1
        self.seq[prefix] = n
        return f"{prefix}{n:0{width}d}"

    def story(self, code: str, customer: Customer | None = None, loan: Loan | None = None, **extra):
        entry = self.stories.setdefault(code, {"customer_ids": [], "loan_ids": []})
        if customer is not None and customer.customer_id not in entry["customer_ids"]:
            entry["customer_ids"].append(customer.customer_id)
            customer.stories.add(code)
        if loan is not None and loan.loan_id not in entry["loan_ids"]:
            entry["loan_ids"].append(loan.loan_id)
        for key, value in extra.items():
            entry.setdefault(key, {}).update(value)
        return entry

    @property
    def corporates(self) -> list[Customer]:
        return [c for c in self.customers if c.type == "corporate"]
