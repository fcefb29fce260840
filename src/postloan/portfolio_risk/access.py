"""Who sees portfolio risk: the risk department (and superusers) — concentration and the retail
batch are the bank's portfolio, their signals go to 风险部; leaders (chair) read them too."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from postloan.org.choices import Role
from postloan.org.roles import has_role
from postloan.risk.access import is_risk_department


def can_see_portfolio(user) -> bool:
    return is_risk_department(user) or has_role(user, Role.CHAIR)


def require_portfolio(user) -> None:
    if not can_see_portfolio(user):
        raise PermissionDenied(gettext("只有风险管理部门和行领导可以查看组合风险"))
