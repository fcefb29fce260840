"""加强资金账户监管: at the deadline, 销售资金归行率 since the decision ≥ the minimum → verified,
else failed; without a minimum ratio it needs the person's claim."""

from decimal import Decimal

from django.utils.translation import gettext_noop

from postloan.core.formats import pct
from postloan.meetings.errors import MeetingError
from postloan.meetings.resolution_kinds.registry import (
    FAILED,
    UNPROVEN,
    VERIFIED,
    Param,
    ResolutionKind,
    ratio,
)


class TightenMonitoring(ResolutionKind):
    code = "tighten_monitoring"
    label = gettext_noop("加强资金账户监管")
    order = 40
    params = (
        Param("min_return_ratio", "最低销售资金归行率（%）", "ratio"),
        Param("review_frequency", "检查频率"),
    )
    facts = ("return_ratio_since",)

    def clean(self, p, text, deadline):
        out = {}
        minimum = ratio(p.get("min_return_ratio"), "最低归行率")
        if minimum is not None:
            out["min_return_ratio"] = minimum
        if p.get("review_frequency"):
            out["review_frequency"] = str(p["review_frequency"]).strip()
        if not out:
            raise MeetingError("加强资金账户监管须写明最低归行率或检查频率")
        return out

    def wording(self, p):
        return self.with_details(
            p.get("min_return_ratio") and f"销售资金归行率不低于{pct(p['min_return_ratio'], 1)}",
            p.get("review_frequency") and f"检查频率：{p['review_frequency']}",
        )

    def judge(self, case):
        res, p = case.res, case.params
        if not p.get("min_return_ratio"):
            return super().judge(case)
        got = case.facts.return_ratio_since(case.customer_id, res.decided_on)
        minimum = Decimal(p["min_return_ratio"])
        shown = pct(got, 1) if got is not None else "无法计算（无开票数据）"
        if case.as_of >= res.deadline and got is not None:
            if got >= minimum:
                return VERIFIED, f"决议以来销售资金归行率{shown}，达到{pct(minimum, 1)}"
            return FAILED, f"决议以来销售资金归行率{shown}，低于{pct(minimum, 1)}"
        return UNPROVEN, f"决议以来销售资金归行率{shown}"
