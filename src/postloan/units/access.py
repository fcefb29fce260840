"""Who may act on a unit's 停复牌: the risk department of a unit above it (its managing unit)."""

from django.db.models import Q

from postloan.core.errors import DomainError
from postloan.org.choices import Role
from postloan.org.models import Branch
from postloan.org.roles import has_role
from postloan.org.visibility import staff_of, visible_branches
from postloan.risk.access import is_risk_department


def manages(user, unit: Branch) -> bool:
    """The user's unit is above `unit` (a superuser manages every unit below the head office)."""
    if getattr(user, "is_superuser", False):
        return unit.parent_id is not None
    staff = staff_of(user)
    if staff is None:
        return False
    own = staff.branch.path
    return unit.path.startswith(own) and unit.path != own


def in_risk_department(user) -> bool:
    """Risk managers, and the risk department's head or deputy (风险部负责人)."""
    if is_risk_department(user):
        return True
    staff = staff_of(user)
    return staff is not None and staff.department == "risk" and has_role(user, Role.DEPT_HEAD)


def require_managing_risk(user, unit: Branch, what: str) -> None:
    if not in_risk_department(user) or not manages(user, unit):
        raise DomainError(f"只有{unit.name}的管理行风险管理部门可以{what}")


def sees(user, unit: Branch) -> bool:
    return visible_branches(user).filter(pk=unit.pk).exists()


def visible_units_q(user, field: str = "branch") -> Q:
    return Q(**{f"{field}__in": visible_branches(user)})
