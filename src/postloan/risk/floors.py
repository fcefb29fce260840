"""The regulation's objective minimums as a person deciding a class meets them.

Every screening stores, per loan and date, the rules that fired with the floor each sets
(`LoanAssessment.floors`). A 认定 — by the risk department or by the meeting — may never be
better than the worst of them (classification.md: floors are "at least" classes).
"""

from postloan.risk import choices as ch
from postloan.risk.engine.registry import CLASS_ZH, META, REGULATION


def class_rank(code: str) -> int:
    """normal 0 … loss 4; an unknown or empty code ranks as normal."""
    return ch.CLASS_ORDER.get(code or "", 0)


def worst(*codes: str) -> str:
    """The worst of some classes (empty codes ignored); normal when none is given."""
    present = [c for c in codes if c]
    return max(present, key=class_rank) if present else ch.LoanClass.NORMAL


def binding_floor(assessment) -> dict | None:
    """The floor entry that binds (the worst; of equals the first in the regulation), or None."""
    binding = _binding(assessment.floors or [])
    return binding[0] if binding else None


def floor_class(assessment) -> str:
    """The worst class the rules that fired allow for this loan on this date."""
    entry = binding_floor(assessment)
    return entry["floor_class"] if entry else ch.LoanClass.NORMAL


def floor_citation(entry: dict) -> str:
    """《商业银行金融资产风险分类办法》第十二条（一）：… 至少归为损失类 — for a refusal message."""
    meta = META.get(entry.get("rule_id", ""))
    title = meta.title_zh if meta else entry.get("reason", "")
    article = meta.article if meta else ""
    source = f"{REGULATION}{article}：" if article.startswith("第") else ""
    return f"{source}{title}，至少归为{CLASS_ZH.get(entry['floor_class'], entry['floor_class'])}"


def floor_violation(assessment, chosen_class: str, *, waived: bool = False) -> str | None:
    """The refusal, in Chinese naming the rule, when `chosen_class` is better than the floor.

    `waived` is the DPD 1–7 technical waiver: it lifts only the CLS-SM-DPD floor.
    """
    entries = assessment.floors or []
    if waived:
        entries = [f for f in entries if f.get("rule_id") != "CLS-SM-DPD"]
    binding = _binding(entries)
    if not binding or class_rank(chosen_class) >= class_rank(binding[0]["floor_class"]):
        return None
    cited = "；".join(
        floor_citation(entry).replace(REGULATION, "", 1 if i else 0)
        for i, entry in enumerate(binding)
    )
    return f"不能认定为{CLASS_ZH.get(chosen_class, chosen_class)}：{cited}"


_RULE_ORDER = {rule_id: i for i, rule_id in enumerate(META)}


def _binding(entries: list[dict]) -> list[dict]:
    """The floor entries at the worst class, in the registry's (the regulation's) order."""
    entries = [f for f in entries if f.get("floor_class")]
    if not entries:
        return []
    top = max(class_rank(f["floor_class"]) for f in entries)
    return sorted(
        (f for f in entries if class_rank(f["floor_class"]) == top),
        key=lambda f: _RULE_ORDER.get(f.get("rule_id", ""), len(_RULE_ORDER)),
    )
