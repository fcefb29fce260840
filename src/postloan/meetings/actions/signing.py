"""Signing the record (会议主持人 and 行长) and amending a signed record."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from postloan.meetings import choices as ch
from postloan.meetings.access import can_run
from postloan.meetings.actions._common import audit, require, snapshot, staff_or_refuse
from postloan.meetings.documents import amendment_content, canonical, record_content, sha256
from postloan.meetings.models import Amendment, CommitteeMember, Meeting, Signature


def signer_roles(user, meeting) -> list[str]:
    """The roles in which `user` may sign this meeting's record."""
    from postloan.org.visibility import staff_of

    staff = staff_of(user)
    if staff is None:
        return []
    roles = []
    if meeting.presiding_id == staff.staff_id:
        roles.append(ch.SignRole.PRESIDER)
    if CommitteeMember.objects.filter(
        committee__branch=meeting.branch, role=ch.MemberRole.CHAIR, active=True, staff=staff
    ).exists():
        roles.append(ch.SignRole.PRESIDENT)
    return roles


@transaction.atomic
def sign(meeting, *, acting_user, amendment=None, opinion: str = "") -> list[Signature]:
    """Sign in every role the user holds; the record locks on the first signature."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    staff = staff_or_refuse(acting_user)
    roles = signer_roles(acting_user, meeting)
    require(bool(roles), "只有会议主持人和行长（主任委员）可以签署")
    if amendment is None:
        require(
            meeting.status in (ch.MeetingStatus.HELD,),
            "会议尚未闭会或已签署完毕",
        )
        content = canonical(record_content(meeting))
    else:
        require(amendment.meeting_id == meeting.pk, "更正不属于本次例会")
        require(amendment.signed_at is None, "该更正已签署完毕")
        content = canonical(amendment_content(amendment))
    digest = sha256(content)
    earlier = Signature.objects.filter(meeting=meeting, amendment=amendment)
    for sig in earlier:
        require(sig.content_sha256 == digest, "签署内容与已签署版本不一致，记录已被改动")
    done = set(earlier.values_list("role", flat=True))
    new = [r for r in roles if r not in done]
    require(bool(new), "您已签署")
    signatures = [
        Signature.objects.create(
            meeting=meeting,
            amendment=amendment,
            role=role,
            signer=acting_user,
            signer_name=staff.name,
            content_sha256=digest,
            content=content,
            opinion=opinion,
        )
        for role in new
    ]
    for sig in signatures:
        audit(acting_user, "record.signed", sig, after={"role": sig.role, "sha256": digest})
    if done | set(new) >= {ch.SignRole.PRESIDER, ch.SignRole.PRESIDENT}:
        now = timezone.now()
        if amendment is None:
            meeting.status, meeting.signed_at = ch.MeetingStatus.SIGNED, now
            meeting.save(update_fields=["status", "signed_at"])
            audit(acting_user, "meeting.signed", meeting)
        else:
            amendment.signed_at = now
            Amendment.objects.filter(pk=amendment.pk).update(signed_at=now)
            audit(acting_user, "amendment.signed", amendment)
    return signatures


@transaction.atomic
def propose_amendment(meeting, *, text: str, acting_user) -> Amendment:
    """A correction to a signed record; it needs both signatures again."""
    require(can_run(acting_user, meeting), "只有本级行风险部门可以提出更正")
    require(
        meeting.status == ch.MeetingStatus.SIGNED, "会议记录签署后才需要更正；未签署的请直接修改"
    )
    require(bool(text.strip()), "请写明更正内容")
    number = (meeting.amendments.aggregate(m=Max("number"))["m"] or 0) + 1
    amendment = Amendment.objects.create(
        meeting=meeting, number=number, text=text.strip(), created_by=acting_user
    )
    audit(acting_user, "amendment.proposed", amendment, before=None, after=snapshot(amendment))
    return amendment
