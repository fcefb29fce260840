from django.db import models
from django.utils.translation import gettext_lazy

from postloan import contract


def _choices(pairs):
    """The contract's (code, 标签) pairs, labels through gettext (contract.py has no Django)."""
    return [(code, gettext_lazy(label)) for code, label in pairs]


class BranchLevel(models.TextChoices):
    HEAD_OFFICE = "head_office", gettext_lazy("总行")
    BRANCH = "branch", gettext_lazy("分行")
    SUB_BRANCH = "sub_branch", gettext_lazy("支行")


DEPARTMENT_CHOICES = _choices(contract.DEPARTMENTS)
POSITION_CHOICES = _choices(contract.POSITIONS)
CERTIFICATE_TYPE_CHOICES = _choices(contract.CERTIFICATE_TYPES)


class Role(models.TextChoices):
    """The roles of domain.md §1; each is a Django group of the same code."""

    ACCOUNT_MANAGER = "account_manager", gettext_lazy("客户经理")
    RISK_MANAGER = "risk_manager", gettext_lazy("风险经理")
    DEPT_HEAD = "dept_head", gettext_lazy("部门负责人")
    CHAIR = "chair", gettext_lazy("主任委员（行长）")
    VICE_CHAIR = "vice_chair", gettext_lazy("副主任委员（副行长）")
    MEMBER = "member", gettext_lazy("个人委员")
    CREDIT_MGMT = "credit_mgmt", gettext_lazy("信贷管理部门")
    AUDITOR = "auditor", gettext_lazy("内控/审计")
    ADMIN = "admin", gettext_lazy("系统管理员")
