"""What the meeting's documents say, read from the meetings records as plain data.

The 会议通知, 会议纪要, 贷后管理例会审议表 and the meeting pack render these dicts; they query
nothing themselves. Texts are the record's own (what was signed), amounts in 元.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from postloan.meetings import choices as ch
from postloan.portfolio.choices import CLASS_LABELS

ZERO = Decimal("0")


def _date(d) -> str:
    return f"{d:%Y年%m月%d日}" if d else "　　年　月　日"


def _items(meeting, items=None):
    """The meeting's items on the record; `items` (a queryset of them) narrows to a reader's part."""
    rows = meeting.items if items is None else items
    return (
        rows.filter(dropped=False)
        .select_related("customer", "customer__manager")
        .prefetch_related(
            "resolutions__responsible", "recusals__staff", "dissenters", "loan_decisions"
        )
        .order_by("rank")
    )


EXCERPT_NOTE = "（节选：本部分限委员、参会人员和上级行督导查阅）"


def _class_decided(item) -> str:
    """审议认定分类 with each loan's decision: 次级（借据L001：关注→次级）."""
    text = CLASS_LABELS.get(item.class_decided, "—")
    loans = [
        f"借据{d.loan_id}：{CLASS_LABELS.get(d.current_class, '—')}→"
        f"{CLASS_LABELS.get(d.decided_class, '—')}"
        for d in item.loan_decisions.all()
    ]
    if item.outcome == ch.ItemOutcome.DEFERRED:
        return f"暂缓审议（{item.deferred_reason}）"
    return f"{text}（{'；'.join(loans)}）" if loans else text


def decision_table(meeting, items=None):
    """审议认定分类表: one row per loan the meeting classified (a reader's part, if narrowed)."""
    from postloan.reports.tables import DATE, INT, MONEY, Column, Table

    rows = []
    for i in _items(meeting, items):
        for d in i.loan_decisions.all():
            rows.append(
                [
                    i.rank,
                    i.customer.name,
                    i.customer_id,
                    i.customer.manager.name if i.customer.manager else "未分配",
                    d.loan_id,
                    d.balance,
                    d.dpd,
                    d.as_of,
                    CLASS_LABELS.get(d.current_class, "—"),
                    CLASS_LABELS.get(d.suggested_class, "—"),
                    CLASS_LABELS.get(d.floor_class, "—"),
                    CLASS_LABELS.get(d.decided_class, "—"),
                    d.reason,
                    i.get_outcome_display(),
                ]
            )
    return Table(
        key="decisions",
        title=f"{meeting.branch.name}贷后管理例会审议认定分类表（{meeting.date:%Y-%m-%d}）",
        sheet="审议认定分类",
        columns=[
            Column("序号", INT, 6),
            Column("客户", width=24),
            Column("客户编号"),
            Column("客户经理", width=10),
            Column("借据"),
            Column("余额（元）", MONEY, 16),
            Column("逾期天数", INT, 10),
            Column("筛查日期", DATE, 12),
            Column("当前分类", width=10),
            Column("系统建议", width=10),
            Column("底线分类", width=10),
            Column("审议认定", width=10),
            Column("理由", width=30),
            Column("审议结果", width=12),
        ],
        rows=rows,
        notes=["审议通过的分类在闭会时成为该借据的认定结果（认定人：贷后管理例会）。"],
        empty_text="本次例会尚无审议认定分类",
    )


def agenda(meeting) -> list[dict]:
    """The five sections of the agenda (征求意见稿) with the customers under section two."""
    customers = [
        {
            "rank": i.rank,
            "customer": i.customer.name,
            "customer_id": i.customer_id,
            "manager": i.customer.manager.name if i.customer.manager else "未分配",
            "reasons": "、".join(i.reason_labels()),
            "batch": i.batch,
            "credit": i.credit,
        }
        for i in _items(meeting)
    ]
    return [
        {"code": code, "title": title, "customers": customers if code == "customer_reports" else []}
        for code, title in ch.AGENDA_SECTIONS
    ]


def notice(meeting) -> dict:
    from postloan.meetings.notice import recipients
    from postloan.org.models import Staff

    roles = recipients(meeting)
    labels = dict(ch.RecipientRole.choices)
    staff = {s.staff_id: s for s in Staff.objects.filter(pk__in=list(roles))}
    return {
        "bank": meeting.branch.name,
        "title": f"关于召开{meeting.branch.name}{meeting.date:%Y年%m月}贷后管理例会的通知",
        "kind": meeting.get_kind_display(),
        "date": _date(meeting.date),
        "location": meeting.location or "另行通知",
        "notice_date": _date(meeting.noticed_on or meeting.notice_due),
        "report_deadline": _date(meeting.report_deadline),
        "agenda": agenda(meeting),
        "recipients": [
            {"name": staff[sid].name, "role": labels.get(role, role)}
            for sid, role in sorted(roles.items(), key=lambda kv: (kv[1], kv[0]))
            if sid in staff
        ],
    }


def _resolution(r) -> dict:
    return {
        "type": r.get_type_display(),
        "text": r.describe() if hasattr(r, "describe") else r.text,
        "department": r.get_department_display(),
        "responsible": r.responsible.name,
        "deadline": f"{r.deadline:%Y-%m-%d}",
        "status": r.get_status_display(),
    }


