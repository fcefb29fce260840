"""Who may see and do what in the risk app: a few helpers used by every page and action."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext

from postloan.org.choices import Role
from postloan.org.roles import has_role
from postloan.org.visibility import staff_of, visible
from postloan.portfolio.models import Loan
from postloan.portfolio.visibility import visible_customers
from postloan.risk.models import LoanAssessment, Signal, SignalStep


def is_risk_department(user) -> bool:
    """Risk managers (风险部) and superusers confirm classifications and signals."""
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.RISK_MANAGER)


RISK_HEAD_POSITIONS = ("dept_head", "deputy_head")


def is_risk_head(user) -> bool:
    """风险部负责人 (head or deputy of the risk department): approves a 认定 better than the
    system's suggestion (the second pair of eyes). Superusers are not approvers."""
    staff = staff_of(user)
    return (
        staff is not None
        and staff.department == "risk"
        and staff.position in RISK_HEAD_POSITIONS
        and has_role(user, Role.RISK_MANAGER, Role.DEPT_HEAD)
    )


def require_risk_head(user, what: str) -> None:
    if not is_risk_head(user):
        raise PermissionDenied(gettext("只有风险管理部门负责人可以%(what)s") % {"what": what})


def manages_customer(user, customer) -> bool:
    staff = staff_of(user)
    return staff is not None and customer.manager_id == staff.staff_id


def can_see_customer(user, customer_id: str) -> bool:
    return visible_customers(user).filter(pk=customer_id).exists()


def require_visible(user, customer_id: str) -> None:
    if not can_see_customer(user, customer_id):
        raise PermissionDenied(gettext("无权处理该客户"))


def require_risk_department(user, what: str) -> None:
    if not is_risk_department(user):
        raise PermissionDenied(gettext("只有风险管理部门可以%(what)s") % {"what": what})


def visible_signals(user):
    return visible(user, Signal.objects.all())


def visible_assessments(user):
    return visible(user, LoanAssessment.objects.all())


def visible_loans(user):
    return visible(user, Loan.objects.all())


def get_signal_for_user(user, pk):
    signal = visible_signals(user).select_related("customer", "loan", "owner").filter(pk=pk).first()
    if signal is None:
        raise Http404(gettext("预警信号不存在或无权查看"))
    return signal


def get_signal_step_for_user(user, pk):
    """A step of a signal the user may see (its evidence file is served only through this)."""
    step = SignalStep.objects.filter(pk=pk, signal__in=visible_signals(user)).first()
    if step is None:
        raise Http404(gettext("附件不存在或无权查看"))
    return step


def get_loan_for_user(user, loan_id: str):
    loan = visible_loans(user).select_related("customer").filter(pk=loan_id).first()
    if loan is None:
        raise Http404(gettext("借据不存在或无权查看"))
    return loan
