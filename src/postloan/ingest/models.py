"""One record per import run — who, when, which files, and how it went (also when it failed)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class ImportBatch(models.Model):
    class Source(models.TextChoices):
        CLI = "cli", gettext_lazy("命令行")
        WEB = "web", gettext_lazy("网页上传")

    class Outcome(models.TextChoices):
        RUNNING = "running", gettext_lazy("导入中")
        SUCCEEDED = "succeeded", gettext_lazy("成功")
        FAILED = "failed", gettext_lazy("失败")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        gettext_lazy("来源"), max_length=8, choices=Source.choices, default=Source.CLI
    )
    path = models.CharField(gettext_lazy("导入路径"), max_length=500, blank=True)
    started_at = models.DateTimeField(gettext_lazy("开始时间"))
    finished_at = models.DateTimeField(gettext_lazy("结束时间"), null=True, blank=True)
    as_of = models.DateField(gettext_lazy("数据日期"), null=True, blank=True)
    files = models.JSONField(
        gettext_lazy("文件"),
        default=list,
        blank=True,
        help_text=gettext_lazy("每个文件：表、行数、格式、编码、忽略的列、新增/变更数"),
    )
    ignored_files = models.JSONField(gettext_lazy("忽略的文件"), default=list, blank=True)
    rows = models.PositiveBigIntegerField(gettext_lazy("总行数"), default=0)
    outcome = models.CharField(
        gettext_lazy("结果"),
        max_length=12,
        choices=Outcome.choices,
        default=Outcome.RUNNING,
        db_index=True,
    )
    error_count = models.PositiveIntegerField(gettext_lazy("错误数"), default=0)
    warning_count = models.PositiveIntegerField(gettext_lazy("提示数"), default=0)
    report = models.JSONField(
        gettext_lazy("报告"),
        default=dict,
        blank=True,
        help_text=gettext_lazy("errors / warnings 列表（过多时截断，完整内容见 CSV）"),
    )
    report_csv = models.CharField(gettext_lazy("报告文件"), max_length=500, blank=True)
    # While it runs (ops.heartbeat): which process, and when it last proved to be alive. A batch
    # whose process died is closed as failed by `postloan recover-jobs`, marked interrupted.
    worker = models.CharField(gettext_lazy("导入进程"), max_length=120, blank=True, default="")
    heartbeat_at = models.DateTimeField(gettext_lazy("最近心跳"), null=True, blank=True)
    interrupted = models.BooleanField(gettext_lazy("已中断"), default=False)
    # The customers whose rows this batch carries (`ingest.touched`); null = not listed (a
    # first load, or more than `touched.MAX_LISTED`): the worklist then re-plans in full.
    customers_touched = models.JSONField(
        gettext_lazy("涉及的客户"), null=True, blank=True, default=None
    )

    class Meta:
        verbose_name = gettext_lazy("导入批次")
        verbose_name_plural = gettext_lazy("导入批次")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"导入批次 #{self.pk} {self.get_outcome_display()}"

    @property
    def succeeded(self) -> bool:
        return self.outcome == self.Outcome.SUCCEEDED

    @property
    def outcome_label(self) -> str:
        """结果 as shown: 已中断 for a batch whose process died, else the outcome."""
        if self.interrupted and self.outcome == self.Outcome.FAILED:
            return "已中断"
        return self.get_outcome_display()

    @property
    def worker_label(self) -> str:
        """导入进程 as shown: the process number (`worker` is host:pid, the host kept for ops)."""
        host, _, pid = self.worker.rpartition(":")
        return f"进程号 {pid}" if host and pid.isdigit() else self.worker

    @property
    def interruption(self) -> str:
        """Why the batch was closed as interrupted (its report's reason), else ""."""
        if not (self.interrupted and self.outcome == self.Outcome.FAILED):
            return ""
        errors = (self.report or {}).get("errors") or [{}]
        return errors[0].get("reason", "")

    @property
    def tables(self) -> list[str]:
        return [f.get("table", "") for f in self.files]


def last_succeeded_batch_id(exclude: int | None = None) -> int | None:
    """The id of the latest import batch that succeeded (leaving out `exclude`, the batch in
    flight): the batch the analytical copy must match."""
    batches = ImportBatch.objects.filter(outcome=ImportBatch.Outcome.SUCCEEDED)
    if exclude is not None:
        batches = batches.exclude(pk=exclude)
    return batches.order_by("-id").values_list("id", flat=True).first()
