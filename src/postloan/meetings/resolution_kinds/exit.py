"""退出: verified when the balance is nil and no facility is active; failed past the deadline.

The resolution puts the customer on the 潜在风险客户退出名单 (`meetings.exits`) with its target
date (default: the deadline) and the amount to recover (default: the balance when decided);
the list follows the balance, the limits and the guarantees day by day."""

from django.utils.translation import gettext_noop

from postloan.core.formats import yuan_text
from postloan.meetings.resolution_kinds.registry import (
    FAILED,
    UNPROVEN,
    VERIFIED,
    ZERO,
    Param,
    ResolutionKind,
    date,
    money,
)


class Exit(ResolutionKind):
    code = "exit"
    label = gettext_noop("退出")
    order = 60
    params = (
        Param("exit_amount", "计划收回金额（元）", "money"),
        Param("exit_date", "目标退出日期", "date"),
    )
    facts = ("balance", "facility")
    keeps_facility = False  # 退出 also ends the facility; 提前收回 only the balance

    def clean(self, p, text, deadline):
        cleaned = {}
        amount = money(p.get("exit_amount"), "计划收回金额")
        if amount is not None:
            cleaned["exit_amount"] = amount
        when = date(p.get("exit_date"), "目标退出日期")
        if when is not None:
            cleaned["exit_date"] = when
        return cleaned

    def wording(self, p):
        if not p:
            return super().wording(p)
        return self.with_details(
            f"于{p['exit_date']}前退出" if p.get("exit_date") else "",
            f"收回{yuan_text(p['exit_amount'])}" if p.get("exit_amount") else "",
        )

    def judge(self, case):
        bal, as_of = case.balance, case.as_of
        if bal == ZERO and (self.keeps_facility or case.customer_id not in case.facts.facility):
            return VERIFIED, f"{as_of}用信余额为零" + (
                "" if self.keeps_facility else "且无有效授信"
            )
        if case.past_deadline:
            return FAILED, f"期限已过，{as_of}余额{yuan_text(bal)}"
        return UNPROVEN, f"{as_of}余额{yuan_text(bal)}"
