"""A meeting pack (会议材料) being generated in the background, and its file when done."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from postloan.documents.choices import PackStatus


class PackJob(models.Model):
    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name="例会", on_delete=models.CASCADE, related_name="pack_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=16, choices=PackStatus.choices, default=PackStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    step = models.CharField("当前步骤", max_length=200, blank=True, default="")
    file = models.FileField("会议材料PDF", upload_to="packs/%Y/%m/", blank=True)
    pages = models.PositiveIntegerField("页数", null=True, blank=True)
    error = models.TextField("错误", blank=True, default="")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        db_table = "document_pack_jobs"
        verbose_name = "会议材料生成任务"
        verbose_name_plural = "会议材料生成任务"
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
