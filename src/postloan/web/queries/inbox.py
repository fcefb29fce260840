"""工作台: what each person must do, ranked — overdue first (by how long and by what is at
stake), then due today, this week, and the early reminders.

Account managers see their own work; risk managers the unit's signals and classifications to
confirm, unassigned customers, and overdue work to supervise (督办); the credit management
department its quarterly checks. Every item says in words what to do and links to the page
where it is done; every kind has a count and a list of all of its items (the bulk view).

What is at stake is the customer's outstanding balance (贷款余额合计): one measure for every
kind, read in one query for all items.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import NoReverseMatch, reverse

from postloan.core.formats import yuan_text
from postloan.meetings.tasks import open_resolution_tasks
from postloan.org.choices import Role
from postloan.org.roles import user_roles
from postloan.org.visibility import UNIT_WIDE_ROLES, staff_of, visible, visible_branches
from postloan.portfolio.models import Loan
from postloan.portfolio.visibility import visible_customers
from postloan.risk.models import LoanAssessment, Signal
from postloan.units.access import in_risk_department
from postloan.units.models import Suspension, UnitAlert
from postloan.web.labels import rule_title
from postloan.worklist import risk_link
from postloan.worklist.choices import CaseStatus, InspectionKind, TaskKind, UnassignedReason
from postloan.worklist.limitation import limitation_items
from postloan.worklist.models import (
    CalendarTask,
    CollectionCase,
    DepartmentCheck,
    FollowUp,
    Inspection,
    PromiseToPay,
    UnassignedFlag,
)

WEEK_DAYS = 7
LIMIT = 500  # items listed per source; the count of a source is exact however many there are

SECTIONS = (
    ("overdue_30", "逾期30天以上"),
    ("overdue_8", "逾期8至30天"),
    ("overdue_1", "逾期7天以内"),
    ("today", "今日到期"),
    ("week", "近7日到期"),
    ("later", "提前提醒"),
)
OVERDUE = ("overdue_30", "overdue_8", "overdue_1")
BUCKETS = (
    ("overdue", "已逾期"),
    ("today", "今日到期"),
    ("week", "近7日到期"),
    ("later", "提前提醒"),
)

# kind → (label, the list of all items of the kind: name of its page, query string)
KINDS = {
    "inspection": ("贷后检查", ("worklist:inspections",), "?state=open"),
    "calendar": ("本息催收日历", ("worklist:calendar",), "?state=open"),
    "collection": ("逾期催收", ("worklist:cases",), "?state=open"),
    "limitation": ("时效与保证期间", ("worklist:limitations",), ""),
    "signal": ("预警信号", ("risk:signals",), ""),
    "classification": ("五级分类认定", ("risk:suggestions",), ""),
    "unassigned": ("人户合一", ("worklist:unassigned",), ""),
    "department_check": ("信贷管理检查", ("worklist:department_checks",), ""),
    "resolution": ("例会决议", ("meetings:tasks",), ""),
    "unit_alert": ("机构风险预警（停复牌）", ("units:index",), ""),
    "follow_up": ("核实与补齐", ("worklist:follow_ups",), "?state=open"),
}


@dataclass
class InboxItem:
    category: str
    title: str
    customer: str
    due_date: dt.date
    url: str
    level: str = ""  # tag css suffix
    kind: str = ""
    action: str = ""  # what to do, in words
    customer_id: str = ""
    who: str = ""  # the responsible person, for supervisors (督办)
    at_stake: Decimal | None = None
    remind_from: dt.date | None = None  # an early reminder: shown before its week
    overdue_days: int = 0

    def bucket(self, today: dt.date) -> str | None:
        section = self.section(today)
        if section in OVERDUE:
            return "overdue"
        return section

    def section(self, today: dt.date) -> str | None:
        days = (today - self.due_date).days
        if days > 30:
            return "overdue_30"
        if days > 7:
            return "overdue_8"
        if days > 0:
            return "overdue_1"
        if days == 0:
            return "today"
        if self.due_date <= today + dt.timedelta(days=WEEK_DAYS):
            return "week"
        if self.remind_from is not None and self.remind_from <= today:
            return "later"
        return None


@dataclass
class Collected:
    """The listed items, and for a source with more than `LIMIT` its exact counts per bucket
    (one aggregate query), so the counts on the page are never those of a truncated list."""

    today: dt.date
    items: list[InboxItem] = field(default_factory=list)
    capped: dict[str, dict[str, int]] = field(default_factory=dict)

    def take(self, kind: str, queryset, build, due: str | None = "due_date") -> None:
        rows = list(queryset[: LIMIT + 1])
        if len(rows) > LIMIT:
            rows = rows[:LIMIT]
            counts = self.capped.setdefault(kind, {b: 0 for b, _ in BUCKETS})
            if due is None:  # due today, every one
                counts["today"] += queryset.count()
            else:
                horizon = self.today + dt.timedelta(days=WEEK_DAYS)
                found = queryset.order_by().aggregate(
                    overdue=Count("pk", filter=Q(**{f"{due}__lt": self.today})),
                    today=Count(
                        "pk", filter=Q(**{due: self.today}) | Q(**{f"{due}__isnull": True})
                    ),
                    week=Count(
                        "pk", filter=Q(**{f"{due}__gt": self.today, f"{due}__lte": horizon})
                    ),
                )
                for bucket, n in found.items():
                    counts[bucket] += n
        for row in rows:
            item = build(row)
            if item is not None:
                item.kind = kind
                self.items.append(item)


def safe_reverse(names: tuple[str, ...], *args) -> str:
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""


def is_unit_wide(user) -> bool:
    return bool(user_roles(user) & {str(r) for r in UNIT_WIDE_ROLES}) or user.is_superuser


def _d(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


def inspection_action(i: Inspection) -> str:
    if i.kind == InspectionKind.FIRST_FOLLOWUP:
        return (
            f"应于{_d(i.due_date)}前对借据{i.loan_id or ''}做首次跟踪检查：核实贷款资金是否"
            "按约定用途使用，登记检查事项与分析报告"
        )
    if i.kind == InspectionKind.ADHOC:
        return f"红色预警已认定：应于{_d(i.due_date)}前到现场做临时检查，登记发现的问题与处置措施"
    return (
        f"应于{_d(i.due_date)}前完成定期检查（{i.reason or '按制度频率'}）："
        "逐项登记检查事项并填写《贷后管理定期分析报告》"
    )


def task_action(t: CalendarTask, today: dt.date) -> str:
    amount = yuan_text(t.amount_due) if t.amount_due is not None else "应还金额"
    passed = t.event_date < today
    if t.kind == TaskKind.MATURITY_NOTICE:
        return (
            f"向借款人送达《到期贷款催收函》（借据{t.loan_id}于{_d(t.event_date)}到期），"
            "取得借款人和保证人签收并登记签收日期"
        )
    if t.kind == TaskKind.GUARANTEE_LETTER:
        return f"保函已于{_d(t.event_date)}到期：收回保函正本并登记"
    what = {
        TaskKind.MATURITY_FUNDS: f"借据{t.loan_id}于{_d(t.event_date)}到期",
        TaskKind.BILL_FUNDS: f"承兑汇票于{_d(t.event_date)}到期，敞口",
        TaskKind.INTEREST_FUNDS: f"{_d(t.event_date)}结息",
    }.get(t.kind, _d(t.event_date))
    if passed:
        return f"{what}已过：核实{amount}是否已按时扣收，登记资金落实情况"
    return f"{what}：确认还款账户已备足{amount}，登记资金落实情况"


def collect(user, today: dt.date) -> list[InboxItem]:
    return gather(user, today).items


def gather(user, today: dt.date) -> Collected:
    horizon = today + dt.timedelta(days=WEEK_DAYS)
    roles = user_roles(user)
    unit_wide = is_unit_wide(user)
    out = Collected(today)

    inspections = visible(user, Inspection.objects.filter(done_date__isnull=True))
    tasks = visible(user, CalendarTask.objects.filter(done_date__isnull=True))
    if unit_wide:
        inspections = inspections.filter(due_date__lt=today)
        tasks = tasks.filter(due_date__lt=today)
    prefix = "督办：" if unit_wide else ""

    def inspection_item(i):
        who = i.assignee.name if unit_wide and i.assignee else ""
        return InboxItem(
            "贷后检查",
            f"{prefix}{i.get_kind_display()}" + (f"（{who}）" if who else ""),
            i.customer.name,
            i.due_date,
            reverse("worklist:inspection", args=[i.pk]),
            action=(f"督促{who or '责任客户经理'}：" if unit_wide else "") + inspection_action(i),
            customer_id=i.customer_id,
            who=who,
        )

    out.take(
        "inspection",
        inspections.filter(due_date__lte=horizon)
        .select_related("customer", "assignee")
        .order_by("due_date", "id"),
        inspection_item,
    )

    def task_item(t):
        who = t.customer.manager.name if unit_wide and t.customer.manager else ""
        return InboxItem(
            "本息催收",
            f"{prefix}{t.get_kind_display()}（{t.loan_id}）",
            t.customer.name,
            t.due_date,
            reverse("worklist:task", args=[t.pk]),
            action=(f"督促{who or '客户经理'}：" if unit_wide else "") + task_action(t, today),
            customer_id=t.customer_id,
            who=who,
        )

    out.take(
        "calendar",
        tasks.filter(due_date__lte=horizon)
        .select_related("customer__manager")
        .order_by("due_date", "id"),
        task_item,
    )

    follow_ups = visible(user, FollowUp.objects.filter(done_date__isnull=True))
    if unit_wide:
        follow_ups = follow_ups.filter(due_date__lt=today)

    def follow_up_item(f):
        who = f.assignee.name if unit_wide and f.assignee else ""
        return InboxItem(
            "核实与补齐",
            f"{prefix}{f.get_kind_display()}" + (f"（{who}）" if who else ""),
            f.customer.name,
            f.due_date,
            reverse("worklist:follow_up", args=[f.pk]),
            action=(f"督促{who or '客户经理'}：" if unit_wide else "")
            + f.title
            + "，登记结果及证明材料",
            customer_id=f.customer_id,
            who=who,
            remind_from=f.created_on,
        )

    out.take(
        "follow_up",
        follow_ups.select_related("customer", "assignee").order_by("due_date", "id"),
        follow_up_item,
    )

    if not unit_wide:
        _collections(user, today, horizon, out)

    def signal_item(verb, what):
        def build(s):
            return InboxItem(
                "预警信号",
                f"{verb}预警：{rule_title(s.rule_id)}",
                s.customer.name,
                getattr(s, "due_date", None) or today,
                safe_reverse(("risk:signal", "risk:signal_detail"), s.pk),
                s.level,
                action=f"{what}（{(s.summary or s.get_family_display())[:60]}）",
                customer_id=s.customer_id,
            )

        return build

    owned = visible(
        user,
        Signal.objects.filter(
            status__in=("issued", "handling"), **risk_link.signal_owner_filter(user)
        ),
    ).select_related("customer")
    out.take(
        "signal",
        owned.order_by("due_date", "pk"),
        signal_item("处置", "核实预警所述情况，采取处置措施并提交处置反馈"),
    )
    if Role.RISK_MANAGER.value in roles:
        to_confirm = visible(user, Signal.objects.filter(status="feedback")).select_related(
            "customer"
        )
        out.take(
            "signal",
            to_confirm.order_by("due_date", "pk"),
            signal_item("认定", "审核客户经理的处置反馈，认定是否为真实风险或退回补充"),
        )
    if Role.RISK_MANAGER.value in roles:
        pending = visible(
            user, LoanAssessment.objects.filter(status__in=("pending", "proposed")), "customer__"
        ).select_related("loan__customer")
        out.take(
            "classification",
            pending.order_by("pk"),
            lambda a: InboxItem(
                "五级分类",
                f"认定分类：{a.loan_id}（{a.get_status_display()}）",
                a.loan.customer.name,
                today,
                safe_reverse(
                    ("risk:assessment", "risk:assessment_detail", "risk:classification"), a.pk
                ),
                action=f"审核借据{a.loan_id}的分类建议与依据，认定五级分类",
                customer_id=a.loan.customer_id,
            ),
            due=None,
        )
    if risk_link.approves_classifications(user):
        awaiting = visible(
            user, LoanAssessment.objects.filter(status="pending_approval"), "customer__"
        ).select_related("loan__customer")
        out.take(
            "classification",
            awaiting.order_by("pk"),
            lambda a: InboxItem(
                "五级分类",
                f"审批分类认定：{a.loan_id}（优于系统建议，待审批）",
                a.loan.customer.name,
                today,
                safe_reverse(("risk:assessment",), a.pk),
                "orange",
                action=f"审批借据{a.loan_id}优于系统建议的分类认定（另一人审批）",
                customer_id=a.loan.customer_id,
            ),
            due=None,
        )
    if unit_wide:
        flags = visible(
            user, UnassignedFlag.objects.filter(resolved_on__isnull=True)
        ).select_related("customer")
        out.take(
            "unassigned",
            flags.order_by("-days_flagged", "customer_id"),
            lambda f: InboxItem(
                "人户合一",
                f"{_unassigned_text(f)}（已标记{f.days_flagged}天）",
                f.customer.name,
                today,
                reverse("worklist:unassigned"),
                "orange",
                action="为该客户指定唯一的、持有效资格证书的责任客户经理（人户合一、持证上岗）",
                customer_id=f.customer_id,
            ),
            due=None,
        )
    if Role.CREDIT_MGMT.value in roles or user.is_superuser:
        checks = DepartmentCheck.objects.filter(
            done_date__isnull=True, due_date__lte=horizon, branch__in=visible_branches(user)
        ).select_related("branch")
        out.take(
            "department_check",
            checks.order_by("due_date", "pk"),
            lambda c: InboxItem(
                "信贷管理检查",
                f"季度贷后工作检查：{c.branch.name}",
                "",
                c.due_date,
                reverse("worklist:department_check", args=[c.pk]),
                action=f"到{c.branch.name}抽查本季度贷后工作，登记检查发现与整改要求",
            ),
        )
    _resolutions(user, horizon, out)
    if unit_wide and in_risk_department(user):
        _unit_alerts(user, today, out)
    _stakes(out.items)
    return out


def _unit_alerts(user, today, out: Collected) -> None:
    """停复牌: the lower units' open alerts, and suspensions waiting for a second person, for
    the managing unit's risk department."""
    below = visible_branches(user).exclude(pk=getattr(staff_of(user), "branch_id", None))
    alerts = UnitAlert.objects.filter(status="open", branch__in=below).select_related("branch")
    out.take(
        "unit_alert",
        alerts.order_by("raised_on", "pk"),
        lambda a: InboxItem(
            "机构风险预警",
            f"{a.branch.name}{a.get_indicator_display()}超限（{a.value}，限值{a.limit}）",
            "",
            a.raised_on,
            reverse("units:index") + f"?branch={a.managing_id}",
            "red",
            action="督导整改；必要时提议对该机构相关产品新业务停牌",
        ),
        due="raised_on",
    )
    pending = Suspension.objects.filter(
        status__in=["proposed", "resume_proposed"], branch__in=below
    ).select_related("branch")
    out.take(
        "unit_alert",
        pending.exclude(proposed_by=user, status="proposed")
        .exclude(resume_proposed_by=user, status="resume_proposed")
        .order_by("proposed_on", "pk"),
        lambda sp: InboxItem(
            "停复牌审批",
            f"{sp.branch.name}{sp.get_product_display()}：{sp.get_status_display()}",
            "",
            today,
            reverse("units:suspension", args=[sp.pk]),
            "orange",
            action="另一人审批停牌或复牌（四眼原则）",
        ),
        due=None,
    )


