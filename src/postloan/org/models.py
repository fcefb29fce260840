"""The organisation tree (总行 → 分行 → 支行) and its staff."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from postloan.org.choices import DEPARTMENT_CHOICES, POSITION_CHOICES, BranchLevel


class Branch(models.Model):
    branch_code = models.CharField(gettext_lazy("机构代码"), max_length=32, primary_key=True)
    name = models.CharField(gettext_lazy("机构名称"), max_length=128)
    parent = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("上级机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        db_column="parent_code",
    )
    level = models.CharField(gettext_lazy("机构层级"), max_length=16, choices=BranchLevel.choices)
    # Materialised path "/HO/BR/SB/": a unit sees itself and everything whose path starts with its own.
    path = models.CharField(
        gettext_lazy("机构路径"),
        max_length=512,
        db_index=True,
        blank=True,
        default="",
        db_default="",
    )
    holds_meetings = models.BooleanField(
        gettext_lazy("召开贷后管理例会"),
        default=True,
        db_default=True,
        help_text=gettext_lazy("一级支行及以上召开例会；默认每个分行、支行均召开"),
    )

    class Meta:
        db_table = "branches"
        verbose_name = gettext_lazy("机构")
        verbose_name_plural = gettext_lazy("机构")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def subtree_filter(self, prefix: str = "") -> models.Q:
        """A Q matching rows whose branch is this unit or one below it."""
        return models.Q(**{f"{prefix}path__startswith": self.path})


class Staff(models.Model):
    staff_id = models.CharField(gettext_lazy("员工号"), max_length=32, primary_key=True)
    name = models.CharField(gettext_lazy("姓名"), max_length=64)
    branch = models.ForeignKey(
        Branch,
        verbose_name=gettext_lazy("机构"),
        on_delete=models.PROTECT,
        related_name="staff",
        db_column="branch_code",
    )
    department = models.CharField(gettext_lazy("部门"), max_length=16, choices=DEPARTMENT_CHOICES)
    position = models.CharField(gettext_lazy("岗位"), max_length=24, choices=POSITION_CHOICES)
    credit_years = models.PositiveSmallIntegerField(
        gettext_lazy("信贷从业年限"), null=True, blank=True
    )
    certified = models.BooleanField(gettext_lazy("持证上岗"), default=False, db_default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )

    class Meta:
        db_table = "staff"
        verbose_name = gettext_lazy("员工")
        verbose_name_plural = gettext_lazy("员工")
        ordering = ["branch_id", "staff_id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.staff_id}）"
