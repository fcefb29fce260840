"""Enumerations of the risk app: English codes in the data, the bank's Chinese words as labels."""

from django.db import models

from postloan.portfolio.choices import NON_PERFORMING, LoanClass  # noqa: F401 - re-exported

CLASS_ORDER = {code: i for i, code in enumerate(LoanClass.values)}


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


class SignalFamily(models.TextChoices):
    REPAYMENT = "repayment", "还款"
    ACCOUNT = "account", "账户资金"
    FINANCIAL = "financial", "财务"
    CREDIT_REPORT = "credit_report", "征信"
    JUDICIAL = "judicial", "司法"
    GOVERNANCE = "governance", "公司治理"
    INDUSTRY = "industry", "行业/区域"
    INSPECTION = "inspection", "检查"
    PUBLIC_OPINION = "public_opinion", "舆情"
    COLLATERAL = "collateral", "押品"
    GUARANTOR = "guarantor", "保证人"
    DILIGENCE = "diligence", "贷后尽职"
    MODEL = "model", "模型预警"
    MANUAL = "manual", "人工发起"


class SignalLevel(models.TextChoices):
    YELLOW = "yellow", "黄色"
    ORANGE = "orange", "橙色"
    RED = "red", "红色"


LEVEL_ORDER = {"yellow": 1, "orange": 2, "red": 3}


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