def _collections(user, today, horizon, out: Collected) -> None:
    cases = visible(user, CollectionCase.objects.filter(status=CaseStatus.OPEN)).select_related(
        "customer"
    )

    def case_item(case):
        actions = list(case.actions.all())
        if not actions:
            due, title = case.opened_on, "逾期催收：尚未登记催收"
            action = (
                f"{_d(case.opened_on)}立案（逾期{case.dpd_at_open}天）：登记第一次催收"
                "（电话、上门或发送催收函）及客户答复"
            )
        else:
            due, title = actions[0].next_action_date, "逾期催收：跟进"
            action = (
                f"上次{actions[0].get_kind_display()}于{_d(actions[0].action_date)}，"
                "按计划再次催收并登记结果"
            )
        if due is None or due > horizon:
            return None
        return InboxItem(
            "逾期催收",
            title,
            case.customer.name,
            due,
            reverse("worklist:case", args=[case.pk]),
            action=action,
            customer_id=case.customer_id,
        )

    # An account manager's own open cases (never a supervisor's): a few dozen at most; their
    # due day comes from the latest action, so a truncated list counts them as due today.
    out.take(
        "collection",
        cases.prefetch_related("actions").order_by("opened_on", "pk"),
        case_item,
        due=None,
    )
    promises = visible(
        user,
        PromiseToPay.objects.filter(
            case__status=CaseStatus.OPEN, promised_date__gte=today, promised_date__lte=horizon
        ),
        "case__customer__",
    ).select_related("case__customer")
    out.take(
        "collection",
        promises.order_by("promised_date", "pk"),
        lambda p: InboxItem(
            "逾期催收",
            f"还款承诺到期：{yuan_text(p.amount)}",
            p.case.customer.name,
            p.promised_date,
            reverse("worklist:case", args=[p.case_id]),
            action=f"核实客户是否按承诺于{_d(p.promised_date)}归还{yuan_text(p.amount)}，登记兑现情况",
            customer_id=p.case.customer_id,
        ),
        due="promised_date",
    )
    customer_ids = visible_customers(user).values_list("pk", flat=True)
    for lim in limitation_items(today, customer_ids)[:LIMIT]:
        lapsed = lim.ends_on < today
        action = (
            f"{lim.kind}已于{_d(lim.ends_on)}届满：立即核实是否已在期间内主张权利，报告风险经理"
            if lapsed
            else f"{lim.kind}将于{_d(lim.ends_on)}届满（{lim.basis}）："
            + (
                "向保证人书面主张保证责任并取得签收"
                if lim.kind == "保证期间"
                else "上门催收或发送催收函取得签收，必要时起诉，以中断时效"
            )
        )
        item = InboxItem(
            lim.kind,
            f"{lim.kind}届满提醒（{lim.loan_id}）",
            lim.customer_name,
            lim.ends_on,
            reverse("worklist:limitations"),
            "red" if lim.days_left <= 30 else "orange",
            kind="limitation",
            action=action,
            customer_id=lim.customer_id,
            remind_from=today,
        )
        out.items.append(item)


