"""The typed resolutions: which elements each needs, and how it reads in the minutes."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from postloan.core.formats import pct, punctuation, yuan_text
from postloan.meetings.choices import ResolutionType as T
from postloan.meetings.errors import MeetingError
from postloan.portfolio.choices import CLASS_LABELS


def _money(value, label) -> str | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", ""))
    except InvalidOperation as exc:
        raise MeetingError(f"{label}格式不正确") from exc
    if amount < 0:
        raise MeetingError(f"{label}不能为负数")
    return str(amount.quantize(Decimal("0.01")))


def _date(value, label) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise MeetingError(f"{label}格式不正确，应为YYYY-MM-DD") from exc


def clean_params(rtype: str, params: dict, text: str, deadline: dt.date) -> dict:
    """Validate a resolution's elements; return the normalised params (JSON-safe)."""
    p = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    if rtype == T.REDUCE_EXPOSURE:
        target = _money(p.get("target_balance"), "目标余额")
        if target is None:
            raise MeetingError("压缩信用余额须写明目标余额")
        return {
            "target_balance": target,
            "target_date": _date(p.get("target_date"), "压降日期") or deadline.isoformat(),
        }
    if rtype == T.ADD_COLLATERAL:
        amount = _money(p.get("amount"), "补充担保金额")
        guarantor = str(p.get("guarantor", "")).strip()
        if amount is None and not guarantor:
            raise MeetingError("补充担保须写明担保金额或保证人")
        out = {}
        if amount is not None:
            out["amount"] = amount
        if guarantor:
            out["guarantor"] = guarantor
        return out
    if rtype == T.TIGHTEN_MONITORING:
        out = {}
        if p.get("min_return_ratio") not in (None, ""):
            try:
                ratio = Decimal(str(p["min_return_ratio"]).rstrip("%"))
            except InvalidOperation as exc:
                raise MeetingError("最低归行率格式不正确") from exc
            if ratio > 1:
                ratio = ratio / 100
            if not 0 < ratio <= 1:
                raise MeetingError("最低归行率应在0到100%之间")
            out["min_return_ratio"] = str(ratio.quantize(Decimal("0.0001")))
        if p.get("review_frequency"):
            out["review_frequency"] = str(p["review_frequency"]).strip()
        if not out:
            raise MeetingError("加强资金账户监管须写明最低归行率或检查频率")
        return out
    if rtype == T.RECLASSIFY:
        new_class = p.get("new_class")
        if new_class not in CLASS_LABELS:
            raise MeetingError("调整分类须选择调整后的五级分类")
        return {"new_class": new_class}
    if rtype == T.OTHER and not text.strip():
        raise MeetingError("“其他”类决议须写明决议内容")
    if rtype not in T.values:
        raise MeetingError("决议类型不正确")
    return {}


def describe(resolution) -> str:
    p, label = resolution.params or {}, resolution.get_type_display()
    rtype = resolution.type
    if rtype == T.REDUCE_EXPOSURE:
        core = f"{label}：于{p.get('target_date')}前将信用余额压降至{yuan_text(p.get('target_balance'))}"
    elif rtype == T.ADD_COLLATERAL:
        bits = []
        if p.get("amount"):
            bits.append(f"金额不低于{yuan_text(p['amount'])}")
        if p.get("guarantor"):
            bits.append(f"保证人{p['guarantor']}")
        core = f"{label}（{'，'.join(bits)}）"
    elif rtype == T.TIGHTEN_MONITORING:
        bits = []
        if p.get("min_return_ratio"):
            bits.append(f"销售资金归行率不低于{pct(p['min_return_ratio'], 1)}")
        if p.get("review_frequency"):
            bits.append(f"检查频率：{p['review_frequency']}")
        core = f"{label}（{'，'.join(bits)}）"
    elif rtype == T.RECLASSIFY:
        core = f"{label}为{CLASS_LABELS.get(p.get('new_class'), '')}"
    else:
        core = label
    return punctuation(f"{core}{('。' + resolution.text.strip()) if resolution.text else ''}")
