"""The organisation tree (总行 → 分行 → 支行) and its staff."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from postloan.org.choices import (
    CERTIFICATE_TYPE_CHOICES,
    DEPARTMENT_CHOICES,
    POSITION_CHOICES,
    BranchLevel,
)


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


# ── d2: 持证上岗 and 责任书 (contract tables staff_certificates, responsibility_letters) ──


class StaffCertificate(models.Model):
    """One certificate a staff member holds (持证上岗); valid from issue until its expiry."""

    staff = models.ForeignKey(
        Staff,
        verbose_name=gettext_lazy("员工"),
        on_delete=models.CASCADE,
        related_name="certificates",
        db_index=False,
    )
    cert_type = models.CharField(
        gettext_lazy("证书类型"), max_length=16, choices=CERTIFICATE_TYPE_CHOICES
    )
    cert_no = models.CharField(gettext_lazy("证书编号"), max_length=64)
    issued_date = models.DateField(gettext_lazy("发证日期"))
    expiry_date = models.DateField(gettext_lazy("有效期至"), null=True, blank=True)

    class Meta:
        db_table = "staff_certificates"
        verbose_name = gettext_lazy("员工资格证书")
        verbose_name_plural = gettext_lazy("员工资格证书")
        ordering = ["staff_id", "cert_type", "-issued_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "cert_type", "cert_no"],
                name="staff_certificate_key",
                violation_error_message="同一员工同一类型同一编号的证书只能有一条",
            ),
            models.CheckConstraint(
                condition=models.Q(expiry_date__isnull=True)
                | models.Q(expiry_date__gte=models.F("issued_date")),
                name="staff_certificate_dates",
                violation_error_message="证书有效期早于发证日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.get_cert_type_display()} {self.cert_no}"

    def valid_on(self, day) -> bool:
        return self.issued_date <= day and (self.expiry_date is None or self.expiry_date >= day)


def certified_q(day, staff_ref: str = "pk") -> models.Q:
    """Rows whose staff (`staff_ref`, a path to the staff id) hold a certificate valid on `day`
    (the business date): issued on or before it, not expired before it."""
    valid = StaffCertificate.objects.filter(
        models.Q(expiry_date__isnull=True) | models.Q(expiry_date__gte=day),
        staff_id=models.OuterRef(staff_ref),
        issued_date__lte=day,
    )
    return models.Q(models.Exists(valid))


class ResponsibilityLetter(models.Model):
    """贷后管理责任书: who (a person or a unit) answered for post-loan work in a period."""

    letter_id = models.CharField(gettext_lazy("责任书编号"), max_length=40, primary_key=True)
    staff = models.ForeignKey(
        Staff,
        verbose_name=gettext_lazy("责任人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="responsibility_letters",
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=gettext_lazy("责任机构"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="responsibility_letters",
        db_column="branch_code",
    )
    period_from = models.DateField(gettext_lazy("责任期起"))
    period_to = models.DateField(gettext_lazy("责任期止"))
    signed_date = models.DateField(gettext_lazy("签订日期"))

    class Meta:
        db_table = "responsibility_letters"
        verbose_name = gettext_lazy("贷后管理责任书")
        verbose_name_plural = gettext_lazy("贷后管理责任书")
        ordering = ["-period_from", "letter_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(staff__isnull=False) | models.Q(branch__isnull=False),
                name="responsibility_letter_holder",
                violation_error_message="责任书须写明责任人或责任机构",
            ),
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")),
                name="responsibility_letter_period",
                violation_error_message="责任期止早于责任期起",
            ),
        ]

    def __str__(self) -> str:
        return self.letter_id