def _resolutions(user, horizon: dt.date, out: Collected) -> None:
    """Signed meeting resolutions this person must execute (督办), until proven by data."""
    out.take(
        "resolution",
        open_resolution_tasks(user).filter(deadline__lte=horizon),
        lambda r: InboxItem(
            "例会决议",
            f"{r.get_type_display()}：{r.describe()}",
            r.customer.name,
            r.deadline,
            reverse("meetings:resolution", args=[r.pk]),
            "red" if r.status != "open" else "",
            action=f"执行例会决议：{r.describe()}，{_d(r.deadline)}前完成并由数据验证",
            customer_id=r.customer_id,
        ),
        due="deadline",
    )


def _stakes(items: list[InboxItem]) -> None:
    """Each item's customer's outstanding balance, in one query."""
    ids = {i.customer_id for i in items if i.customer_id}
    if not ids:
        return
    balances = dict(
        Loan.objects.filter(customer_id__in=list(ids), status="active")
        .values("customer_id")
        .annotate(total=Sum("balance"))
        .values_list("customer_id", "total")
        .order_by()
    )
    for item in items:
        if item.customer_id:
            item.at_stake = balances.get(item.customer_id) or Decimal(0)


def rank_key(item: InboxItem, today: dt.date):
    """Overdue: most at stake first within a band of days overdue, then the longest overdue;
    not yet due: the earliest first, then the most at stake."""
    stake = -(item.at_stake or 0)
    if item.due_date < today:
        return (stake, item.due_date, item.category)
    return (item.due_date, stake, item.category)


