"""工作台: what each person must do — overdue, due today, due in the next 7 days.

Account managers see their own work; risk managers the unit's signals and classifications to
confirm, unassigned customers, and overdue work to supervise (督办); the credit management
department its quarterly checks. Every item links to the page where it is done.
"""

import datetime as dt
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from postloan.org.choices import Role
from postloan.org.roles import user_roles
from postloan.org.visibility import UNIT_WIDE_ROLES, visible, visible_branches, visible_customers
from postloan.worklist import risk_link
from postloan.worklist.choices import CaseStatus
from postloan.worklist.limitation import limitation_items
from postloan.worklist.models import (
    CalendarTask,
    CollectionCase,
    DepartmentCheck,
    Inspection,
    PromiseToPay,
    UnassignedFlag,
)

WEEK_DAYS = 7
LIMIT = 200
BUCKETS = (("overdue", "已逾期"), ("today", "今日到期"), ("week", "近7日到期"))


@dataclass
class InboxItem:
    category: str
    title: str
    customer: str
    due_date: dt.date
    url: str
    level: str = ""  # tag css suffix

    def bucket(self, today: dt.date) -> str | None:
        if self.due_date < today:
            return "overdue"
        if self.due_date == today:
            return "today"
        if self.due_date <= today + dt.timedelta(days=WEEK_DAYS):
            return "week"
        return None


def safe_reverse(names: tuple[str, ...], *args) -> str:
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""


def is_unit_wide(user) -> bool:
    return bool(user_roles(user) & {str(r) for r in UNIT_WIDE_ROLES}) or user.is_superuser


