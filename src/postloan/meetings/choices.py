"""The meeting's vocabulary, with the bank's Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy

from postloan.meetings.resolution_kinds import registry as resolution_kinds


class MemberRole(models.TextChoices):
    CHAIR = "chair", gettext_lazy("主任委员")
    VICE_CHAIR = "vice_chair", gettext_lazy("副主任委员")
    DEPARTMENT = "department", gettext_lazy("部门委员")
    INDIVIDUAL = "individual", gettext_lazy("个人委员")


class QualificationBasis(models.TextChoices):
    EXPERIENCE = "experience", gettext_lazy("五年以上信贷或相关业务经验")
    APPROVER = "approver", gettext_lazy("独立审批人")
    REVIEWER = "reviewer", gettext_lazy("专职审议人")
    EMBEDDED_RISK = "embedded_risk", gettext_lazy("派驻风险主管（派驻风险经理）")


# Which staff position proves which post-based qualification.
BASIS_POSITIONS = {
    QualificationBasis.APPROVER: {"approver"},
    QualificationBasis.REVIEWER: {"reviewer"},
    QualificationBasis.EMBEDDED_RISK: {"risk_manager"},
}


class MeetingKind(models.TextChoices):
    MONTHLY = "monthly", gettext_lazy("月度例会")
    QUARTERLY = "quarterly", gettext_lazy("季度例会")
    AD_HOC = "ad_hoc", gettext_lazy("临时例会")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", gettext_lazy("已安排")
    NOTICED = "noticed", gettext_lazy("已通知")
    IN_PROGRESS = "in_progress", gettext_lazy("会议进行中")
    HELD = "held", gettext_lazy("已召开待签署")
    SIGNED = "signed", gettext_lazy("已签署")
    CANCELLED = "cancelled", gettext_lazy("已取消")


class Reason(models.TextChoices):
    LARGE_CREDIT = "large_credit", gettext_lazy("授信1000万元（含）以上")
    NON_PERFORMING = "non_performing", gettext_lazy("不良贷款客户")
    RISK_SIGNAL = "risk_signal", gettext_lazy("橙色/红色预警信号未消除")
    INSPECTION_FINDING = "inspection_finding", gettext_lazy("内外部检查发现重大问题")
    POLICY_IMPACT = "policy_impact", gettext_lazy("受行业或区域政策影响较大")
    OPEN_RESOLUTION = "open_resolution", gettext_lazy("前次例会决议尚未执行完毕")
    QUARTERLY_REVIEW = "quarterly_review", gettext_lazy("季度审议（授信1000万元以下）")
    MANUAL = "manual", gettext_lazy("风险部门增补")


REASON_ORDER = [r.value for r in Reason]


class AgendaChangeKind(models.TextChoices):
    ADD = "add", gettext_lazy("增加")
    DROP = "drop", gettext_lazy("撤下")


class NotificationKind(models.TextChoices):
    NOTICE = "notice", gettext_lazy("会议通知")
    AGENDA_CHANGE = "agenda_change", gettext_lazy("议程变更")
    REMINDER = "reminder", gettext_lazy("决议到期提醒")
    ESCALATION = "escalation", gettext_lazy("决议逾期报告主任委员")
    LEAVE = "leave", gettext_lazy("请假审批")


class RecipientRole(models.TextChoices):
    MEMBER = "member", gettext_lazy("委员")
    ACCOUNT_MANAGER = "account_manager", gettext_lazy("客户经理")
    RISK_HEAD = "risk_head", gettext_lazy("风险部门负责人")
    RISK_MANAGER = "risk_manager", gettext_lazy("风险经理")
    RESPONSIBLE = "responsible", gettext_lazy("决议责任人")
    CHAIR = "chair", gettext_lazy("主任委员")


class LeaveStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("待审批")
    APPROVED = "approved", gettext_lazy("已准假")
    REJECTED = "rejected", gettext_lazy("不准假")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", gettext_lazy("待提交")
    SUBMITTED = "submitted", gettext_lazy("已提交")


class DecisionMethod(models.TextChoices):
    CONSENSUS = "consensus", gettext_lazy("一致同意")
    VOTE = "vote", gettext_lazy("表决")


class ItemOutcome(models.TextChoices):
    PENDING = "pending", gettext_lazy("待审议")
    ADOPTED = "adopted", gettext_lazy("已形成决议")
    NOT_ADOPTED = "not_adopted", gettext_lazy("未通过")
    DEFERRED = "deferred", gettext_lazy("暂缓审议")


# The resolution types are a registry, one module each (`meetings/resolution_kinds/`); this is
# their vocabulary (ResolutionType.STOP_NEW_CREDIT == "stop_new_credit", label "停止新增用信").
ResolutionType = models.TextChoices(
    "ResolutionType",
    [(code.upper(), (code, label)) for code, label in resolution_kinds.choices()],
)


class ResolutionStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("执行中")
    VERIFIED = "verified", gettext_lazy("已核实执行")
    CLAIMED = "claimed", gettext_lazy("已报告执行（待数据核实）")
    OVERDUE = "overdue", gettext_lazy("已逾期")
    FAILED = "failed", gettext_lazy("未执行到位")


# Statuses that keep the customer on the next agenda (open_resolution).
UNFINISHED = (ResolutionStatus.OPEN, ResolutionStatus.OVERDUE, ResolutionStatus.FAILED)


class SignRole(models.TextChoices):
    PRESIDER = "presider", gettext_lazy("会议主持人")
    PRESIDENT = "president", gettext_lazy("行长（主任委员）")


REPORT_ITEMS = (
    ("legality", "持续经营的合法性"),
    ("operations", "生产经营状况"),
    ("fund_flows", "资金进出情况"),
    ("return_ratio", "销售资金归行率"),
    ("financials", "财务分析"),
    ("credit_report", "征信动态"),
    ("controller", "实际控制人现状"),
    ("prospects", "发展前景"),
    ("guarantor_operations", "担保人生产经营状况"),
    ("guarantee_capacity", "担保能力的变化"),
    ("collateral_trend", "抵、质押物评估价与市场价格的变动趋势"),
    ("signals", "现场检查和在线监控所发现风险信号的处理情况"),
    ("measures", "建议采取的风险化解措施"),
)
REPORT_ITEM_LABELS = dict(REPORT_ITEMS)

AGENDA_SECTIONS = (
    ("quality_report", "一、全行近期信贷资产质量整体报告"),
    ("customer_reports", "二、客户经理按户汇报"),
    ("risk_findings", "三、风险经理通报贷后检查、预警发现的问题及整改要求"),
    ("execution_report", "四、前次例会决议执行情况"),
    ("chair_summary", "五、主任委员总结"),
)


class ExitSource(models.TextChoices):
    """How a customer came onto the 潜在风险客户退出名单 (d2)."""

    RESOLUTION = "resolution", gettext_lazy("例会决议")
    RISK_DECISION = "risk_decision", gettext_lazy("风险部门决定")


class ExitStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", gettext_lazy("退出中")
    OVERDUE = "overdue", gettext_lazy("逾期未退出")
    EXITED = "exited", gettext_lazy("已退出")
    CANCELLED = "cancelled", gettext_lazy("已撤销")


OPEN_EXIT = (ExitStatus.IN_PROGRESS, ExitStatus.OVERDUE)
