"""Whether a unit's committee follows the rules (工作规则 第七至九条)."""

from dataclasses import dataclass, field

from postloan.meetings import choices as ch
from postloan.meetings.models import Committee
from postloan.meetings.rules import settings_for


@dataclass
class Validity:
    problems: list[str] = field(default_factory=list)
    member_count: int = 0
    minimum: int = 0

    @property
    def valid(self) -> bool:
        return not self.problems


def qualifies(staff, basis: str, min_years: int) -> bool:
    """Whether a staff member meets the individual-member qualification on the given basis."""
    if basis == ch.QualificationBasis.EXPERIENCE:
        return (staff.credit_years or 0) >= min_years
    return staff.position in ch.BASIS_POSITIONS.get(basis, set())


def minimum_members(branch, rules) -> int:
    if branch.level == "sub_branch":
        return rules.min_members_sub_branch
    return rules.min_members_branch


def committee_validity(branch) -> Validity:
    rules = settings_for(branch)
    result = Validity(minimum=minimum_members(branch, rules))
    committee = Committee.objects.filter(branch=branch).first()
    if committee is None:
        result.problems.append("尚未组建贷后管理例会委员会")
        return result
    members = list(committee.active_members())
    result.member_count = len(members)
    if len(members) < result.minimum:
        result.problems.append(
            f"委员{len(members)}人，少于{branch.get_level_display()}最少{result.minimum}人的要求"
        )
    chairs = [m for m in members if m.role == ch.MemberRole.CHAIR]
    if not chairs:
        result.problems.append("未设主任委员")
    elif len(chairs) > 1:
        result.problems.append("主任委员只能有一名")
    for m in members:
        if m.role != ch.MemberRole.INDIVIDUAL:
            continue
        if not m.is_certified:
            result.problems.append(f"个人委员{m.staff.name}的资格未经信贷管理部门认定")
        elif not qualifies(m.staff, m.basis, rules.individual_min_years):
            result.problems.append(
                f"个人委员{m.staff.name}不符合认定依据「{m.get_basis_display()}」"
            )
    return result