def collect(user, today: dt.date) -> list[InboxItem]:
    horizon = today + dt.timedelta(days=WEEK_DAYS)
    roles = user_roles(user)
    unit_wide = is_unit_wide(user)
    items: list[InboxItem] = []

    inspections = visible(user, Inspection.objects.filter(done_date__isnull=True))
    tasks = visible(user, CalendarTask.objects.filter(done_date__isnull=True))
    if unit_wide:
        inspections = inspections.filter(due_date__lt=today)
        tasks = tasks.filter(due_date__lt=today)
    prefix = "督办：" if unit_wide else ""
    for i in inspections.filter(due_date__lte=horizon).select_related("customer", "assignee")[
        :LIMIT
    ]:
        who = f"（{i.assignee.name}）" if unit_wide and i.assignee else ""
        items.append(
            InboxItem(
                "贷后检查",
                f"{prefix}{i.get_kind_display()}{who}",
                i.customer.name,
                i.due_date,
                reverse("worklist:inspection", args=[i.pk]),
            )
        )
    for t in tasks.filter(due_date__lte=horizon).select_related("customer")[:LIMIT]:
        items.append(
            InboxItem(
                "本息催收",
                f"{prefix}{t.get_kind_display()}（{t.loan_id}）",
                t.customer.name,
                t.due_date,
                reverse("worklist:task", args=[t.pk]),
            )
        )

    if not unit_wide:
        cases = visible(user, CollectionCase.objects.filter(status=CaseStatus.OPEN)).select_related(
            "customer"
        )
        for case in cases.prefetch_related("actions")[:LIMIT]:
            actions = list(case.actions.all())
            if not actions:
                due, title = case.opened_on, "逾期催收：尚未登记催收"
            else:
                due = actions[0].next_action_date
                title = "逾期催收：跟进"
            if due is not None and due <= horizon:
                items.append(
                    InboxItem(
                        "逾期催收",
                        title,
                        case.customer.name,
                        due,
                        reverse("worklist:case", args=[case.pk]),
                    )
                )
        promises = visible(
            user,
            PromiseToPay.objects.filter(
                case__status=CaseStatus.OPEN, promised_date__gte=today, promised_date__lte=horizon
            ),
            "case__customer__",
        ).select_related("case__customer")
        for p in promises[:LIMIT]:
            items.append(
                InboxItem(
                    "逾期催收",
                    f"还款承诺到期：{p.amount:,.2f}元",
                    p.case.customer.name,
                    p.promised_date,
                    reverse("worklist:case", args=[p.case_id]),
                )
            )
        customer_ids = visible_customers(user).values_list("pk", flat=True)
        for lim in limitation_items(today, customer_ids)[:LIMIT]:
            items.append(
                InboxItem(
                    lim.kind,
                    f"{lim.kind}届满提醒（{lim.loan_id}）",
                    lim.customer_name,
                    min(lim.ends_on, today),
                    reverse("worklist:limitations"),
                    "red" if lim.days_left <= 30 else "orange",
                )
            )

    Signal = risk_link.signal_model()
    if Signal is not None:
        owned = visible(
            user,
            Signal.objects.filter(
                status__in=("issued", "handling"), **risk_link.signal_owner_filter(user)
            ),
        ).select_related("customer")
        for s in owned[:LIMIT]:
            items.append(
                InboxItem(
                    "预警信号",
                    f"处置预警：{s.rule_id}",
                    s.customer.name,
                    getattr(s, "due_date", None) or today,
                    safe_reverse(("risk:signal", "risk:signal_detail"), s.pk),
                    s.level,
                )
            )
        if Role.RISK_MANAGER.value in roles:
            to_confirm = visible(user, Signal.objects.filter(status="feedback")).select_related(
                "customer"
            )
            for s in to_confirm[:LIMIT]:
                items.append(
                    InboxItem(
                        "预警信号",
                        f"认定预警：{s.rule_id}",
                        s.customer.name,
                        getattr(s, "due_date", None) or today,
                        safe_reverse(("risk:signal", "risk:signal_detail"), s.pk),
                        s.level,
                    )
                )
    Assessment = risk_link.assessment_model()
    if Assessment is not None and Role.RISK_MANAGER.value in roles:
        path = "customer__" if risk_link.has_field(Assessment, "customer") else "loan__customer__"
        pending = visible(
            user, Assessment.objects.filter(status__in=("pending", "proposed")), path
        ).select_related("loan__customer")
        for a in pending[:LIMIT]:
            items.append(
                InboxItem(
                    "五级分类",
                    f"认定分类：{a.loan_id}（{a.get_status_display()}）",
                    a.loan.customer.name,
                    today,
                    safe_reverse(
                        ("risk:assessment", "risk:assessment_detail", "risk:classification"), a.pk
                    ),
                )
            )
    if Assessment is not None and risk_link.approves_classifications(user):
        awaiting = visible(
            user, Assessment.objects.filter(status="pending_approval"), "customer__"
        ).select_related("loan__customer")
        for a in awaiting[:LIMIT]:
            items.append(
                InboxItem(
                    "五级分类",
                    f"审批分类认定：{a.loan_id}（优于系统建议，待审批）",
                    a.loan.customer.name,
                    today,
                    safe_reverse(("risk:assessment",), a.pk),
                    "orange",
                )
            )
    if unit_wide:
        flags = visible(
            user, UnassignedFlag.objects.filter(resolved_on__isnull=True)
        ).select_related("customer")
        for f in flags[:LIMIT]:
            items.append(
                InboxItem(
                    "人户合一",
                    f"有资产未分配客户经理（已标记{f.days_flagged}天）",
                    f.customer.name,
                    today,
                    reverse("worklist:unassigned"),
                    "orange",
                )
            )
    if Role.CREDIT_MGMT.value in roles or user.is_superuser:
        checks = DepartmentCheck.objects.filter(
            done_date__isnull=True, due_date__lte=horizon, branch__in=visible_branches(user)
        ).select_related("branch")
        for c in checks[:LIMIT]:
            items.append(
                InboxItem(
                    "信贷管理检查",
                    f"季度贷后工作检查：{c.branch.name}",
                    "",
                    c.due_date,
                    reverse("worklist:department_check", args=[c.pk]),
                )
            )
    items.extend(_resolution_items(user, horizon))
    return items


def _resolution_items(user, horizon: dt.date) -> list[InboxItem]:
    """Signed meeting resolutions this person must execute (督办), until proven by data."""
    from postloan.meetings.tasks import open_resolution_tasks

    rows = open_resolution_tasks(user).filter(deadline__lte=horizon)[:LIMIT]
    return [
        InboxItem(
            "例会决议",
            f"{r.get_type_display()}：{r.describe()}",
            r.customer.name,
            r.deadline,
            reverse("meetings:resolution", args=[r.pk]),
            "red" if r.status != "open" else "",
        )
        for r in rows
    ]


def grouped(user, today: dt.date) -> dict:
    buckets: dict[str, list[InboxItem]] = {key: [] for key, _ in BUCKETS}
    for item in collect(user, today):
        key = item.bucket(today)
        if key:
            buckets[key].append(item)
    for values in buckets.values():
        values.sort(key=lambda i: (i.due_date, i.category))
    return {
        "sections": [(key, label, buckets[key]) for key, label in BUCKETS],
        "total": sum(len(v) for v in buckets.values()),
    }