def supervision(user, today: dt.date) -> list[dict]:
    """For a supervisor: overdue inspections and calendar tasks per responsible manager."""
    if not is_unit_wide(user):
        return []
    rows: dict[str, dict] = {}
    for column, model, who in (
        ("inspections", Inspection, "assignee__name"),
        ("tasks", CalendarTask, "customer__manager__name"),
    ):
        overdue = visible(user, model.objects.filter(done_date__isnull=True, due_date__lt=today))
        for r in overdue.values(who).annotate(n=Count("id")).order_by():
            name = r[who] or "未分配"
            rows.setdefault(name, {"who": name, "inspections": 0, "tasks": 0})[column] = r["n"]
    for row in rows.values():
        row["total"] = row["inspections"] + row["tasks"]
    return sorted(rows.values(), key=lambda r: (-r["total"], r["who"]))


def grouped(user, today: dt.date) -> dict:
    collected = gather(user, today)
    sections: dict[str, list[InboxItem]] = {key: [] for key, _ in SECTIONS}
    for item in collected.items:
        key = item.section(today)
        if key:
            item.overdue_days = max((today - item.due_date).days, 0)
            sections[key].append(item)
    for values in sections.values():
        values.sort(key=lambda i: rank_key(i, today))
    counts: dict[str, dict[str, int]] = {}
    for key, values in sections.items():
        bucket = "overdue" if key in OVERDUE else key
        for item in values:
            counts.setdefault(item.kind, {b: 0 for b, _ in BUCKETS})[bucket] += 1
    kinds = []
    for code, (label, names, query) in KINDS.items():
        if code not in counts and code not in collected.capped:
            continue
        row = dict(counts.get(code, {b: 0 for b, _ in BUCKETS}))
        capped = code in collected.capped
        if capped:  # the exact counts, not those of the truncated list
            row.update({b: n for b, n in collected.capped[code].items() if b != "later"})
        row["total"] = sum(row.values())
        link = safe_reverse(names)
        kinds.append(
            {
                "code": code,
                "label": label,
                "counts": row,
                "all_url": link + query if link else "",
                "capped": capped,
                "listed": sum(1 for v in sections.values() for i in v if i.kind == code),
            }
        )
    return {
        "sections": [(key, label, sections[key]) for key, label in SECTIONS],
        "total": sum(k["counts"]["total"] for k in kinds),
        "overdue": sum(k["counts"]["overdue"] for k in kinds),
        "listed": sum(len(v) for v in sections.values()),
        "kinds": kinds,
        "supervision": supervision(user, today),
        "today": today,
    }


def filtered(data: dict, *, kind: str = "", section: str = "", q: str = "") -> list:
    """The sections of `grouped(...)` with only the items of a kind, a section (or a bucket:
    `overdue` is the three overdue sections) and whose customer, title or responsible person
    contains `q`."""
    wanted = set(OVERDUE) if section == "overdue" else {section} if section else None
    out = []
    for key, label, items in data["sections"]:
        if wanted is not None and key not in wanted:
            continue
        rows = [
            i
            for i in items
            if (not kind or i.kind == kind)
            and (not q or q in i.customer or q in i.title or q in i.who)
        ]
        out.append((key, label, rows))
    return out


def _unassigned_text(flag) -> str:
    if flag.reason == UnassignedReason.UNCERTIFIED:
        return "管户客户经理无有效资格证书"
    return "有资产未分配客户经理"
