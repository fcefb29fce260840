"""Which customers a plan must look at: everyone (a full re-plan) or only those whose inputs
changed since the last plan (`plan_worklist`'s scope).

A plan's inputs per customer are its loans (status, balance, dates, product), their current
class and DPD (the screening's suggestion and what people decided), its litigation events and
legal collection actions, its inspections done, its open collection case and its manager.
Since the last plan (the latest `worklist.plan` audit event, which records the marks below),
they change only through

* a screening: `ScreeningRun.changed_customers` (the customers whose suggestions differ from
  the previous screened state, `risk.actions.changes`);
* an import: `ImportBatch.customers_touched` (the customers the batch carries rows of,
  `ingest.touched`);
* a person's action, audited (a decision, an inspection done, a case or action, a customer
  edited): the audit events after the last plan's, mapped to their customers;
* the calendar itself, on a new date: a litigation event leaving the one-year window (found
  by date, set-based). The other date-driven work — calendar tasks entering the horizon, the
  days an unassigned customer has been flagged — `planning` handles without a customer list.

A full re-plan is made when there is no usable last plan (the first one), when the plan's
settings or the working-day calendar changed, when the date goes back, when a screening or a
batch could not list its customers (a first load, too many), when a person changed something
the mapping does not know (e.g. the calendar), every `WORKLIST_FULL_REPLAN_DAYS` (7) days —
so a change made outside those paths (a direct database edit) is caught within a week — and
when asked (`postloan worklist plan --all`, or `plan_worklist` called without `scoped`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django.db.models import Max

from postloan.core.models import AuditEvent, CalendarDay
from postloan.ingest.models import ImportBatch
from postloan.portfolio.models import Loan, RiskEvent
from postloan.risk import choices as rch
from postloan.risk.models import ClassificationDecision, LoanAssessment, ScreeningRun
from postloan.worklist.models import CollectionAction, CollectionCase, Inspection
from postloan.worklist.policy import DEFAULTS, setting

CHUNK = 5_000
LITIGATION_DAYS = 365  # planning.customers_in_litigation's window
LITIGATION_EVENTS = ("litigation", "enforcement")
# audit object types whose object names a customer through a model's `customer` (or loan)
CUSTOMER_OF = {
    "portfolio.loan": (Loan, "customer_id"),
    "worklist.inspection": (Inspection, "customer_id"),
    "worklist.collectioncase": (CollectionCase, "customer_id"),
    "worklist.collectionaction": (CollectionAction, "case__customer_id"),
    "risk.loanassessment": (LoanAssessment, "customer_id"),
    "risk.classificationdecision": (ClassificationDecision, "loan__customer_id"),
}
FULL_IF_CHANGED = {"core.calendarday"}  # the working-day calendar moves every due date
# the actions whose own marks cover them (the screening's and the import's lists), or that
# change no input of a plan
NOT_INPUTS_PREFIXES = ("worklist.plan", "risk.run_screening", "import.", "day.")


@dataclass
class Scope:
    """`customers` None = everyone (a full re-plan, `reason` says why)."""

    customers: frozenset[str] | None
    reason: str
    previous: dt.date | None = None  # the last plan's business date
    marks: dict = field(default_factory=dict)  # what this plan records for the next one

    @property
    def full(self) -> bool:
        return self.customers is None


def fingerprint(as_of: dt.date) -> str:
    """The plan's settings and the calendar entries it can see, as one hash."""
    values = {name: setting(name) for name in sorted(DEFAULTS)}
    days = list(
        CalendarDay.objects.filter(
            date__gte=as_of - dt.timedelta(days=400), date__lte=as_of + dt.timedelta(days=400)
        )
        .order_by("date")
        .values_list("date", "kind")
    )
    text = json.dumps([values, days], default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def current_marks(as_of: dt.date) -> dict:
    run = ScreeningRun.objects.filter(status=rch.RunStatus.SUCCEEDED).aggregate(m=Max("id"))
    batch = ImportBatch.objects.filter(outcome=ImportBatch.Outcome.SUCCEEDED).aggregate(m=Max("id"))
    return {
        "run_id": run["m"] or 0,
        "batch_id": batch["m"] or 0,
        "settings": fingerprint(as_of),
    }


def replan_scope(as_of: dt.date, *, full: bool = False) -> Scope:
    marks = current_marks(as_of)

    def everyone(reason: str, previous=None) -> Scope:
        marks["full_on"] = as_of.isoformat()
        return Scope(None, reason, previous, marks)

    if full:
        marks["full_on"] = as_of.isoformat()
        return everyone("全量重排")
    last = AuditEvent.objects.filter(action="worklist.plan").order_by("-id").first()
    before = (last.after or {}).get("marks") if last is not None else None
    if not before:
        return everyone("首次生成计划（或上次计划未记录范围）")
    try:
        previous = dt.date.fromisoformat(last.object_id)
    except ValueError:
        return everyone("上次计划的业务日期无法识别")
    if before.get("settings") != marks["settings"]:
        return everyone("计划参数或工作日历已变更", previous)
    if as_of < previous:
        return everyone("业务日期早于上次计划", previous)
    full_on = before.get("full_on")
    every = int(setting("WORKLIST_FULL_REPLAN_DAYS"))
    if not full_on or (as_of - dt.date.fromisoformat(full_on)).days >= every:
        return everyone(f"定期全量重排（每 {every} 天一次，核对人工变更）", previous)
    marks["full_on"] = full_on
    changed: set[str] = set()
    runs = ScreeningRun.objects.filter(
        status=rch.RunStatus.SUCCEEDED, id__gt=before.get("run_id", 0)
    ).values_list("as_of", "changed_customers")
    for run_as_of, customers in runs:
        if customers is None or run_as_of > as_of or run_as_of < previous:
            return everyone("筛查结果的变化无法按客户列出", previous)
        changed.update(customers)
    batches = ImportBatch.objects.filter(
        outcome=ImportBatch.Outcome.SUCCEEDED, id__gt=before.get("batch_id", 0)
    ).values_list("customers_touched", flat=True)
    for customers in batches:
        if customers is None:
            return everyone("导入批次涉及的客户无法列出（首次导入或范围过大）", previous)
        changed.update(customers)
    people = _audited_customers(last.pk)
    if people is None:
        return everyone("上次计划后工作日历有人工变更", previous)
    changed |= people
    if as_of > previous:
        changed |= _litigation_window_moved(previous, as_of)
    return Scope(frozenset(changed), "仅重排输入有变化的客户", previous, marks)


def _audited_customers(after_id: int) -> set[str] | None:
    # Filtered in the database: after a large import the trail holds its many import.* events,
    # which the batch's own list covers.
    events = AuditEvent.objects.filter(
        id__gt=after_id,
        object_type__in=[*CUSTOMER_OF, "portfolio.customer", *FULL_IF_CHANGED],
    )
    for prefix in NOT_INPUTS_PREFIXES:
        events = events.exclude(action__startswith=prefix)
    ids: dict[str, set[str]] = {}
    direct: set[str] = set()
    for object_type, object_id in events.values_list("object_type", "object_id").iterator(
        chunk_size=CHUNK
    ):
        if object_type in FULL_IF_CHANGED:
            return None
        if object_type == "portfolio.customer":
            direct.add(object_id)
        elif object_type in CUSTOMER_OF:
            ids.setdefault(object_type, set()).add(object_id)
    for object_type, keys in ids.items():
        model, path = CUSTOMER_OF[object_type]
        keys_list = sorted(keys)
        for start in range(0, len(keys_list), CHUNK):
            part = keys_list[start : start + CHUNK]
            direct.update(
                c for c in model.objects.filter(pk__in=part).values_list(path, flat=True) if c
            )
    return direct


def _litigation_window_moved(previous: dt.date, as_of: dt.date) -> set[str]:
    """Customers whose litigation status can differ between the two dates by the calendar
    alone: an event leaving the window, or one dated after the last plan entering it."""
    out = RiskEvent.objects.filter(
        type__in=LITIGATION_EVENTS,
        event_date__gte=previous - dt.timedelta(days=LITIGATION_DAYS),
        event_date__lt=as_of - dt.timedelta(days=LITIGATION_DAYS),
    ).values_list("customer_id", flat=True)
    entering = RiskEvent.objects.filter(
        type__in=LITIGATION_EVENTS, event_date__gt=previous, event_date__lte=as_of
    ).values_list("customer_id", flat=True)
    return set(out) | set(entering)
