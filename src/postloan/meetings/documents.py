"""The record as signed content: minutes (会议纪要) and 审议表 data, canonical JSON and its hash.

A signature stores the canonical JSON of `record_content` (or `amendment_content`) and its
SHA-256. The content holds what a person reads — names, amounts, classes, resolutions as they
were — so the signed record's page, Word, Excel and PDF render from it, never from the live
rows a later import may change (`postloan.reports.meeting_record.signed_content`).
"""

import hashlib
import json
from decimal import Decimal

from postloan.core import formats
from postloan.core.codetables import industry_label
from postloan.meetings import choices as ch
from postloan.meetings.models import CommitteeMember
from postloan.meetings.rules import settings_for
from postloan.portfolio.choices import CLASS_LABELS

ZERO = Decimal("0")


FORMAT = 4  # the snapshot's layout (3: with the per-loan decisions; 4: their technical waivers); `verify-signatures` recomputes hashes of any layout


def _money(value) -> str:
    return str(value if value is not None else Decimal("0"))


def _person(staff) -> dict | None:
    return {"staff_id": staff.staff_id, "name": staff.name} if staff is not None else None


def _resolution(r) -> dict:
    return {
        "id": r.pk,
        "type": r.type,
        "type_label": r.get_type_display(),
        "params": r.params,
        "text": r.describe(),
        "department": r.get_department_display(),
        "responsible_id": r.responsible_id,
        "responsible": r.responsible.name,
        "deadline": r.deadline.isoformat(),
    }


def _customer_figures(customer) -> dict:
    """The customer as the 审议表 shows it: names, limit, balance, loans and their classes."""
    loans = [loan for loan in customer.loans.all() if loan.status == "active"]
    limit = sum((f.limit_amount for f in customer.facilities.all() if f.status == "active"), ZERO)
    return {
        "customer_type": customer.get_type_display(),
        "branch": customer.branch.name,
        "manager": customer.manager.name if customer.manager else "未分配",
        "industry": industry_label(customer.industry_code),
        "controller": customer.actual_controller or "—",
        "limit": _money(limit),
        "balance": _money(sum((loan.balance for loan in loans), ZERO)),
        "loans": [
            {
                "loan_id": loan.loan_id,
                "product": loan.get_product_display(),
                "balance": _money(loan.balance),
                "maturity": f"{loan.maturity_date:%Y-%m-%d}",
                "class": loan.get_classification_display(),
            }
            for loan in sorted(loans, key=lambda x: x.loan_id)
        ],
    }


def _loan_decision(d) -> dict:
    """One loan's class as the meeting decided it, with the facts it was decided on."""
    return {
        "loan_id": d.loan_id,
        "as_of": d.as_of.isoformat(),
        "dpd": d.dpd,
        "balance": _money(d.balance),
        "current_class": d.current_class,
        "current_class_label": CLASS_LABELS.get(d.current_class, "—"),
        "suggested_class": d.suggested_class,
        "suggested_class_label": CLASS_LABELS.get(d.suggested_class, "—"),
        "floor_class": d.floor_class,
        "floor_class_label": CLASS_LABELS.get(d.floor_class, "—"),
        "floor_rules": d.floor_rules,
        "decided_class": d.decided_class,
        "decided_class_label": CLASS_LABELS.get(d.decided_class, "—"),
        "reason": d.reason,
        "technical_waiver": d.technical_waiver,
        "waiver_reason": d.waiver_reason,
    }


def item_content(item) -> dict:
    """One customer of the record: the deliberation, its resolutions and the 审议表 data."""
    report = getattr(item, "report", None)
    answers = (report.answers if report else {}) or {}
    prefill = (report.prefill if report else {}) or {}
    return {
        "rank": item.rank,
        "customer_id": item.customer_id,
        "customer": item.customer.name,
        **_customer_figures(item.customer),
        "reasons": "、".join(item.reason_labels()),
        "batch": item.batch,
        "credit": _money(item.credit),
        "report_status": report.get_status_display() if report else "",
        "report_items": [
            {"label": label, "text": answers.get(code) or prefill.get(code) or "（未填写）"}
            for code, label in ch.REPORT_ITEMS
        ],
        "risk_comment": (report.risk_comment if report else "") or "（未填写）",
        "summary": item.summary,
        "class_before": item.class_before,
        "class_before_label": CLASS_LABELS.get(item.class_before, "—"),
        "class_decided": item.class_decided,
        "class_decided_label": CLASS_LABELS.get(item.class_decided, "—"),
        "method": item.method,
        "method_label": item.get_method_display() or "—",
        "votes": [item.votes_for, item.votes_against, item.votes_abstain],
        "dissent": item.dissent,
        "dissenters": sorted(s.name for s in item.dissenters.all()),
        "recusals": sorted(
            ({"name": r.staff.name, "reason": r.reason} for r in item.recusals.all()),
            key=lambda r: (r["name"], r["reason"]),
        ),
        "outcome": item.outcome,
        "outcome_label": item.get_outcome_display(),
        "deferred_reason": item.deferred_reason,
        "loan_decisions": [_loan_decision(d) for d in item.loan_decisions.all()],
        "resolutions": [_resolution(r) for r in item.resolutions.all() if r.amendment_id is None],
    }


