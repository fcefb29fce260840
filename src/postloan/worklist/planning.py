"""Set-based generation of post-loan work: `plan_worklist(as_of)` after each screening.

Each step reads what it needs in a few queries, decides in memory, and writes with
`bulk_create`/`bulk_update` (`core.bulk` for the one big insert, the first plan of every
customer's inspections) — never a query per customer or loan.
"""

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, F, Max, Min, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from postloan.core import bulk
from postloan.core.audit import record
from postloan.core.formats import round_half_up
from postloan.core.models import AuditEvent
from postloan.core.workdays import WorkdayCalendar
from postloan.org.models import Branch, StaffCertificate, certified_q
from postloan.portfolio.choices import CLASS_LABELS
from postloan.portfolio.models import Covenant, Customer, Loan, RepaymentInstalment, RiskEvent
from postloan.risk.current import loans_with_current_class
from postloan.worklist import covenants, credit_files, risk_link
from postloan.worklist import schedule as sch
from postloan.worklist.choices import (
    CaseOutcome,
    CaseStatus,
    CovenantState,
    FollowUpKind,
    InspectionKind,
    TaskKind,
    UnassignedReason,
)
from postloan.worklist.models import (
    CalendarTask,
    CollectionCase,
    DepartmentCheck,
    FollowUp,
    Inspection,
    UnassignedFlag,
)
from postloan.worklist.policy import setting
from postloan.worklist.scope import LITIGATION_EVENTS, Scope, replan_scope

log = logging.getLogger(__name__)

NO_CALENDAR_PRODUCTS = ("bank_acceptance", "letter_of_guarantee")
CALENDAR_LOOKBACK_DAYS = 180  # a guarantee letter's expiry is still followed up that long after
CHUNK = 5_000


