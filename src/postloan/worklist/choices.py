"""Enumerations of post-loan work, with the Chinese labels the users see."""

from django.db import models
from django.utils.translation import gettext_lazy


class InspectionKind(models.TextChoices):
    SCHEDULED = "scheduled", gettext_lazy("定期检查")
    FIRST_FOLLOWUP = "first_followup", gettext_lazy("首次跟踪检查")
    ADHOC = "adhoc", gettext_lazy("临时检查（红色预警）")


class InspectionMode(models.TextChoices):
    ON_SITE = "on_site", gettext_lazy("现场检查")
    OFF_SITE = "off_site", gettext_lazy("非现场检查")


class Conclusion(models.TextChoices):
    NORMAL = "normal", gettext_lazy("正常")
    WATCH = "watch", gettext_lazy("关注")
    DETERIORATED = "deteriorated", gettext_lazy("恶化")


class ItemStatus(models.TextChoices):
    NORMAL = "normal", gettext_lazy("正常")
    WATCH = "watch", gettext_lazy("关注")
    PROBLEM = "problem", gettext_lazy("异常")


# The check items of a bank's 贷后检查表 (code, label).
CHECK_ITEMS: list[tuple[str, str]] = [
    ("legality", "持续经营的合法性（证照、年检、环保）"),
    ("operations", "生产经营状况（产销、库存、订单）"),
    ("finance", "财务状况（收入、利润、负债、现金流）"),
    ("fund_use", "贷款资金使用情况（是否按约定用途）"),
    ("account_flows", "账户资金往来与销售资金归行"),
    ("repayment", "还本付息情况"),
    ("credit_report", "征信动态（他行逾期、对外担保）"),
    ("controller", "实际控制人及高管现状"),
    ("guarantor", "保证人经营状况与担保能力"),
    ("collateral", "抵质押物状况（存续、价值、保管、登记）"),
    ("external", "涉诉、被执行、负面舆情等外部信息"),
    ("policy", "行业与区域政策影响"),
]


class TaskKind(models.TextChoices):
    MATURITY_NOTICE = "maturity_notice", gettext_lazy("到期贷款催收函")
    MATURITY_FUNDS = "maturity_funds", gettext_lazy("到期前3日资金落实")
    BILL_FUNDS = "bill_funds", gettext_lazy("承兑汇票到期前3日敞口资金落实")
    INTEREST_FUNDS = "interest_funds", gettext_lazy("结息日资金落实")
    GUARANTEE_LETTER = "guarantee_letter", gettext_lazy("保函到期收回正本")


FUNDS_TASKS = {TaskKind.MATURITY_FUNDS, TaskKind.BILL_FUNDS, TaskKind.INTEREST_FUNDS}


class CaseStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("催收中")
    CLOSED = "closed", gettext_lazy("已结案")


class CaseOutcome(models.TextChoices):
    REPAID = "repaid", gettext_lazy("已全额清收")
    RESTRUCTURED = "restructured", gettext_lazy("重组/展期")
    LEGAL = "legal", gettext_lazy("转诉讼")
    WRITTEN_OFF = "written_off", gettext_lazy("核销")
    OTHER = "other", gettext_lazy("其他")


class ActionKind(models.TextChoices):
    PHONE = "phone", gettext_lazy("电话催收")
    VISIT = "visit", gettext_lazy("上门催收")
    LETTER = "letter", gettext_lazy("发送催收函")
    LEGAL = "legal", gettext_lazy("法律措施")


class PromiseStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("待兑现")
    KEPT = "kept", gettext_lazy("已兑现")
    BROKEN = "broken", gettext_lazy("未兑现")


class UnassignedReason(models.TextChoices):
    """人户合一: why a customer with an asset is flagged (d2: 持证上岗)."""

    NO_MANAGER = "no_manager", gettext_lazy("未分配客户经理")
    UNCERTIFIED = "uncertified", gettext_lazy("客户经理无有效资格证书")


class FollowUpKind(models.TextChoices):
    COVENANT = "covenant", gettext_lazy("审批条件落实确认")
    CREDIT_FILE = "credit_file", gettext_lazy("信贷档案补齐")


class FollowUpOutcome(models.TextChoices):
    MET = "met", gettext_lazy("达标")
    BREACHED = "breached", gettext_lazy("违约")
    FILED = "filed", gettext_lazy("已补齐归档")


class CovenantState(models.TextChoices):
    MET = "met", gettext_lazy("达标")
    BREACHED = "breached", gettext_lazy("违约")
    TO_CONFIRM = "to_confirm", gettext_lazy("待确认")
    NOT_DUE = "not_due", gettext_lazy("未到期")
