"""审批条件落实与跟踪: each condition's state as of a business date, for the people who follow it.

The screening is the one judge of what data can test (`risk/engine/signals_covenants.py`):
- 违约 (breached): the condition is listed in the evidence of an EW-COVENANT signal seen by the
  latest screening (still firing, not released), or the account manager confirmed a breach for
  the current test period;
- 待确认 (to confirm): the latest screening could not test it (its 未评估 row names the
  condition: insurance, free text, no statement …) and nobody confirmed it for the period;
- 达标 (met): tested by the latest screening and not breached, or confirmed met;
- 未到期 (not due): its `due_date` is still ahead (a registration deadline: on or ahead).
Before the first screening every condition in force is 待确认.

A test period is the month, quarter or year of the business date by `frequency`; `once`
conditions have one period (`ONCE`).
"""

import datetime as dt
from dataclasses import dataclass

from postloan import contract
from postloan.core import formats
from postloan.portfolio.models import Covenant, Loan
from postloan.risk.models import NotEvaluated, Signal
from postloan.risk.screenings import latest_screening
from postloan.worklist.choices import CovenantState, FollowUpKind
from postloan.worklist.models import FollowUp

ONCE = dt.date(1970, 1, 1)  # the single test period of a one-off condition
TYPE_LABELS = dict(contract.COVENANT_TYPES)
FREQUENCY_LABELS = dict(contract.TEST_FREQUENCIES)
PERCENT_TYPES = ("debt_ratio_max", "sales_return_min")
UNTESTABLE_TYPES = ("insurance_kept", "free_text")


def period_start(frequency: str, as_of: dt.date) -> dt.date:
    if frequency == "monthly":
        return as_of.replace(day=1)
    if frequency == "quarterly":
        return dt.date(as_of.year, (as_of.month - 1) // 3 * 3 + 1, 1)
    if frequency == "annual":
        return dt.date(as_of.year, 1, 1)
    return ONCE


def period_end(frequency: str, as_of: dt.date) -> dt.date | None:
    start = period_start(frequency, as_of)
    months = {"monthly": 1, "quarterly": 3, "annual": 12}.get(frequency)
    if months is None:
        return None
    index = start.year * 12 + start.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)


def is_not_due(c: Covenant, as_of: dt.date) -> bool:
    if c.due_date is None:
        return False
    if c.type == "collateral_registered_by":
        return as_of <= c.due_date
    return as_of < c.due_date


def condition_text(c: Covenant) -> str:
    """The condition as a person reads it: 资产负债率上限 70.00%（审批原文…）."""
    label = TYPE_LABELS.get(c.type, c.type)
    if c.threshold is not None and c.type in PERCENT_TYPES:
        label += f" {formats.pct(c.threshold, 2)}"
    elif c.threshold is not None:
        label += f" {c.threshold.normalize():f}"
    if c.due_date is not None:
        label += f"（期限 {c.due_date:%Y-%m-%d}）"
    return label + (f"：{c.text}" if c.text else "")


@dataclass
class CovenantStatus:
    covenant: Covenant
    state: str
    detail: str = ""

    @property
    def state_label(self) -> str:
        return str(CovenantState(self.state).label)

    @property
    def text(self) -> str:
        return condition_text(self.covenant)

    @property
    def frequency_label(self) -> str:
        return FREQUENCY_LABELS.get(self.covenant.frequency, "")

    def line(self) -> str:
        return f"{self.covenant.covenant_id} {self.text}【{self.state_label}】" + (
            f"{self.detail}" if self.detail else ""
        )


def covenant_statuses(as_of: dt.date, customer_ids) -> list[CovenantStatus]:
    """The state of every condition of the customers, in a handful of queries."""
    ids = list(customer_ids)
    covenants = list(
        Covenant.objects.filter(customer_id__in=ids).order_by("customer_id", "covenant_id")
    )
    if not covenants:
        return []
    screened = latest_screening(as_of)
    breached: dict[str, str] = {}
    untested: dict[str, str] = {}
    if screened is not None:
        for evidence in (
            Signal.objects.filter(
                rule_id="EW-COVENANT",
                customer_id__in=ids,
                still_firing=True,
                last_seen_on=screened,
            )
            .exclude(status="released")
            .values_list("evidence", flat=True)
        ):
            for item in (evidence or {}).get("covenants", []):
                breached[item.get("covenant_id")] = item.get("actual", "")
        for reason in NotEvaluated.objects.filter(
            as_of=screened, rule_id="EW-COVENANT", customer_id__in=ids
        ).values_list("reason", flat=True):
            head, _, why = reason.partition("：")
            untested[head.removeprefix("条件").split("（")[0]] = why
    on_book = set(
        Loan.objects.filter(customer_id__in=ids, status="active").values_list("loan_id", flat=True)
    )
    borrowers = set(Loan.objects.filter(loan_id__in=on_book).values_list("customer_id", flat=True))
    confirmed = {
        (f.ref, f.period_start): f
        for f in FollowUp.objects.filter(
            kind=FollowUpKind.COVENANT, customer_id__in=ids, done_date__isnull=False
        ).order_by("done_date", "id")
    }
    out = []
    for c in covenants:
        f = confirmed.get((c.covenant_id, period_start(c.frequency, as_of)))
        if is_not_due(c, as_of):
            out.append(CovenantStatus(c, CovenantState.NOT_DUE, f"{c.due_date:%Y-%m-%d}前落实"))
        elif c.covenant_id in breached:
            out.append(CovenantStatus(c, CovenantState.BREACHED, breached[c.covenant_id]))
        elif f is not None:
            who = f"{f.done_date:%Y-%m-%d} 客户经理确认：{f.evidence}"
            out.append(CovenantStatus(c, f.outcome, who))
        elif c.customer_id not in borrowers or (c.loan_id and c.loan_id not in on_book):
            out.append(CovenantStatus(c, CovenantState.TO_CONFIRM, "借据已不在贷，筛查不再检测"))
        elif screened is None:
            out.append(CovenantStatus(c, CovenantState.TO_CONFIRM, "尚未运行风险筛查"))
        elif c.covenant_id in untested or c.type in UNTESTABLE_TYPES:
            why = untested.get(c.covenant_id, "须客户经理核实确认")
            out.append(CovenantStatus(c, CovenantState.TO_CONFIRM, why))
        else:
            out.append(CovenantStatus(c, CovenantState.MET, f"{screened:%Y-%m-%d} 筛查检测达标"))
    return out


def covenant_lines(as_of: dt.date, customer) -> list[str]:
    return [s.line() for s in covenant_statuses(as_of, [customer.pk])]
