"""The record as signed content: minutes (会议纪要) and 审议表 data, canonical JSON and its hash."""

import hashlib
import json

from postloan.meetings import choices as ch


def _item(item) -> dict:
    return {
        "customer_id": item.customer_id,
        "customer": item.customer.name,
        "reasons": item.reasons,
        "batch": item.batch,
        "dropped": item.dropped,
        "summary": item.summary,
        "class_before": item.class_before,
        "class_decided": item.class_decided,
        "method": item.method,
        "votes": [item.votes_for, item.votes_against, item.votes_abstain],
        "dissent": item.dissent,
        "dissenters": sorted(item.dissenters.values_list("staff_id", flat=True)),
        "outcome": item.outcome,
        "recusals": sorted([r.staff_id, r.reason] for r in item.recusals.all()),
        "resolutions": [_resolution(r) for r in item.resolutions.filter(amendment__isnull=True)],
    }


def _resolution(r) -> dict:
    return {
        "id": r.pk,
        "type": r.type,
        "params": r.params,
        "text": r.text,
        "department": r.department,
        "responsible": r.responsible_id,
        "deadline": r.deadline.isoformat(),
    }


def record_content(meeting) -> dict:
    return {
        "meeting": meeting.pk,
        "branch": meeting.branch_id,
        "date": meeting.date.isoformat(),
        "kind": meeting.kind,
        "presiding": meeting.presiding_id,
        "quorum_met": meeting.quorum_met,
        "sections": {
            "quality_report": meeting.quality_report,
            "risk_findings": meeting.risk_findings,
            "execution_report": meeting.execution_report,
            "chair_summary": meeting.chair_summary,
        },
        "attendance": sorted(
            [a.staff_id, a.is_member, a.present, a.on_leave] for a in meeting.attendance.all()
        ),
        "items": [
            _item(i)
            for i in meeting.items.select_related("customer").order_by("rank")
            if not i.dropped
        ],
    }


def amendment_content(amendment) -> dict:
    return {
        "meeting": amendment.meeting_id,
        "amendment": amendment.number,
        "text": amendment.text,
        "resolutions": [_resolution(r) for r in amendment.resolutions.all()],
    }


def canonical(content: dict) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def quorum(meeting) -> tuple[bool, str]:
    """(quorum met, explanation) from the recorded attendance and the presiding member."""
    from postloan.meetings.models import CommitteeMember
    from postloan.meetings.rules import settings_for

    rules = settings_for(meeting.branch)
    members = dict(
        CommitteeMember.objects.filter(committee__branch=meeting.branch, active=True).values_list(
            "staff_id", "role"
        )
    )
    present = set(
        meeting.attendance.filter(present=True, staff_id__in=list(members)).values_list(
            "staff_id", flat=True
        )
    )
    total = len(members)
    enough = total > 0 and len(present) > rules.quorum_ratio * total
    text = f"应到委员{total}人，实到{len(present)}人"
    if not enough:
        return False, f"{text}，未超过{rules.quorum_ratio * 100:.0f}%，未达到法定人数"
    if rules.presider_must_be_chair:
        role = members.get(meeting.presiding_id)
        if meeting.presiding_id not in present or role not in (
            ch.MemberRole.CHAIR,
            ch.MemberRole.VICE_CHAIR,
        ):
            return False, f"{text}，但会议须由出席的主任委员或副主任委员主持"
    return True, f"{text}，达到法定人数"
