from django.db import transaction
from django.utils import timezone

from postloan.meetings import choices as ch
from postloan.meetings.access import can_certify, can_run
from postloan.meetings.actions._common import audit, checked_evidence, require, snapshot
from postloan.meetings.committee import qualifies
from postloan.meetings.models import Committee, CommitteeMember
from postloan.meetings.rules import settings_for


def _may_edit(user, branch):
    require(can_run(user, branch), "只有本级行风险部门或系统管理员可以维护委员会")


@transaction.atomic
def set_up_committee(branch, *, acting_user, established_on=None, note="") -> Committee:
    _may_edit(acting_user, branch)
    committee, created = Committee.objects.get_or_create(
        branch=branch, defaults={"established_on": established_on, "note": note}
    )
    if created:
        audit(acting_user, "committee.created", committee)
    return committee


@transaction.atomic
def add_member(committee, staff, role: str, *, acting_user, joined_on=None) -> CommitteeMember:
    _may_edit(acting_user, committee.branch)
    require(role in ch.MemberRole.values, "委员类别不正确")
    require(
        staff.branch.path.startswith(committee.branch.path),
        "委员须为本级行或辖内机构员工",
    )
    if role == ch.MemberRole.CHAIR:
        require(
            not committee.active_members().filter(role=role).exclude(staff=staff).exists(),
            "已有主任委员，请先卸任原主任委员",
        )
    member, created = CommitteeMember.objects.get_or_create(
        committee=committee, staff=staff, defaults={"role": role, "joined_on": joined_on}
    )
    before = None if created else snapshot(member)
    if not created:
        member.role, member.active, member.left_on = role, True, None
        member.save(update_fields=["role", "active", "left_on"])
    audit(acting_user, "committee.member_added", member, before=before)
    return member


@transaction.atomic
def remove_member(member, *, acting_user, left_on=None) -> CommitteeMember:
    _may_edit(acting_user, member.committee.branch)
    before = snapshot(member)
    member.active, member.left_on = False, left_on
    member.save(update_fields=["active", "left_on"])
    audit(acting_user, "committee.member_removed", member, before=before)
    return member


@transaction.atomic
def certify_member(member, *, acting_user, basis: str, certificate_no: str, certificate_file):
    """信贷管理部门认定个人委员资格, keeping the certificate (file, number, who, when)."""
    branch = member.committee.branch
    require(can_certify(acting_user, branch), "个人委员资格须由本级行信贷管理部门认定")
    require(member.role == ch.MemberRole.INDIVIDUAL, "只有个人委员需要资格认定")
    require(basis in ch.QualificationBasis.values, "请选择认定依据")
    rules = settings_for(branch)
    require(
        qualifies(member.staff, basis, rules.individual_min_years),
        f"{member.staff.name}不符合「{ch.QualificationBasis(basis).label}」条件"
        f"（信贷从业{member.staff.credit_years or 0}年，岗位{member.staff.get_position_display()}）",
    )
    require(bool(certificate_no.strip()), "请填写认定文书编号")
    require(bool(certificate_file), "请上传资格认定文书")
    name = checked_evidence(certificate_file, "certificate_file")
    before = snapshot(member)
    member.basis = basis
    member.certificate_no = certificate_no.strip()
    member.certificate_file, member.certificate_file_name = certificate_file, name
    member.certified_by = acting_user
    member.certified_at = timezone.now()
    member.save(
        update_fields=[
            "basis",
            "certificate_no",
            "certificate_file",
            "certificate_file_name",
            "certified_by",
            "certified_at",
        ]
    )
    audit(acting_user, "committee.member_certified", member, before=before)
    return member


@transaction.atomic
def save_settings(form, *, acting_user):
    """Save a MeetingSettingsForm (per unit or global)."""
    instance = form.instance
    branch = instance.branch
    if branch is not None:
        _may_edit(acting_user, branch)
    else:
        require(getattr(acting_user, "is_superuser", False), "只有系统管理员可以修改全行默认设置")
    before = snapshot(instance) if instance.pk else None
    row = form.save(commit=False)
    row.updated_by = acting_user
    row.save()
    audit(acting_user, "settings.saved", row, before=before)
    return row
