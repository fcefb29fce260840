"""采取法律措施: verified by a litigation event after the decision (or a recorded filing)."""

from django.utils.translation import gettext_noop

from postloan.meetings.resolution_kinds.registry import UNPROVEN, VERIFIED, ResolutionKind


class LegalAction(ResolutionKind):
    code = "legal_action"
    label = gettext_noop("采取法律措施")
    order = 50
    facts = ("litigation",)

    def judge(self, case):
        filed = case.facts.litigation.get(case.customer_id)
        if filed and filed >= case.res.decided_on:
            return VERIFIED, f"{filed}已有涉诉事件记录"
        return UNPROVEN, "尚未见诉讼记录"
