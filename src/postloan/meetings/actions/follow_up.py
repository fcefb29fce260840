from django.db import transaction
from django.utils import timezone

from postloan.core.business_date import business_today
from postloan.meetings import choices as ch
from postloan.meetings import exits
from postloan.meetings.actions._common import (
    audit,
    checked_evidence,
    require,
    snapshot,
    staff_or_refuse,
)
from postloan.meetings.choices import ResolutionStatus as S
from postloan.meetings.verification import follow_up, in_force, verify


@transaction.atomic
def claim_execution(resolution, *, note: str, evidence=None, filing_case_no: str = "", acting_user):
    """The responsible person reports execution with evidence; a recorded court filing proves
    a legal_action resolution."""
    staff = staff_or_refuse(acting_user)
    require(resolution.responsible_id == staff.staff_id, "只有决议责任人可以报告执行情况")
    require(resolution.in_force, "决议尚未签署生效")
    require(resolution.status in (S.OPEN, S.OVERDUE, S.CLAIMED), "该决议已办结")
    require(bool(note.strip()), "请说明执行情况")
    require(bool(evidence) or bool(filing_case_no.strip()), "请上传执行证明材料")
    name = checked_evidence(evidence, "evidence") if evidence else ""
    before = snapshot(resolution)
    resolution.claim_note = note.strip()
    if evidence:
        resolution.claim_file, resolution.claim_file_name = evidence, name
    resolution.claimed_by, resolution.claimed_at = acting_user, timezone.now()
    fields = ["claim_note", "claim_file", "claim_file_name", "claimed_by", "claimed_at"]
    fields += ["status", "check_detail"]
    if resolution.type == ch.ResolutionType.LEGAL_ACTION and filing_case_no.strip():
        resolution.status = S.VERIFIED
        resolution.check_detail = f"已登记起诉，案号{filing_case_no.strip()}"
        resolution.closed_on = business_today()
        fields.append("closed_on")
    else:
        resolution.status = S.CLAIMED
        resolution.check_detail = "责任人已报告执行，待数据核实"
    resolution.save(update_fields=fields)
    audit(acting_user, "resolution.claimed", resolution, before=before)
    return resolution


def run_verification(as_of, *, acting_user=None, batch_id=None) -> dict:
    counts = verify(as_of, acting_user=acting_user, batch_id=batch_id)
    counts.update(follow_up(as_of))
    counts.update(exits.run(as_of, in_force(), acting_user=acting_user, batch_id=batch_id))
    return counts
