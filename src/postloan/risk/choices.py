"""Enumerations of the risk app: English codes in the data, the bank's Chinese words as labels.

The classes, levels and families are `risk/engine/vocabulary.py`'s; the choices here are built
from it (the class choices are the contract's, `portfolio.choices.LoanClass`)."""

from django.db import models
from django.utils.translation import gettext_lazy

from postloan.portfolio.choices import NON_PERFORMING, LoanClass  # noqa: F401 - re-exported
from postloan.risk.engine import vocabulary

CLASS_ORDER = vocabulary.CLASS_ORDER


class RunSource(models.TextChoices):
    CLI = "cli", "命令行"
    IMPORT = "import", "数据导入后"
    SCHEDULE = "schedule", "定时"
    WEB = "web", "页面"


class RunStatus(models.TextChoices):
    RUNNING = "running", "运行中"
    SUCCEEDED = "succeeded", "成功"
    FAILED = "failed", "失败"


class ClassChange(models.TextChoices):
    UPGRADE = "upgrade", "上调"
    DOWNGRADE = "downgrade", "下调"
    SAME = "same", "不变"


class AssessmentStatus(models.TextChoices):
    PENDING = "pending", "待初分"
    PROPOSED = "proposed", "已初分待认定"
    # A 认定 better than the system's suggestion waits for a second person (四眼原则).
    PENDING_APPROVAL = "pending_approval", "认定待审批"
    CONFIRMED = "confirmed", "已认定"


class DecisionKind(models.TextChoices):
    PROPOSAL = "proposal", "初分"
    CONFIRMATION = "confirmation", "认定"
    OVERRIDE = "override", "调整"
    WAIVER = "waiver", "技术性逾期豁免"
    SUBMISSION = "submission", "提交审批"
    APPROVAL = "approval", "审批同意"
    REJECTION = "rejection", "审批退回"
    CORRECTION = "correction", "更正"
    COMMITTEE = "committee", "例会认定"


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
    ISSUED = "issued", "发布"
    HANDLING = "handling", "处置"
    FEEDBACK = "feedback", "反馈"
    CONFIRMED = "confirmed", "认定"
    RELEASED = "released", "消除"


OPEN_SIGNAL_STATUSES = (
    SignalStatus.ISSUED,
    SignalStatus.HANDLING,
    SignalStatus.FEEDBACK,
    SignalStatus.CONFIRMED,
)


class ReviewTaskStatus(models.TextChoices):
    OPEN = "open", "待复核"
    DONE = "done", "已复核"
