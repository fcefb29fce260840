"""API tokens: a long random secret shown once; only its SHA-256 is stored."""

import hashlib
import secrets

from django.conf import settings
from django.db import models

TOKEN_PREFIX = "plk_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField("用途", max_length=100, blank=True, default="")
    token_hash = models.CharField("令牌摘要", max_length=64, unique=True, editable=False)
    hint = models.CharField("令牌前缀", max_length=12, editable=False)
    created = models.DateTimeField("创建时间", auto_now_add=True)
    last_used = models.DateTimeField("最近使用", null=True, blank=True)
    revoked = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} {self.hint}… {'已吊销' if self.revoked else '有效'}"

    @staticmethod
    def new_secret() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)
