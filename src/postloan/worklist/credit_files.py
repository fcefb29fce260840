"""信贷档案: the checklist per product and the file state of each loan, complete or not.

The checklist says which items a loan's file must hold: the product's items (setting
`POSTLOAN_CREDIT_FILE_CHECKLIST["products"]`, else `DEFAULT_PRODUCTS`; products not listed take
`"*"`) plus the items its guarantee method asks for (`["guarantee_methods"]`). The state comes
from the contract table `credit_files`: 已归档 (received) and 借阅中 (borrowed, out of the room
but on file) count as present; 缺失 (missing), 遗失 (lost) and an item no row names are missing.
A lost item is also a finding of the non-diligence list (reports/diligence.py).

Everything is computed for a set of loans with two queries (loans, file rows), never per loan.
A bank that supplies no `credit_files` row at all is not tracking files here (`tracked()`):
nothing is then reported missing or planned.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from postloan import contract
from postloan.portfolio.models import CreditFile, Loan
from postloan.worklist.policy import setting

ITEM_LABELS = dict(contract.CREDIT_FILE_ITEMS)
STATE_LABELS = dict(contract.CREDIT_FILE_STATES) | {"absent": "未登记"}
PRESENT = ("received", "borrowed")

DEFAULT_PRODUCTS = contract.CREDIT_FILE_DEFAULT_PRODUCTS
DEFAULT_GUARANTEE_METHODS = contract.CREDIT_FILE_DEFAULT_GUARANTEE_METHODS


def checklist() -> tuple[dict, dict]:
    custom = setting("POSTLOAN_CREDIT_FILE_CHECKLIST") or {}
    return (
        custom.get("products") or DEFAULT_PRODUCTS,
        custom.get("guarantee_methods") or DEFAULT_GUARANTEE_METHODS,
    )


def required_items(product: str, guarantee_method: str) -> tuple[str, ...]:
    products, methods = checklist()
    items = list(products.get(product, products.get("*", ())))
    for item in methods.get(guarantee_method, ()):
        if item not in items:
            items.append(item)
    return tuple(items)


@dataclass
class LoanFile:
    loan_id: str
    customer_id: str
    customer: str
    manager_id: str | None
    manager: str
    branch_id: str
    branch: str
    product: str
    required: tuple[str, ...]
    states: dict[str, str] = field(default_factory=dict)  # item → state (absent if no row)
    locations: dict[str, str] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [i for i in self.required if self.states.get(i, "absent") not in PRESENT]

    @property
    def lost(self) -> list[str]:
        return [i for i, s in self.states.items() if s == "lost"]

    @property
    def present(self) -> int:
        return len(self.required) - len(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing

    def missing_text(self) -> str:
        return "、".join(
            f"{ITEM_LABELS.get(i, i)}（{STATE_LABELS[self.states.get(i, 'absent')]}）"
            for i in self.missing
        )


def loan_files(loans=None) -> list[LoanFile]:
    """The file of every active loan of `loans` (a Loan queryset; default every loan)."""
    qs = (loans if loans is not None else Loan.objects.all()).filter(status="active")
    rows = qs.values(
        "loan_id",
        "customer_id",
        "customer__name",
        "customer__manager_id",
        "customer__manager__name",
        "customer__branch_id",
        "customer__branch__name",
        "product",
        "guarantee_method",
    ).order_by("customer__branch_id", "customer_id", "loan_id")
    files = {
        r["loan_id"]: LoanFile(
            loan_id=r["loan_id"],
            customer_id=r["customer_id"],
            customer=r["customer__name"],
            manager_id=r["customer__manager_id"],
            manager=r["customer__manager__name"] or "未分配",
            branch_id=r["customer__branch_id"],
            branch=r["customer__branch__name"],
            product=r["product"],
            required=required_items(r["product"], r["guarantee_method"]),
        )
        for r in rows
    }
    for loan_id, item, state, location in CreditFile.objects.filter(
        loan__in=qs.values("loan_id")
    ).values_list("loan_id", "item", "state", "location"):
        f = files.get(loan_id)
        if f is not None:
            f.states[item] = state
            f.locations[item] = location
    return list(files.values())


@dataclass
class Completeness:
    key: str
    name: str
    loans: int = 0
    complete: int = 0
    required: int = 0
    present: int = 0
    lost: int = 0

    @property
    def rate(self):
        return Decimal(self.present) / Decimal(self.required) if self.required else None

    @property
    def missing(self) -> int:
        return self.required - self.present


def completeness(files: list[LoanFile], by: str) -> list[Completeness]:
    """Completeness per `by` — "manager" or "branch" (the customer's 管户机构)."""
    out: dict[str, Completeness] = {}
    for f in files:
        key, name = (f.manager_id or "", f.manager) if by == "manager" else (f.branch_id, f.branch)
        c = out.setdefault(key, Completeness(key, name))
        c.loans += 1
        c.complete += f.complete
        c.required += len(f.required)
        c.present += f.present
        c.lost += len(f.lost)
    return sorted(out.values(), key=lambda c: (c.rate is None, c.rate, c.key))


def tracked() -> bool:
    """Whether the bank supplies its credit files at all (`credit_files` holds a row): until it
    does, nothing is reported missing and no 信贷档案补齐 is planned — the page says so."""
    return CreditFile.objects.exists()


def missing_by_customer(customer_ids) -> dict[str, list[str]]:
    """{customer_id: ["L001 放款凭证（遗失）", …]} for the 13-item report and the inspection."""
    if not tracked():
        return {}
    out: dict[str, list[str]] = defaultdict(list)
    for f in loan_files(Loan.objects.filter(customer_id__in=list(customer_ids))):
        if f.missing:
            out[f.customer_id].append(f"{f.loan_id} {f.missing_text()}")
    return dict(out)


def lost_items(as_of: dt.date, loans=None) -> list[dict]:
    """Lost file items (遗失) of active loans: the diligence list's findings."""
    qs = CreditFile.objects.filter(state="lost", loan__status="active")
    if loans is not None:
        qs = qs.filter(loan__in=loans.values("loan_id"))
    return [
        {
            "loan_id": r["loan_id"],
            "customer_id": r["loan__customer_id"],
            "customer": r["loan__customer__name"],
            "manager_id": r["loan__customer__manager_id"],
            "item": ITEM_LABELS.get(r["item"], r["item"]),
            "state_date": r["state_date"],
        }
        for r in qs.values(
            "loan_id",
            "loan__customer_id",
            "loan__customer__name",
            "loan__customer__manager_id",
            "item",
            "state_date",
        ).order_by("loan_id", "item")
    ]
