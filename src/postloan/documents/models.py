"""A meeting pack (会议材料) being generated in the background, and its file when done."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from postloan.documents.choices import PackStatus


class PackJob(models.Model):
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=gettext_lazy("例会"),
        on_delete=models.CASCADE,
        related_name="pack_jobs",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("发起人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=16,
        choices=PackStatus.choices,
        default=PackStatus.QUEUED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(gettext_lazy("进度（%）"), default=0)
    step = models.CharField(gettext_lazy("当前步骤"), max_length=200, blank=True, default="")
    file = models.FileField(gettext_lazy("会议材料PDF"), upload_to="packs/%Y/%m/", blank=True)
    pages = models.PositiveIntegerField(gettext_lazy("页数"), null=True, blank=True)
    error = models.TextField(gettext_lazy("错误"), blank=True, default="")
    created_at = models.DateTimeField(gettext_lazy("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(gettext_lazy("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(gettext_lazy("完成时间"), null=True, blank=True)

    class Meta:
        db_table = "document_pack_jobs"
        verbose_name = gettext_lazy("会议材料生成任务")
        verbose_name_plural = gettext_lazy("会议材料生成任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="pack_progress_at_most_100",
                violation_error_message="进度不能超过100%",
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} 会议材料 {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (PackStatus.DONE, PackStatus.FAILED)
