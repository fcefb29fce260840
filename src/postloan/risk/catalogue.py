"""The rule catalogue as the pages see it: id, family, level and article of every rule.

Read from the engine's registry when it is installed; the fallback lists the early-warning
rules of early-warning.md so manual signals and filters work before the first screening.
"""

from postloan.risk import choices as ch

FALLBACK_SIGNAL_RULES = {
    "EW-DPD-SHORT": ("repayment", "短期逾期（1–7天）"),
    "EW-DPD": ("repayment", "逾期"),
    "EW-MATURITY-FUNDS": ("repayment", "到期前账户资金不足"),
    "EW-INTEREST-FUNDS": ("repayment", "结息日账户资金不足"),
    "EW-RETURN-RATIO": ("account", "销售资金归行率下降"),
    "EW-INFLOW-DROP": ("account", "账户流入下降"),
    "EW-FUND-USE": ("account", "资金回流或挪用"),
    "EW-LARGE-OUTFLOW": ("account", "大额异常流出"),
    "EW-REVENUE-DROP": ("financial", "营业收入下降"),
    "EW-LEVERAGE": ("financial", "资产负债率偏高"),
    "EW-LIQUIDITY": ("financial", "流动比率偏低"),
    "EW-OCF-NEG": ("financial", "经营现金流连续为负"),
    "EW-TAX-DROP": ("financial", "开票金额下降"),
    "EW-CREDIT-OVERDUE": ("credit_report", "他行逾期或不良"),
    "EW-CREDIT-DEBT-JUMP": ("credit_report", "融资总额骤增"),
    "EW-GUARANTEES-GIVEN": ("credit_report", "对外担保过多"),
    "EW-LITIGATION": ("judicial", "涉诉、被执行或失信"),
    "EW-CONTROLLER": ("governance", "实际控制人异常"),
    "EW-POLICY": ("industry", "行业或区域政策影响"),
    "EW-INSPECTION": ("inspection", "检查发现问题"),
    "EW-NEWS": ("public_opinion", "负面舆情"),
    "EW-COLLATERAL-VALUE": ("collateral", "押品价值下降"),
    "EW-APPRAISAL-STALE": ("collateral", "押品估值过期"),
    "EW-GUARANTOR": ("guarantor", "保证人风险"),
    "EW-INSPECTION-OVERDUE": ("diligence", "检查逾期未做"),
}
MANUAL_RULE_ID = "EW-MANUAL"


def signal_rules() -> dict[str, tuple[str, str]]:
    """{rule_id: (family, title)} of every early-warning rule."""
    rules = dict(FALLBACK_SIGNAL_RULES)
    for meta in _engine_rules():
        rule_id = getattr(meta, "rule_id", None) or getattr(meta, "id", None)
        if rule_id and str(rule_id).startswith("EW-"):
            title = getattr(meta, "title_zh", None) or getattr(meta, "title", None)
            rules[rule_id] = (
                getattr(meta, "family", "manual"),
                title or rules.get(rule_id, ("", ""))[1],
            )
    return rules


def family_of(rule_id: str) -> str:
    family = signal_rules().get(rule_id, (ch.SignalFamily.MANUAL, ""))[0]
    return family if family in ch.SignalFamily.values else ch.SignalFamily.MANUAL


def rule_choices() -> list[tuple[str, str]]:
    rules = signal_rules()
    return [(MANUAL_RULE_ID, "人工发起（其他）")] + [
        (rule_id, f"{title}（{rule_id}）") for rule_id, (_, title) in sorted(rules.items())
    ]


def _engine_rules():
    try:
        from postloan.risk.engine.registry import META
    except ImportError:
        return []
    return [m for m in META.values() if getattr(m, "kind", "signal") == "signal"]