@dataclass
class PlanSummary:
    as_of: dt.date
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    scope: Scope | None = None
    read: dict[str, int] = field(default_factory=dict)  # rows each step read (the scope's cost)

    def add(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def reading(self, key: str, n: int) -> None:
        self.read[key] = self.read.get(key, 0) + n


Only = frozenset[str] | None  # the customers a step looks at; None = every customer


def for_customers(qs, only: Only, path: str = "customer_id"):
    """The rows of `qs` (a values/values_list queryset) of the customers `only` — in bounded
    `IN` lists — or all of them."""
    if only is None:
        yield from qs
        return
    ids = sorted(only)
    for start in range(0, len(ids), CHUNK):
        yield from qs.filter(**{f"{path}__in": ids[start : start + CHUNK]})


def _calendar(as_of: dt.date) -> WorkdayCalendar:
    return WorkdayCalendar(as_of - dt.timedelta(days=400), as_of + dt.timedelta(days=400))


def customers_in_litigation(as_of: dt.date, only: Only = None) -> set[str]:
    since = as_of - dt.timedelta(days=365)
    from_events = RiskEvent.objects.filter(
        type__in=LITIGATION_EVENTS, event_date__gte=since, event_date__lte=as_of
    ).values_list("customer_id", flat=True)
    from_cases = CollectionCase.objects.filter(
        status=CaseStatus.OPEN, actions__kind="legal"
    ).values_list("customer_id", flat=True)
    return set(for_customers(from_events, only)) | set(for_customers(from_cases, only))


def customer_positions(
    as_of: dt.date, only: Only = None, summary: PlanSummary | None = None
) -> dict[str, dict]:
    """Per customer with an active balance: worst current class (risk.current) at `as_of`,
    latest loan start, manager."""
    rows = loans_with_current_class(
        Loan.objects.filter(status="active", balance__gt=0), as_of
    ).values_list("customer_id", "current_cls", "start_date", "customer__manager_id")
    out: dict[str, dict] = {}
    n = 0
    for customer_id, cls, start, manager in for_customers(rows, only):
        n += 1
        pos = out.setdefault(
            customer_id, {"classes": [], "latest_start": start, "manager": manager}
        )
        pos["classes"].append(cls)
        pos["latest_start"] = max(pos["latest_start"], start)
    for pos in out.values():
        pos["worst"] = sch.worst_class(pos["classes"])
    if summary is not None:
        summary.reading("positions", n)
    return out


def plan_inspections(
    as_of: dt.date, cal: WorkdayCalendar, summary: PlanSummary, only: Only = None
) -> None:
    positions = customer_positions(as_of, only, summary)
    litigation = customers_in_litigation(as_of, only)
    last_done: dict[str, tuple[dt.date, int | None]] = {}
    done_rows = sorted(  # in date order, the last one wins (per chunk, then merged)
        for_customers(
            Inspection.objects.filter(done_date__isnull=False, done_date__lte=as_of)
            .order_by("done_date", "id")
            .values_list("done_date", "id", "customer_id", "next_interval_months"),
            only,
        )
    )
    for done, _, customer_id, adjust in done_rows:
        last_done[customer_id] = (done, adjust)
    open_rows = list(  # (customer, id, reason, due date): no model instance per inspection
        for_customers(
            Inspection.objects.filter(
                kind=InspectionKind.SCHEDULED, done_date__isnull=True
            ).values_list("customer_id", "pk", "reason", "due_date"),
            only,
        )
    )
    summary.reading("inspections", len(done_rows) + len(open_rows))
    open_scheduled = {customer_id: (pk, reason, due) for customer_id, pk, reason, due in open_rows}
    new, changed = [], []
    now = timezone.now()
    for customer_id, pos in positions.items():
        in_lit = customer_id in litigation
        months = sch.inspection_interval_months(pos["worst"], in_lit)
        label = "涉诉" if in_lit else sch_class_label(pos["worst"])
        reason = f"最差分类/状态：{label}，至少每{months}个月检查一次"
        current = open_scheduled.get(customer_id)
        if current is not None and current[1] == reason:
            continue  # planned on the same grounds: nothing to re-plan (most customers, daily)
        if customer_id in last_done:
            base, adjust = last_done[customer_id]
            due = sch.inspection_due(cal, base, months, adjust)
        else:
            due = sch.first_inspection_due(cal, customer_id, pos["latest_start"], as_of, months)
        if current is None:
            new.append(
                {
                    "customer_id": customer_id,
                    "kind": InspectionKind.SCHEDULED,
                    "reason": reason,
                    "assignee_id": pos["manager"],
                    "due_date": due,
                    "created_at": now,
                }
            )
        else:
            # The class changed: re-plan from the new interval; overdue work stays overdue.
            pk, _, current_due = current
            if current_due < as_of:
                due = min(due, current_due)
            changed.append(Inspection(pk=pk, due_date=due, reason=reason))
    bulk.insert_rows(Inspection, new)  # 55 k on a first plan: no model instances
    bulk.update_rows(Inspection, changed, ["due_date", "reason"])
    # A customer without an asset any more needs no scheduled inspection: drop the plan
    # (never a done inspection), so it cannot turn overdue against the account manager.
    # (Found in Python: an `exclude(customer_id__in=…)` of 550 k customers at scale L spent
    # seconds building the statement alone.)
    gone = [pk for customer_id, pk, _, _ in open_rows if customer_id not in positions]
    dropped = 0
    for start in range(0, len(gone), 10_000):  # bounded statements, however many go
        dropped += Inspection.objects.filter(pk__in=gone[start : start + 10_000]).delete()[0]
    summary.add("定期检查（新增）", len(new))
    summary.add("定期检查（调整）", len(changed))
    summary.add("定期检查（客户已无资产，撤销）", dropped)

    lookback = as_of - dt.timedelta(days=int(setting("WORKLIST_FIRST_CHECK_LOOKBACK_DAYS")))
    # NOT EXISTS on the indexed loan column, not NOT IN (…): PostgreSQL cannot turn a NOT IN
    # into an anti-join and probes the subquery per loan once it outgrows work_mem.
    followed = Inspection.objects.filter(
        kind=InspectionKind.FIRST_FOLLOWUP, loan_id=OuterRef("loan_id")
    )
    recent = Loan.objects.filter(
        start_date__gte=lookback, start_date__lte=as_of, status="active"
    ).exclude(Exists(followed))
    started = first_planned_on(as_of)
    first, missed = [], 0
    for loan_id, customer_id, start, manager in recent.values_list(
        "loan_id", "customer_id", "start_date", "customer__manager_id"
    ):
        available, due = sch.first_check_window(cal, start)
        if due < started:
            # The window closed before the bank planned its work here: no record can say
            # whether the check was done, so it is not put on the list as overdue.
            missed += 1
            continue
        first.append(
            {
                "customer_id": customer_id,
                "loan_id": loan_id,
                "kind": InspectionKind.FIRST_FOLLOWUP,
                "reason": f"借据{loan_id}于{start:%Y-%m-%d}发放，发放后首次跟踪检查",
                "assignee_id": manager,
                "available_from": available,
                "due_date": due,
                "created_at": now,
            }
        )
    bulk.insert_rows(Inspection, first)
    summary.add("首次跟踪检查（新增）", len(first))
    if missed:
        summary.notes.append(
            f"{missed} 笔贷款的首次跟踪检查期限在系统启用（{started:%Y-%m-%d}）前已过，未列入计划"
        )

    follow_managers(only)


def follow_managers(only: Only = None) -> int:
    """Keep each open inspection's assignee the customer's current account manager. Only the
    inspections whose manager changed are written (before, every open one — 550 k at scale L —
    was rewritten on each re-plan); returns how many were."""
    manager = Customer.objects.filter(pk=OuterRef("customer_id")).values("manager_id")[:1]
    changed = (
        Q(assignee_id__isnull=True, now__isnull=False)
        | Q(assignee_id__isnull=False, now__isnull=True)
        | (Q(assignee_id__isnull=False, now__isnull=False) & ~Q(assignee_id=F("now")))
    )
    open_ = Inspection.objects.filter(done_date__isnull=True)
    if only is None:
        return (
            open_.annotate(now=Subquery(manager))
            .filter(changed)
            .update(assignee_id=Subquery(manager))
        )
    ids, n = sorted(only), 0
    for start in range(0, len(ids), CHUNK):
        n += (
            open_.filter(customer_id__in=ids[start : start + CHUNK])
            .annotate(now=Subquery(manager))
            .filter(changed)
            .update(assignee_id=Subquery(manager))
        )
    return n


def first_planned_on(as_of: dt.date) -> dt.date:
    """The first business date the worklist was planned for: the bank's start with the system
    (before it there is no inspection history here), or `as_of` for the very first plan."""
    first = AuditEvent.objects.filter(action="worklist.plan").aggregate(first=Min("object_id"))
    if not first["first"]:
        return as_of
    try:
        return min(as_of, dt.date.fromisoformat(first["first"]))
    except ValueError:
        return as_of


def sch_class_label(cls: str) -> str:
    return CLASS_LABELS.get(cls, cls)


def plan_department_checks(as_of: dt.date, cal: WorkdayCalendar, summary: PlanSummary) -> None:
    """One quarterly check by the credit management department per front-office unit."""
    quarter = sch.quarter_start(as_of)
    due = cal.on_or_before(sch.quarter_end(as_of))
    units = Branch.objects.filter(level__in=("branch", "sub_branch")).values_list(
        "branch_code", flat=True
    )
    existing = set(
        DepartmentCheck.objects.filter(quarter_start=quarter).values_list("branch_id", flat=True)
    )
    new = [
        DepartmentCheck(branch_id=code, quarter_start=quarter, due_date=due)
        for code in units
        if code not in existing
    ]
    DepartmentCheck.objects.bulk_create(new)
    summary.add("信贷管理部门季度检查（新增）", len(new))


def horizon_of(as_of: dt.date) -> dt.date:
    return as_of + dt.timedelta(days=int(setting("WORKLIST_HORIZON_DAYS")))


def calendar_scope(as_of: dt.date, scope: Scope | None) -> tuple[Only, tuple | None]:
    """The calendar step's share of a scoped plan: (customers, maturity window) — the loans
    of the changed customers, plus every loan whose task can enter the horizon by the date
    moving on: a due date in (last plan's horizon, this one's], i.e. a maturity within the
    notice lead before it or the guarantee letter's working days after it. A 结息日 entering
    the horizon concerns every loan: then the step runs in full (once a quarter)."""
    if scope is None or scope.full:
        return None, None
    if scope.previous is None or scope.previous >= as_of:
        return scope.customers, None
    before, after = horizon_of(scope.previous), horizon_of(as_of)
    # a 结息日's task falls due on it or up to a holiday's length before: (before, after + 10]
    if sch.interest_dates(before + dt.timedelta(days=1), after + dt.timedelta(days=10)):
        return None, None
    lead = int(setting("WORKLIST_NOTICE_LONG_MONTHS")) * 31 + 15
    lead = max(lead, int(setting("WORKLIST_NOTICE_SHORT_DAYS")) + 15)
    lag = 2 * int(setting("WORKLIST_GUARANTEE_LETTER_WORKING_DAYS")) + 15
    return scope.customers, (before - dt.timedelta(days=lag), after + dt.timedelta(days=lead))


def plan_calendar(
    as_of: dt.date, cal: WorkdayCalendar, summary: PlanSummary, scope: Scope | None = None
) -> None:
    horizon = horizon_of(as_of)
    earliest = as_of - dt.timedelta(days=CALENDAR_LOOKBACK_DAYS)  # no event planned is older
    only, window_dates = calendar_scope(as_of, scope)
    window = Loan.objects.filter(maturity_date__gte=earliest, start_date__lte=horizon)
    if only is None:
        loans = list(window.values(*CALENDAR_FIELDS))
    else:
        loans_by_id = {
            loan["loan_id"]: loan for loan in for_customers(window.values(*CALENDAR_FIELDS), only)
        }
        if window_dates is not None:
            lo, hi = window_dates
            moving = window.filter(maturity_date__gt=lo, maturity_date__lte=hi)
            loans_by_id.update((loan["loan_id"], loan) for loan in moving.values(*CALENDAR_FIELDS))
        loans = list(loans_by_id.values())
    summary.reading("calendar_loans", len(loans))
    tasks = CalendarTask.objects.filter(event_date__gte=earliest).values_list(
        "kind", "loan_id", "event_date"
    )
    if only is None:
        existing = set(tasks)
    else:
        ids, existing = sorted({loan["loan_id"] for loan in loans}), set()
        for start in range(0, len(ids), CHUNK):
            existing.update(tasks.filter(loan_id__in=ids[start : start + CHUNK]))
    new: list[dict] = []  # plain rows: a first plan adds 700 k tasks at scale L

    def add(kind, loan, event, due_on, amount=None):
        """Plan the task unless it is planned already; `due_on()` gives its due date (worked
        out only for a new task: on a daily re-plan nearly every task exists)."""
        key = (str(kind), loan["loan_id"], event)
        if key in existing:
            return
        due = due_on()
        if due > horizon:
            return
        existing.add(key)
        new.append(
            {
                "kind": str(kind),
                "customer_id": loan["customer_id"],
                "loan_id": loan["loan_id"],
                "event_date": event,
                "due_date": due,
                "amount_due": amount,
            }
        )

    interest_days = sch.interest_dates(as_of, horizon)
    for loan in loans:
        maturity, active = loan["maturity_date"], loan["status"] == "active" and loan["balance"] > 0
        if loan["product"] == "letter_of_guarantee":
            if maturity <= horizon:
                add(
                    TaskKind.GUARANTEE_LETTER,
                    loan,
                    maturity,
                    lambda m=maturity: sch.guarantee_letter_due(cal, m),
                )
            continue
        if not active or maturity < as_of:
            continue
        if loan["product"] == "bank_acceptance":
            ratio = loan["deposit_ratio"] or Decimal("0")
            exposure = round_half_up(loan["balance"] * (Decimal("1") - ratio))
            add(
                TaskKind.BILL_FUNDS,
                loan,
                maturity,
                lambda m=maturity: sch.funds_check_due(cal, m),
                exposure,
            )
            continue
        add(
            TaskKind.MATURITY_NOTICE,
            loan,
            maturity,
            lambda s=loan["start_date"], m=maturity: sch.notice_due(cal, s, m),
        )
        add(
            TaskKind.MATURITY_FUNDS,
            loan,
            maturity,
            lambda m=maturity: sch.funds_check_due(cal, m),
            loan["balance"],
        )
        for day in interest_days:
            if loan["start_date"] < day < maturity:
                add(
                    TaskKind.INTEREST_FUNDS,
                    loan,
                    day,
                    lambda d=day: cal.on_or_before(d),
                    interest_for_quarter(loan, day),
                )
    bulk.insert_rows(CalendarTask, new)
    for kind in TaskKind:
        n = sum(1 for t in new if t["kind"] == kind)
        if n:
            summary.add(f"{kind.label}（新增）", n)


CALENDAR_FIELDS = (
    "loan_id",
    "customer_id",
    "product",
    "balance",
    "start_date",
    "maturity_date",
    "deposit_ratio",
    "interest_rate",
    "status",
)


def interest_for_quarter(loan: dict, interest_day: dt.date) -> Decimal | None:
    """Interest due on a 结息日: balance × annual rate × days since the last 结息日 ÷ 360
    (the bank's 日利率 = 年利率 ÷ 360); None when the loan has no rate."""
    rate = loan.get("interest_rate")
    if rate is None:
        return None
    since = max(sch.previous_interest_date(interest_day), loan["start_date"])
    days = (interest_day - since).days
    return round_half_up(loan["balance"] * rate * days / Decimal(360))


def plan_unassigned(as_of: dt.date, summary: PlanSummary, only: Only = None) -> None:
    """人户合一: flag customers with an active balance and no account manager, every day — and,
    once the bank supplies `staff_certificates` (持证上岗), customers whose manager holds no
    certificate valid on the business date.

    Decided in full even in a scoped plan (`only` is not used): a certificate lapses by the
    date alone, with no input of the customer changing, and the two grouped queries read only
    the flagged customers."""
    active = Loan.objects.filter(status="active", balance__gt=0)
    wanted: dict[str, tuple[str, str | None]] = {
        cid: (UnassignedReason.NO_MANAGER, None)
        for cid in active.filter(customer__manager__isnull=True)
        .values_list("customer_id", flat=True)
        .distinct()
    }
    uncertified = 0
    if StaffCertificate.objects.exists():
        rows = (
            active.filter(customer__manager__isnull=False)
            .exclude(certified_q(as_of, "customer__manager_id"))
            .values_list("customer_id", "customer__manager_id")
            .distinct()
        )
        for cid, manager_id in rows:
            wanted[cid] = (UnassignedReason.UNCERTIFIED, manager_id)
            uncertified += 1
    flags = {f.customer_id: f for f in UnassignedFlag.objects.all()}
    new, changed = [], []
    for customer_id, (reason, manager_id) in wanted.items():
        flag = flags.get(customer_id)
        if flag is None:
            new.append(
                UnassignedFlag(
                    customer_id=customer_id,
                    first_flagged_on=as_of,
                    last_flagged_on=as_of,
                    reason=reason,
                    manager_id=manager_id,
                )
            )
            continue
        if flag.resolved_on is not None or flag.reason != reason:
            flag.resolved_on, flag.first_flagged_on = None, as_of
            flag.last_flagged_on, flag.days_flagged = as_of, 1
        elif flag.last_flagged_on < as_of:
            flag.last_flagged_on = as_of
            flag.days_flagged += 1
        else:
            if flag.manager_id == manager_id:
                continue
        flag.reason, flag.manager_id = reason, manager_id
        changed.append(flag)
    for customer_id, flag in flags.items():
        if customer_id not in wanted and flag.resolved_on is None:
            flag.resolved_on = as_of
            changed.append(flag)
    UnassignedFlag.objects.bulk_create(new)
    UnassignedFlag.objects.bulk_update(
        changed,
        ["resolved_on", "first_flagged_on", "last_flagged_on", "days_flagged", "reason", "manager"],
    )
    summary.add("未分配客户经理的客户", len(wanted) - uncertified)
    if uncertified:
        summary.add("客户经理无有效资格证书的客户", uncertified)


def overdue_amounts(as_of: dt.date, customer_ids) -> dict[str, Decimal]:
    """Unpaid amounts of instalments due before `as_of`, per customer (one query)."""
    rows = (
        RepaymentInstalment.objects.filter(
            loan__customer_id__in=list(customer_ids), due_date__lt=as_of
        )
        .exclude(paid_off_date__lte=as_of)
        .values("loan__customer_id")
        .annotate(
            due=Sum("principal_due"),
            interest=Sum("interest_due"),
            paid=Sum("principal_paid"),
            paid_i=Sum("interest_paid"),
        )
    )
    return {
        r["loan__customer_id"]: (r["due"] or 0)
        + (r["interest"] or 0)
        - (r["paid"] or 0)
        - (r["paid_i"] or 0)
        for r in rows
    }


def plan_collection_cases(
    as_of: dt.date,
    summary: PlanSummary,
    dpd_by_loan: dict[str, int] | None = None,
    only: Only = None,
) -> None:
    """Open a case per customer with DPD >= 1 (DPD from the screening); close repaid ones."""
    if dpd_by_loan is None:
        dpd_by_loan = risk_link.latest_dpd_by_loan(as_of, only)
    elif only is not None:
        owners = set(for_customers(Loan.objects.values_list("loan_id", flat=True), only))
        dpd_by_loan = {k: v for k, v in dpd_by_loan.items() if k in owners}
    if dpd_by_loan is None:
        summary.notes.append("尚未运行风险筛查（无逾期天数），未生成逾期催收案件")
        return
    summary.reading("dpd", len(dpd_by_loan))
    loans = Loan.objects.all()  # every loan at once: cheaper than 900 k ids in an IN (…) at L
    if len(dpd_by_loan) < 1000 and only is None:
        loans = loans.filter(loan_id__in=list(dpd_by_loan))
    loan_customer = {
        loan_id: customer_id
        for loan_id, customer_id in for_customers(loans.values_list("loan_id", "customer_id"), only)
        if loan_id in dpd_by_loan
    }
    worst: dict[str, int] = {}
    for loan_id, dpd in dpd_by_loan.items():
        customer_id = loan_customer.get(loan_id)
        if customer_id is not None and (dpd or 0) >= 1:
            worst[customer_id] = max(worst.get(customer_id, 0), dpd)
    open_cases = {
        c.customer_id: c
        for c in for_customers(CollectionCase.objects.filter(status=CaseStatus.OPEN), only)
    }
    to_open = [c for c in worst if c not in open_cases]
    amounts = overdue_amounts(as_of, to_open)
    managers = dict(Customer.objects.filter(pk__in=to_open).values_list("pk", "manager_id"))
    new = [
        CollectionCase(
            customer_id=c,
            owner_id=managers.get(c),
            opened_on=as_of,
            dpd_at_open=worst[c],
            overdue_at_open=amounts.get(c, Decimal("0")),
        )
        for c in to_open
    ]
    with transaction.atomic():
        CollectionCase.objects.bulk_create(new)
        screened = set(loan_customer.values())
        closed = [
            case
            for customer_id, case in open_cases.items()
            if customer_id in screened and customer_id not in worst
        ]
        for case in closed:
            case.status, case.closed_on = CaseStatus.CLOSED, as_of
            case.outcome = CaseOutcome.REPAID
            case.outcome_note = "风险筛查显示已无逾期，系统自动结案"
        CollectionCase.objects.bulk_update(
            closed, ["status", "closed_on", "outcome", "outcome_note"]
        )
    summary.add("逾期催收案件（新增）", len(new))
    summary.add("逾期催收案件（自动结案）", len(closed))


def plan_follow_ups(as_of: dt.date, summary: PlanSummary) -> None:
    """审批条件落实确认 for every condition the screening could not test (once per test period),
    信贷档案补齐 for every missing item of an active loan's file (unless one is open, or was
    done in the last `WORKLIST_FOLLOW_UP_DAYS` days): a few queries, one bulk insert."""
    days = int(setting("WORKLIST_FOLLOW_UP_DAYS"))
    with_covenants = Covenant.objects.values("customer_id").distinct()
    managers = dict(
        Customer.objects.filter(customer_id__in=with_covenants).values_list(
            "customer_id", "manager_id"
        )
    )
    existing = set(
        FollowUp.objects.filter(kind=FollowUpKind.COVENANT).values_list("ref", "period_start")
    )
    new = []
    for st in covenants.covenant_statuses(as_of, managers):
        c = st.covenant
        if st.state != CovenantState.TO_CONFIRM or c.customer_id not in managers:
            continue
        if st.detail == "借据已不在贷，筛查不再检测":
            continue
        start = covenants.period_start(c.frequency, as_of)
        if (c.covenant_id, start) in existing:
            continue
        end = covenants.period_end(c.frequency, as_of)
        due = as_of + dt.timedelta(days=days)
        if end is not None and as_of < end < due:
            due = end
        new.append(
            FollowUp(
                kind=FollowUpKind.COVENANT,
                customer_id=c.customer_id,
                loan_id=c.loan_id,
                ref=c.covenant_id,
                period_start=start,
                title=f"核实审批条件 {c.covenant_id}：{covenants.condition_text(c)}"[:300],
                due_date=due,
                assignee_id=managers[c.customer_id],
                created_on=as_of,
            )
        )
    recent = as_of - dt.timedelta(days=days)
    busy = set(
        FollowUp.objects.filter(kind=FollowUpKind.CREDIT_FILE)
        .filter(Q(done_date__isnull=True) | Q(done_date__gte=recent) | Q(created_on=as_of))
        .values_list("ref", flat=True)
    )
    n_files = 0
    for f in credit_files.loan_files() if credit_files.tracked() else ():
        for item in f.missing:
            ref = f"{f.loan_id}/{item}"
            if ref in busy:
                continue
            state = credit_files.STATE_LABELS[f.states.get(item, "absent")]
            label = credit_files.ITEM_LABELS.get(item, item)
            new.append(
                FollowUp(
                    kind=FollowUpKind.CREDIT_FILE,
                    customer_id=f.customer_id,
                    loan_id=f.loan_id,
                    ref=ref,
                    period_start=as_of,
                    title=f"补齐信贷档案：借据 {f.loan_id} {label}（{state}）",
                    due_date=as_of + dt.timedelta(days=days),
                    assignee_id=f.manager_id,
                    created_on=as_of,
                )
            )
            n_files += 1
    FollowUp.objects.bulk_create(new, batch_size=2000)
    if len(new) - n_files:
        summary.add(f"{FollowUpKind.COVENANT.label}（新增）", len(new) - n_files)
    if n_files:
        summary.add(f"{FollowUpKind.CREDIT_FILE.label}（新增）", n_files)


def plan_worklist(
    as_of: dt.date,
    *,
    acting_user=None,
    dpd_by_loan: dict[str, int] | None = None,
    scoped: bool = False,
    full: bool = False,
) -> PlanSummary:
    """Generate every dated task of post-loan work as of the business date `as_of`.

    Run it after each screening (the risk app may pass the DPD it just computed) or with
    `postloan worklist plan --as-of DATE [--all]`. Idempotent: running twice adds nothing.
    `scoped` (the business day after each screening, the command without `--all`): only the
    customers whose inputs changed since the last plan are re-planned (`worklist.scope`),
    unless the scope says a full re-plan is due; the result is the same either way for inputs
    changed by imports, screenings and audited actions. Otherwise (`full`, or a direct call)
    every customer is planned — what a change made outside those paths needs.
    """
    summary = PlanSummary(as_of)
    cal = _calendar(as_of)
    seconds = []
    with transaction.atomic():
        scope = summary.scope = replan_scope(as_of, full=full or not scoped)
        only = scope.customers
        steps = (
            ("inspections", lambda: plan_inspections(as_of, cal, summary, only)),
            ("department_checks", lambda: plan_department_checks(as_of, cal, summary)),
            ("calendar", lambda: plan_calendar(as_of, cal, summary, scope)),
            ("unassigned", lambda: plan_unassigned(as_of, summary, only)),
            ("collection_cases", lambda: plan_collection_cases(as_of, summary, dpd_by_loan, only)),
            ("follow_ups", lambda: plan_follow_ups(as_of, summary)),
        )
        for name, step in steps:
            started = time.perf_counter()
            step()
            seconds.append(f"{name} {time.perf_counter() - started:.1f} 秒")
        record(
            actor=acting_user,
            action="worklist.plan",
            object_type="worklist.plan",
            object_id=as_of.isoformat(),
            after={
                "counts": summary.counts,
                "notes": summary.notes,
                "scope": {
                    "full": scope.full,
                    "reason": scope.reason,
                    "customers": None if scope.full else len(scope.customers),
                },
                "read": summary.read,
                "marks": scope.marks,
            },
        )
    log.info(
        "工作计划 %s（%s%s）用时：%s",
        as_of,
        scope.reason,
        "" if scope.full else f"，{len(scope.customers):,} 户",
        "，".join(seconds),
    )
    return summary


def last_inspection_dates(customer_ids) -> dict[str, dt.date]:
    return dict(
        Inspection.objects.filter(customer_id__in=list(customer_ids), done_date__isnull=False)
        .values("customer_id")
        .annotate(last=Max("done_date"))
        .values_list("customer_id", "last")
    )
