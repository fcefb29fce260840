"""The words of 停复牌: indicators, alert and suspension states, product lines."""

from django.db import models
from django.utils.translation import gettext_lazy

from postloan import contract


class AlertStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("未解除")
    CLEARED = "cleared", gettext_lazy("已解除")


class SuspensionStatus(models.TextChoices):
    PROPOSED = "proposed", gettext_lazy("停牌待审批")
    SUSPENDED = "suspended", gettext_lazy("已停牌")
    RESUME_PROPOSED = "resume_proposed", gettext_lazy("复牌待审批")
    RESUMED = "resumed", gettext_lazy("已复牌")
    WITHDRAWN = "withdrawn", gettext_lazy("已撤回")


IN_FORCE = (SuspensionStatus.SUSPENDED, SuspensionStatus.RESUME_PROPOSED)
OPEN_SUSPENSION = (SuspensionStatus.PROPOSED, *IN_FORCE)

ALL_PRODUCTS = "all"
PRODUCT_LINES = [
    (ALL_PRODUCTS, gettext_lazy("全部产品")),
    *((code, gettext_lazy(label)) for code, label in contract.PRODUCTS),
]


INDICATOR_LABELS = (
    ("npl_ratio", gettext_lazy("不良贷款率")),
    ("new_npl_ratio", gettext_lazy("近12个月新发放贷款不良率")),
    ("overdue_rate", gettext_lazy("逾期贷款率")),
    ("signals_on_time", gettext_lazy("预警信号按时处置率")),
    ("inspections_on_time", gettext_lazy("贷后检查按时完成率")),
    ("resolution_rate", gettext_lazy("例会决议执行率")),
    ("new_business_suspended", gettext_lazy("停牌期间新发放贷款笔数")),
)
