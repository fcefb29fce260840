"""补充担保: verified by a guarantee not on the books at the decision (meeting the amount and
guarantor named); failed when the deadline passed without one."""

from decimal import Decimal

from django.utils.translation import gettext_noop

from postloan.core.formats import yuan_text
from postloan.meetings.errors import MeetingError
from postloan.meetings.resolution_kinds.registry import (
    FAILED,
    UNPROVEN,
    VERIFIED,
    ZERO,
    Param,
    ResolutionKind,
    money,
)


class AddCollateral(ResolutionKind):
    code = "add_collateral"
    label = gettext_noop("补充担保")
    order = 30
    params = (Param("amount", "补充担保金额（元）", "money"), Param("guarantor", "保证人"))
    facts = ("guarantees",)

    def clean(self, p, text, deadline):
        amount = money(p.get("amount"), "补充担保金额")
        guarantor = str(p.get("guarantor", "")).strip()
        if amount is None and not guarantor:
            raise MeetingError("补充担保须写明担保金额或保证人")
        out = {}
        if amount is not None:
            out["amount"] = amount
        if guarantor:
            out["guarantor"] = guarantor
        return out

    def wording(self, p):
        return self.with_details(
            p.get("amount") and f"金额不低于{yuan_text(p['amount'])}",
            p.get("guarantor") and f"保证人{p['guarantor']}",
        )

    def judge(self, case):
        res, p = case.res, case.params
        before = set((res.baseline or {}).get("guarantee_ids", []))
        new = [g for g in case.facts.guarantees.get(case.customer_id, []) if g["id"] not in before]
        if p.get("guarantor"):
            new = [g for g in new if p["guarantor"] in g["guarantor"] or not g["guarantor"]]
        total = sum((g["amount"] or ZERO for g in new), ZERO)
        if new and total >= Decimal(p.get("amount") or "0"):
            ids = "、".join(g["id"] for g in new)
            return VERIFIED, f"新增担保{ids}，担保金额合计{yuan_text(total)}"
        if case.past_deadline:
            return FAILED, f"期限{res.deadline}已过，未见符合要求的新增担保"
        return UNPROVEN, "尚未见新增担保记录"
