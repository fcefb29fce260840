"""The facts an agenda item is decided on: per loan of the customer its current, suggested and
floor classes with the rules that fired, balance and DPD (the latest screening on or before the
business date), and the customer's open signals. Read-only; the page, the action and the
documents read the same rows.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from postloan.core.business_date import business_today
from postloan.risk.choices import SignalStatus
from postloan.risk.floors import binding_floor, class_rank, floor_class, floor_violation
from postloan.risk.models import LoanAssessment, Signal


def class_field(loan_id: str) -> str:
    """The form field (and the refusal key) of one loan's class in the decision table."""
    return f"class__{loan_id}"


def reason_field(loan_id: str) -> str:
    return f"reason__{loan_id}"


def waiver_field(loan_id: str) -> str:
    """The DPD 1–7 technical waiver's checkbox of one loan (and its reason's field)."""
    return f"waiver__{loan_id}"


def waiver_reason_field(loan_id: str) -> str:
    return f"waiver_reason__{loan_id}"


@dataclass
class LoanFacts:
    loan_id: str
    product: str
    balance: Decimal
    loan_class: str  # the class on the books
    assessment: object | None = None
    floors: list = field(default_factory=list)

    @property
    def screened(self) -> bool:
        return self.assessment is not None

    @property
    def as_of(self):
        return self.assessment.as_of if self.assessment else None

    @property
    def dpd(self) -> int | None:
        return self.assessment.dpd if self.assessment else None

    @property
    def current_class(self) -> str:
        return self.assessment.effective_class if self.assessment else self.loan_class

    @property
    def suggested_class(self) -> str:
        return self.assessment.suggested_class if self.assessment else ""

    @property
    def floor_class(self) -> str:
        return floor_class(self.assessment) if self.assessment else ""

    @property
    def binding_rule(self) -> dict | None:
        return binding_floor(self.assessment) if self.assessment else None

    @property
    def waivable(self) -> bool:
        """DPD 1–7 on the screening date: the committee may waive CLS-SM-DPD as technical."""
        return self.assessment is not None and self.assessment.technical_waiver_allowed

    def refusal(self, chosen: str, *, waived: bool = False) -> str | None:
        """Why `chosen` may not be decided for this loan (the floor's rule), or None.

        `waived`: the DPD 1–7 technical waiver, which lifts only the CLS-SM-DPD floor."""
        if self.assessment is None:
            return "该借据尚无系统筛查结果（无分类建议和底线），不能审议认定；请风险部门先运行筛查"
        return floor_violation(self.assessment, chosen, waived=waived)

    @property
    def class_field(self) -> str:
        return class_field(self.loan_id)

    @property
    def reason_field(self) -> str:
        return reason_field(self.loan_id)

    @property
    def waiver_field(self) -> str:
        return waiver_field(self.loan_id)

    @property
    def waiver_reason_field(self) -> str:
        return waiver_reason_field(self.loan_id)


def _worst_first(entry: dict) -> tuple[int, int]:
    """The binding floors first, each class's rules in the regulation's order."""
    from postloan.risk.engine.registry import META

    order = {rule_id: i for i, rule_id in enumerate(META)}
    return (-class_rank(entry["floor_class"]), order.get(entry.get("rule_id", ""), len(order)))


def decided_loans(customer):
    """The loans a meeting classifies: the customer's active loans with a balance."""
    return customer.loans.filter(status="active", balance__gt=0).order_by("loan_id")


def loan_facts(customer, as_of=None) -> list[LoanFacts]:
    """One row per loan, with its latest assessment on or before `as_of` (two queries)."""
    as_of = as_of or business_today()
    loans = list(decided_loans(customer))
    latest = {}
    for a in LoanAssessment.objects.filter(
        loan_id__in=[loan.loan_id for loan in loans], as_of__lte=as_of
    ).order_by("loan_id", "-as_of"):
        latest.setdefault(a.loan_id, a)
    rows = []
    for loan in loans:
        a = latest.get(loan.loan_id)
        floors = sorted(
            (f for f in (a.floors if a else []) if f.get("floor_class")),
            key=_worst_first,
        )
        rows.append(
            LoanFacts(
                loan_id=loan.loan_id,
                product=loan.get_product_display(),
                balance=loan.balance,
                loan_class=loan.classification,
                assessment=a,
                floors=floors,
            )
        )
    return rows


def open_signals(customer):
    return (
        Signal.objects.filter(customer=customer)
        .exclude(status=SignalStatus.RELEASED)
        .select_related("loan", "owner")
        .order_by("-raised_on", "-id")
    )
