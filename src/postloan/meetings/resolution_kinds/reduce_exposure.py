"""压缩信用余额: verified once the balance is at or below the target; failed when the target date
has passed with the balance above it."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_noop

from postloan.core.formats import yuan_text
from postloan.meetings.errors import MeetingError
from postloan.meetings.resolution_kinds.registry import (
    FAILED,
    UNPROVEN,
    VERIFIED,
    Param,
    ResolutionKind,
    date,
    money,
)


class ReduceExposure(ResolutionKind):
    code = "reduce_exposure"
    label = gettext_noop("压缩信用余额")
    order = 20
    params = (
        Param("target_balance", "目标余额（元）", "money"),
        Param("target_date", "压降日期", "date"),
    )
    facts = ("balance",)

    def clean(self, p, text, deadline):
        target = money(p.get("target_balance"), "目标余额")
        if target is None:
            raise MeetingError("压缩信用余额须写明目标余额")
        return {
            "target_balance": target,
            "target_date": date(p.get("target_date"), "压降日期") or deadline.isoformat(),
        }

    def wording(self, p):
        return f"{self.label}：于{p.get('target_date')}前将信用余额压降至{yuan_text(p.get('target_balance'))}"

    def judge(self, case):
        p, as_of, bal = case.params, case.as_of, case.balance
        target = Decimal(p["target_balance"])
        target_date = dt.date.fromisoformat(p.get("target_date") or case.res.deadline.isoformat())
        if bal <= target:
            return VERIFIED, f"{as_of}余额{yuan_text(bal)}，已压降至目标{yuan_text(target)}以内"
        if as_of > target_date:
            return (
                FAILED,
                f"压降期限{target_date}已过，{as_of}余额{yuan_text(bal)}仍高于目标{yuan_text(target)}",
            )
        return UNPROVEN, f"{as_of}余额{yuan_text(bal)}，目标{yuan_text(target)}"
