"""The steps of one business day, recorded on the background job that ran them."""

from django.db import models
from django.utils.translation import gettext_lazy

from postloan.ops.models import JobProgress


class Step(models.TextChoices):
    """In the order they run (`postloan.day.pipeline.STEPS`)."""

    SCREENING = "screening", gettext_lazy("风险预警筛查")
    WORKLIST = "worklist", gettext_lazy("贷后工作计划")
    VERIFICATION = "verification", gettext_lazy("例会决议核实")
    UNITS = "units", gettext_lazy("机构风险指标监测")
    ACCOUNTABILITY = "accountability", gettext_lazy("问责比对")
    PORTFOLIO = "portfolio", gettext_lazy("组合风险监测")
    CACHES = "caches", gettext_lazy("页面数据缓存")


class StepStatus(models.TextChoices):
    RUNNING = "running", gettext_lazy("运行中")
    SUCCEEDED = "succeeded", gettext_lazy("成功")
    FAILED = "failed", gettext_lazy("失败")
    SKIPPED = "skipped", gettext_lazy("未执行")


class DayStep(models.Model):
    """One step of a business day: how long it took and how it ended (the last attempt)."""

    job = models.ForeignKey(
        JobProgress, verbose_name="后台任务", on_delete=models.CASCADE, related_name="day_steps"
    )
    step = models.CharField("步骤", max_length=16, choices=Step.choices)
    position = models.PositiveSmallIntegerField("顺序")
    status = models.CharField("结果", max_length=12, choices=StepStatus.choices)
    seconds = models.FloatField("用时（秒）", default=0)
    message = models.TextField("说明", blank=True, default="")
    attempts = models.PositiveSmallIntegerField("执行次数", default=1)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "营业日处理步骤"
        verbose_name_plural = "营业日处理步骤"
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "step"], name="day_step_once_per_job")
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}：{self.get_status_display()}"

    @property
    def ok(self) -> bool:
        return self.status == StepStatus.SUCCEEDED
