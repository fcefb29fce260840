"""退出: verified when the balance is nil and no facility is active; failed past the deadline."""

from django.utils.translation import gettext_noop

from postloan.core.formats import yuan_text
from postloan.meetings.resolution_kinds.registry import (
    FAILED,
    UNPROVEN,
    VERIFIED,
    ZERO,
    ResolutionKind,
)


class Exit(ResolutionKind):
    code = "exit"
    label = gettext_noop("退出")
    order = 60
    facts = ("balance", "facility")
    keeps_facility = False  # 退出 also ends the facility; 提前收回 only the balance

    def judge(self, case):
        bal, as_of = case.balance, case.as_of
        if bal == ZERO and (self.keeps_facility or case.customer_id not in case.facts.facility):
            return VERIFIED, f"{as_of}用信余额为零" + (
                "" if self.keeps_facility else "且无有效授信"
            )
        if case.past_deadline:
            return FAILED, f"期限已过，{as_of}余额{yuan_text(bal)}"
        return UNPROVEN, f"{as_of}余额{yuan_text(bal)}"
