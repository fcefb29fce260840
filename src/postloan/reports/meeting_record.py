"""What the meeting's documents say, read from the meetings records as plain data.

The 会议通知, 会议纪要, 贷后管理例会审议表 and the meeting pack render these dicts; they query
nothing themselves. Texts are the record's own (what was signed), amounts in 元.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from postloan.core.codetables import industry_label
from postloan.meetings import choices as ch
from postloan.portfolio.choices import CLASS_LABELS

ZERO = Decimal("0")


def _date(d) -> str:
    return f"{d:%Y年%m月%d日}" if d else "　　年　月　日"


def _items(meeting):
    return (
        meeting.items.filter(dropped=False)
        .select_related("customer", "customer__manager")
        .prefetch_related("resolutions__responsible", "recusals__staff", "dissenters")
        .order_by("rank")
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


def minutes(meeting) -> dict:
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
    items = []
    for i in _items(meeting):
        items.append(
            {
                "rank": i.rank,
                "customer": i.customer.name,
                "customer_id": i.customer_id,
                "manager": i.customer.manager.name if i.customer.manager else "未分配",
                "reasons": "、".join(i.reason_labels()),
                "summary": i.summary or "（未记录）",
                "class_before": CLASS_LABELS.get(i.class_before, "—"),
                "class_decided": CLASS_LABELS.get(i.class_decided, "—"),
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
    return {
        "bank": meeting.branch.name,
        "title": f"{meeting.branch.name}贷后管理例会会议纪要",
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
        "sections": {
            "quality_report": meeting.quality_report,
            "risk_findings": meeting.risk_findings,
            "execution_report": meeting.execution_report,
            "chair_summary": meeting.chair_summary,
        },
        "items": items,
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
        "industry": industry_label(customer.industry_code),
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
        "class_decided": CLASS_LABELS.get(item.class_decided, "—"),
        "outcome": item.get_outcome_display(),
        "votes": f"同意{item.votes_for}票，反对{item.votes_against}票，弃权{item.votes_abstain}票",
        "dissent": item.dissent,
        "resolutions": [_resolution(r) for r in item.resolutions.select_related("responsible")],
        "signatures": [
            {"role": s.get_role_display(), "name": s.signer_name, "at": f"{s.signed_at:%Y-%m-%d}"}
            for s in signatures
        ],
    }


def review_items(meeting):
    return list(_items(meeting).select_related("meeting", "meeting__branch", "customer__branch"))


def as_of_for(meeting) -> dt.date:
    """The data date of a meeting's materials: the business date, never after the meeting."""
    from postloan.core.business_date import current_business_date

    today = current_business_date() or meeting.date
    return min(today, meeting.date)
