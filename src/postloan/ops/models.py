"""Operations records: background jobs with their progress, and failed logins (throttling)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class JobProgress(models.Model):
    """One background job (import, screening, meeting pack, reminders) as users see it.

    The task framework's own row (`django_tasks_db.DBTaskResult`, or nothing with the immediate
    backend) says whether a worker holds it; this row says what the job is, how far it got and
    how it ended, in the bank's words. `heartbeat_at` is refreshed while the job runs, so a job
    whose worker was killed is found by `postloan recover-jobs` and retried or marked failed.
    """

    class Kind(models.TextChoices):
        IMPORT = "import", gettext_lazy("数据导入")
        SCREENING = "screening", gettext_lazy("风险预警筛查")
        MEETING_PACK = "meeting_pack", gettext_lazy("例会材料生成")
        REMINDERS = "reminders", gettext_lazy("督办提醒")
        PROBE = "probe", gettext_lazy("工作进程自检")
        BUSINESS_DAY = "business_day", gettext_lazy("营业日处理")
        MODEL_FIT = "model_fit", gettext_lazy("违约概率模型拟合")

    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("排队中")
        RUNNING = "running", gettext_lazy("运行中")
        SUCCEEDED = "succeeded", gettext_lazy("成功")
        FAILED = "failed", gettext_lazy("失败")

    kind = models.CharField(
        gettext_lazy("类型"), max_length=16, choices=Kind.choices, db_index=True
    )
    label = models.CharField(gettext_lazy("说明"), max_length=200, blank=True, default="")
    params = models.JSONField(gettext_lazy("参数"), default=dict, blank=True)
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=12,
        choices=Status.choices,
        default=Status.QUEUED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(gettext_lazy("进度（%）"), default=0)
    message = models.TextField(gettext_lazy("进展说明"), blank=True, default="")
    result = models.JSONField(gettext_lazy("结果"), default=dict, blank=True)
    task_id = models.CharField(
        gettext_lazy("任务编号"), max_length=64, blank=True, default="", db_index=True
    )
    attempts = models.PositiveSmallIntegerField(gettext_lazy("执行次数"), default=0)
    worker = models.CharField(gettext_lazy("工作进程"), max_length=120, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(gettext_lazy("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(gettext_lazy("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(gettext_lazy("最近心跳"), null=True, blank=True)
    finished_at = models.DateTimeField(gettext_lazy("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("后台任务")
        verbose_name_plural = gettext_lazy("后台任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class LoginFailure(models.Model):
    """A failed login, kept for the throttling window (shared by every web process)."""

    username = models.CharField(gettext_lazy("用户名"), max_length=150, db_index=True)
    ip = models.CharField(gettext_lazy("来源地址"), max_length=64)
    at = models.DateTimeField(gettext_lazy("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = gettext_lazy("登录失败记录")
        verbose_name_plural = gettext_lazy("登录失败记录")
        ordering = ["-at"]
        indexes = [models.Index(fields=["username", "ip", "at"])]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip} {self.at:%Y-%m-%d %H:%M}"
