"""API tokens: a long random secret shown once; only its SHA-256 is stored. Each token has
scopes (what it may be used for) and an expiry; its last use is recorded."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

TOKEN_PREFIX = "plk_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class Scope(models.TextChoices):
    """What a token may be used for (besides its user's own rights, which always apply)."""

    READ = "read", gettext_lazy("查询")
    IMPORT = "import", gettext_lazy("数据导入")
    SIGNALS = "signals", gettext_lazy("预警处置")


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("用户"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(gettext_lazy("用途"), max_length=100, blank=True, default="")
    token_hash = models.CharField(
        gettext_lazy("令牌摘要"), max_length=64, unique=True, editable=False
    )
    hint = models.CharField(gettext_lazy("令牌前缀"), max_length=12, editable=False)
    created = models.DateTimeField(gettext_lazy("创建时间"), auto_now_add=True)
    last_used = models.DateTimeField(gettext_lazy("最近使用"), null=True, blank=True)
    revoked = models.DateTimeField(gettext_lazy("吊销时间"), null=True, blank=True)
    scopes = models.JSONField(gettext_lazy("权限范围"), default=list, blank=True)
    expires_at = models.DateTimeField(
        gettext_lazy("到期时间"), null=True, blank=True, db_index=True
    )

    class Meta:
        verbose_name = gettext_lazy("接口令牌")
        verbose_name_plural = gettext_lazy("接口令牌")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} {self.hint}… {self.state_label()}"

    def state_label(self, now=None) -> str:
        if self.revoked:
            return "已吊销"
        if self.expires_at is None or self.expires_at <= (now or timezone.now()):
            return "已过期"
        return "有效"

    def scope_labels(self) -> str:
        return "、".join(str(Scope(s).label) for s in self.scopes if s in Scope.values)

    @staticmethod
    def new_secret() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)
