"""停止新增用信: failed on any loan or disbursement after the decision; verified at the deadline."""

from django.utils.translation import gettext_noop

from postloan.meetings.resolution_kinds.registry import FAILED, VERIFIED, ResolutionKind


class StopNewCredit(ResolutionKind):
    code = "stop_new_credit"
    label = gettext_noop("停止新增用信")
    order = 10
    facts = ("last_loan", "last_disb")

    def judge(self, case):
        res, cid = case.res, case.customer_id
        new = [
            d
            for d in (case.facts.last_loan.get(cid), case.facts.last_disb.get(cid))
            if d and d > res.decided_on
        ]
        if new:
            return FAILED, f"决议后仍有新增用信（{max(new)}）"
        if case.as_of >= res.deadline:
            return VERIFIED, f"决议日至{case.as_of}无新增借据或放款"
        return None, f"决议日至{case.as_of}无新增借据或放款，观察至{res.deadline}"
