"""Identification and authentication records (等保三级 身份鉴别): per-account password state,
the password history, and the login/logout log auditors read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class AccountSecurity(models.Model):
    """One row per user: when the password was last set and whether it must be changed.

    `must_change_password` is set for accounts an administrator created or whose password an
    administrator set; the user's own change clears it. `demo` marks the logins `postloan demo`
    created on its own demo database: they keep their published passwords (no forced change,
    no expiry) so the demo and its browser tests log straight in.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("用户"),
        on_delete=models.CASCADE,
        related_name="security",
        primary_key=True,
    )
    password_changed_at = models.DateTimeField(gettext_lazy("密码设置时间"), null=True, blank=True)
    must_change_password = models.BooleanField(gettext_lazy("须修改密码"), default=False)
    demo = models.BooleanField(gettext_lazy("演示账号"), default=False)

    class Meta:
        verbose_name = gettext_lazy("账号安全状态")
        verbose_name_plural = gettext_lazy("账号安全状态")

    def __str__(self) -> str:
        return f"{self.user}"


class PasswordHistory(models.Model):
    """A password hash the user had (the newest few are kept, none may be reused)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("用户"),
        on_delete=models.CASCADE,
        related_name="password_history",
    )
    password = models.CharField(gettext_lazy("密码摘要"), max_length=128)
    at = models.DateTimeField(gettext_lazy("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("历史密码")
        verbose_name_plural = gettext_lazy("历史密码")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d}"


class AuthEvent(models.Model):
    """One login, logout, failed login, refused (locked) login, timeout or password change."""

    class Kind(models.TextChoices):
        LOGIN = "login", gettext_lazy("登录成功")
        FAILED = "failed", gettext_lazy("登录失败")
        LOCKED = "locked", gettext_lazy("锁定拒绝")
        LOGOUT = "logout", gettext_lazy("退出")
        TIMEOUT = "timeout", gettext_lazy("超时退出")
        PASSWORD_CHANGED = "password_changed", gettext_lazy("修改密码")

    at = models.DateTimeField(gettext_lazy("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(
        gettext_lazy("事件"), max_length=20, choices=Kind.choices, db_index=True
    )
    username = models.CharField(gettext_lazy("用户名"), max_length=150, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip = models.CharField(gettext_lazy("来源地址"), max_length=64, blank=True, default="")
    user_agent = models.CharField(gettext_lazy("客户端"), max_length=200, blank=True, default="")
    detail = models.CharField(gettext_lazy("说明"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = gettext_lazy("登录日志")
        verbose_name_plural = gettext_lazy("登录日志")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()}"
