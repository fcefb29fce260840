from django.db import models

from postloan import contract


def _choices(pairs):
    return [(code, label) for code, label in pairs]


class BranchLevel(models.TextChoices):
    HEAD_OFFICE = "head_office", "总行"
    BRANCH = "branch", "分行"
    SUB_BRANCH = "sub_branch", "支行"


DEPARTMENT_CHOICES = _choices(contract.DEPARTMENTS)
POSITION_CHOICES = _choices(contract.POSITIONS)
CERTIFICATE_TYPE_CHOICES = _choices(contract.CERTIFICATE_TYPES)


class Role(models.TextChoices):
    """The roles of domain.md §1; each is a Django group of the same code."""

    ACCOUNT_MANAGER = "account_manager", "客户经理"
    RISK_MANAGER = "risk_manager", "风险经理"
    DEPT_HEAD = "dept_head", "部门负责人"
    CHAIR = "chair", "主任委员（行长）"
    VICE_CHAIR = "vice_chair", "副主任委员（副行长）"
    MEMBER = "member", "个人委员"
    CREDIT_MGMT = "credit_mgmt", "信贷管理部门"
    AUDITOR = "auditor", "内控/审计"
    ADMIN = "admin", "系统管理员"