def minutes(meeting, items=None) -> dict:
    """The 会议纪要; with `items` (a reader's part) an excerpt without the whole-bank sections."""
    attendance = list(meeting.attendance.select_related("staff").order_by("-is_member", "staff_id"))
    leave = {
        lr.staff_id: lr.reason
        for lr in meeting.leave_requests.filter(status=ch.LeaveStatus.APPROVED)
    }
    present = [a for a in attendance if a.present]
    absent = [a for a in attendance if not a.present]
    signatures = list(meeting.signatures.filter(amendment__isnull=True))
    from postloan.meetings.documents import quorum

    _, quorum_text = quorum(meeting)
    excerpt = items is not None
    rows = []
    for i in _items(meeting, items):
        rows.append(
            {
                "rank": i.rank,
                "customer": i.customer.name,
                "customer_id": i.customer_id,
                "manager": i.customer.manager.name if i.customer.manager else "未分配",
                "reasons": "、".join(i.reason_labels()),
                "summary": i.summary or "（未记录）",
                "class_before": CLASS_LABELS.get(i.class_before, "—"),
                "class_decided": _class_decided(i),
                "method": i.get_method_display() or "—",
                "votes": f"同意{i.votes_for}票，反对{i.votes_against}票，弃权{i.votes_abstain}票",
                "dissent": i.dissent,
                "recusals": "、".join(f"{r.staff.name}（{r.reason}）" for r in i.recusals.all()),
                "outcome": i.get_outcome_display(),
                "resolutions": [
                    _resolution(r) for r in i.resolutions.all() if r.amendment_id is None
                ],
            }
        )
    sections = {
        "quality_report": meeting.quality_report,
        "risk_findings": meeting.risk_findings,
        "execution_report": meeting.execution_report,
        "chair_summary": meeting.chair_summary,
    }
    if excerpt:
        sections = dict.fromkeys(sections, EXCERPT_NOTE)
    return {
        "bank": meeting.branch.name,
        "title": f"{meeting.branch.name}贷后管理例会会议纪要" + ("（节选）" if excerpt else ""),
        "kind": meeting.get_kind_display(),
        "date": _date(meeting.date),
        "location": meeting.location or "—",
        "presiding": meeting.presiding.name if meeting.presiding else "—",
        "quorum": quorum_text,
        "present": [{"name": a.staff.name, "member": a.is_member, "note": a.note} for a in present],
        "absent": [
            {
                "name": a.staff.name,
                "member": a.is_member,
                "reason": leave.get(a.staff_id)
                or (a.note or ("已请假" if a.on_leave else "未请假缺席")),
            }
            for a in absent
        ],
        "sections": sections,
        "items": rows,
        "signatures": [
            {
                "role": s.get_role_display(),
                "name": s.signer_name,
                "at": f"{s.signed_at:%Y-%m-%d %H:%M}",
                "opinion": s.opinion,
            }
            for s in signatures
        ],
        "status": meeting.get_status_display(),
    }


def review_form(item) -> dict:
    """One 贷后管理例会审议表 (附件4) per customer reviewed."""
    from postloan.portfolio.models import Loan

    meeting = item.meeting
    customer = item.customer
    report = getattr(item, "report", None)
    answers = (report.answers if report else {}) or {}
    prefill = (report.prefill if report else {}) or {}
    loans = Loan.objects.filter(customer=customer, status="active")
    agg = loans.aggregate(b=Sum("balance"))
    limit = customer.facilities.filter(status="active").aggregate(t=Sum("limit_amount"))["t"]
    signatures = list(meeting.signatures.filter(amendment__isnull=True))
    return {
        "bank": meeting.branch.name,
        "meeting_date": _date(meeting.date),
        "kind": meeting.get_kind_display(),
        "customer": customer.name,
        "customer_id": customer.customer_id,
        "customer_type": customer.get_type_display(),
        "manager": customer.manager.name if customer.manager else "未分配",
        "branch": customer.branch.name,
        "industry": customer.industry_code or "—",
        "controller": customer.actual_controller or "—",
        "limit": limit or ZERO,
        "balance": agg["b"] or ZERO,
        "loans": [
            {
                "loan_id": loan.loan_id,
                "product": loan.get_product_display(),
                "balance": loan.balance,
                "maturity": f"{loan.maturity_date:%Y-%m-%d}",
                "class": loan.get_classification_display(),
            }
            for loan in loans.order_by("loan_id")
        ],
        "reasons": "、".join(item.reason_labels()),
        "report_items": [
            {
                "label": label,
                "text": (answers.get(code) or prefill.get(code) or "（未填写）"),
            }
            for code, label in ch.REPORT_ITEMS
        ],
        "risk_comment": (report.risk_comment if report else "") or "（未填写）",
        "summary": item.summary or "（未记录）",
        "class_before": CLASS_LABELS.get(item.class_before, "—"),
        "class_decided": _class_decided(item),
        "outcome": item.get_outcome_display(),
        "votes": f"同意{item.votes_for}票，反对{item.votes_against}票，弃权{item.votes_abstain}票",
        "dissent": item.dissent,
        "resolutions": [_resolution(r) for r in item.resolutions.select_related("responsible")],
        "signatures": [
            {"role": s.get_role_display(), "name": s.signer_name, "at": f"{s.signed_at:%Y-%m-%d}"}
            for s in signatures
        ],
    }


def review_items(meeting, items=None):
    return list(
        _items(meeting, items).select_related("meeting", "meeting__branch", "customer__branch")
    )


def as_of_for(meeting) -> dt.date:
    """The data date of a meeting's materials: the business date, never after the meeting."""
    from postloan.core.business_date import current_business_date

    today = current_business_date() or meeting.date
    return min(today, meeting.date)