def record_items(meeting):
    """The agenda items of the record (not dropped), with everything `item_content` reads."""
    return (
        meeting.items.filter(dropped=False)
        .select_related("customer", "customer__manager", "customer__branch", "report")
        .prefetch_related(
            "customer__loans",
            "customer__facilities",
            "resolutions__responsible",
            "recusals__staff",
            "dissenters",
            "loan_decisions",
        )
        .order_by("rank")
    )


def record_content(meeting) -> dict:
    """The record as it is now: what a signature freezes (names, amounts, classes, resolutions)."""
    leave = {
        lr.staff_id: lr.reason
        for lr in meeting.leave_requests.filter(status=ch.LeaveStatus.APPROVED)
    }
    attendance = meeting.attendance.select_related("staff").order_by("-is_member", "staff_id")
    _, quorum_text = quorum(meeting)
    return {
        "format": FORMAT,
        "meeting": meeting.pk,
        "branch": meeting.branch_id,
        "bank": meeting.branch.name,
        "date": meeting.date.isoformat(),
        "kind": meeting.kind,
        "kind_label": meeting.get_kind_display(),
        "location": meeting.location,
        "ad_hoc_reason": meeting.ad_hoc_reason,
        "presiding": _person(meeting.presiding),
        "president": _person(meeting.president),
        "quorum_met": meeting.quorum_met,
        "quorum": quorum_text,
        "sections": {
            "quality_report": meeting.quality_report,
            "risk_findings": meeting.risk_findings,
            "execution_report": meeting.execution_report,
            "chair_summary": meeting.chair_summary,
        },
        "attendance": [
            {
                "staff_id": a.staff_id,
                "name": a.staff.name,
                "member": a.is_member,
                "present": a.present,
                "on_leave": a.on_leave,
                "note": a.note,
                "reason": "" if a.present else (leave.get(a.staff_id) or a.note or "未请假缺席"),
            }
            for a in attendance
        ],
        "items": [item_content(i) for i in record_items(meeting)],
    }


def amendment_content(amendment) -> dict:
    return {
        "format": FORMAT,
        "meeting": amendment.meeting_id,
        "amendment": amendment.number,
        "text": amendment.text,
        "resolutions": [
            _resolution(r) for r in amendment.resolutions.select_related("responsible")
        ],
    }


def canonical(content: dict) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def quorum(meeting) -> tuple[bool, str]:
    """(quorum met, explanation) from the recorded attendance and the presiding member."""
    rules = settings_for(meeting.branch)
    attendance = list(
        meeting.attendance.values_list("staff_id", "is_member", "member_role", "present")
    )
    if attendance:
        # From the start on, the committee as the attendance recorded it: a seat changed
        # afterwards (the admin's included) moves neither the quorum nor the signed text.
        members = {sid: role for sid, member, role, _p in attendance if member}
        unrecorded = [sid for sid, role in members.items() if not role]  # before 0007
        members.update(
            CommitteeMember.objects.filter(
                committee__branch=meeting.branch, staff_id__in=unrecorded
            ).values_list("staff_id", "role")
        )
        present = {sid for sid, member, _r, here in attendance if member and here}
    else:
        members = dict(
            CommitteeMember.objects.filter(
                committee__branch=meeting.branch, active=True
            ).values_list("staff_id", "role")
        )
        present = set()
    total = len(members)
    enough = total > 0 and len(present) > rules.quorum_ratio * total
    text = f"应到委员{total}人，实到{len(present)}人"
    if not enough:
        return False, f"{text}，未超过{formats.pct(rules.quorum_ratio, 0)}，未达到法定人数"
    if rules.presider_must_be_chair:
        role = members.get(meeting.presiding_id)
        if meeting.presiding_id not in present or role not in (
            ch.MemberRole.CHAIR,
            ch.MemberRole.VICE_CHAIR,
        ):
            return False, f"{text}，但会议须由出席的主任委员或副主任委员主持"
    return True, f"{text}，达到法定人数"
