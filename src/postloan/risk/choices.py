"""Enumerations of the risk app: English codes in the data, the bank's Chinese words as labels.

The classes, levels and families are `risk/engine/vocabulary.py`'s; the choices here are built
from it (the class choices are the contract's, `portfolio.choices.LoanClass`)."""

from django.db import models
from django.utils.translation import gettext_lazy

from postloan.portfolio.choices import NON_PERFORMING, LoanClass  # noqa: F401 - re-exported
from postloan.risk.engine import vocabulary

CLASS_ORDER = vocabulary.CLASS_ORDER


class RunSource(models.TextChoices):
    CLI = "cli", gettext_lazy("命令行")
    IMPORT = "import", gettext_lazy("数据导入后")
    SCHEDULE = "schedule", gettext_lazy("定时")
    WEB = "web", gettext_lazy("页面")


class RunStatus(models.TextChoices):
    RUNNING = "running", gettext_lazy("运行中")
    SUCCEEDED = "succeeded", gettext_lazy("成功")
    FAILED = "failed", gettext_lazy("失败")


class ClassChange(models.TextChoices):
    UPGRADE = "upgrade", gettext_lazy("上调")
    DOWNGRADE = "downgrade", gettext_lazy("下调")
    SAME = "same", gettext_lazy("不变")


class AssessmentStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("待初分")
    PROPOSED = "proposed", gettext_lazy("已初分待认定")
    # A 认定 better than the system's suggestion waits for a second person (四眼原则).
    PENDING_APPROVAL = "pending_approval", gettext_lazy("认定待审批")
    CONFIRMED = "confirmed", gettext_lazy("已认定")


class DecisionKind(models.TextChoices):
    PROPOSAL = "proposal", gettext_lazy("初分")
    CONFIRMATION = "confirmation", gettext_lazy("认定")
    OVERRIDE = "override", gettext_lazy("调整")
    WAIVER = "waiver", gettext_lazy("技术性逾期豁免")
    SUBMISSION = "submission", gettext_lazy("提交审批")
    APPROVAL = "approval", gettext_lazy("审批同意")
    REJECTION = "rejection", gettext_lazy("审批退回")
    CORRECTION = "correction", gettext_lazy("更正")
    COMMITTEE = "committee", gettext_lazy("例会认定")


# The decisions that set a loan's class on the books (from their business date on).
BINDING_KINDS = (
    DecisionKind.CONFIRMATION,
    DecisionKind.OVERRIDE,
    DecisionKind.APPROVAL,
    DecisionKind.CORRECTION,
    DecisionKind.COMMITTEE,
)


def _choices(name: str, pairs) -> type[models.TextChoices]:
    """Django choices from the vocabulary's (code, Chinese) pairs, labels through gettext_lazy."""
    return models.TextChoices(
        name, [(code.upper(), (code, gettext_lazy(label))) for code, label in pairs]
    )


SignalFamily = _choices("SignalFamily", vocabulary.SIGNAL_FAMILIES)
SignalLevel = _choices("SignalLevel", vocabulary.LEVELS)
LEVEL_ORDER = vocabulary.LEVEL_ORDER


class SignalStatus(models.TextChoices):
    ISSUED = "issued", gettext_lazy("发布")
    HANDLING = "handling", gettext_lazy("处置")
    FEEDBACK = "feedback", gettext_lazy("反馈")
    CONFIRMED = "confirmed", gettext_lazy("认定")
    RELEASED = "released", gettext_lazy("消除")


OPEN_SIGNAL_STATUSES = (
    SignalStatus.ISSUED,
    SignalStatus.HANDLING,
    SignalStatus.FEEDBACK,
    SignalStatus.CONFIRMED,
)


class ReviewTaskStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("待复核")
    DONE = "done", gettext_lazy("已复核")
