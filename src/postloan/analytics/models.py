"""Which generation of the analytical copy (`analytics.store`) the database vouches for.

The row is written inside the import's own transaction, so it commits — or vanishes — with the
batch: the database row *is* the pointer to the copy's current generation.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class Generation(models.Model):
    class Kind(models.TextChoices):
        IMPORT = "import", gettext_lazy("导入追加")
        REBUILD = "rebuild", gettext_lazy("从数据库重建")

    token = models.CharField("版本标识", max_length=32, unique=True)
    store = models.CharField("副本目录", max_length=32)
    kind = models.CharField("来源", max_length=8, choices=Kind.choices)
    batch = models.ForeignKey(
        "ingest.ImportBatch",
        verbose_name="对应导入批次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rows = models.JSONField("各表行数", default=dict, blank=True)
    parts = models.JSONField("各表分片数", default=dict, blank=True)
    # Set when a copied table is changed outside the importer (a maintenance page, the shell):
    # the copy no longer matches the database and the next screening rebuilds it.
    stale = models.BooleanField("已失效", default=False)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "分析副本版本"
        verbose_name_plural = "分析副本版本"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"分析副本版本 #{self.pk}"
