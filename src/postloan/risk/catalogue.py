"""The rule catalogue as the pages see it: id, family and title of every early-warning rule,
read from the engine's registry (`risk/engine/registry.py`)."""

from postloan.risk import choices as ch
from postloan.risk.engine.registry import META

MANUAL_RULE_ID = "EW-MANUAL"
MODEL_RULE_ID = "EW-MODEL"  # the default-probability model (forecast), monthly


def signal_rules() -> dict[str, tuple[str, str]]:
    """{rule_id: (family, title)} of every early-warning rule."""
    return {m.rule_id: (m.family, m.title_zh) for m in META.values() if m.kind == "signal"}


def family_of(rule_id: str) -> str:
    family = signal_rules().get(rule_id, (ch.SignalFamily.MANUAL, ""))[0]
    return family if family in ch.SignalFamily.values else ch.SignalFamily.MANUAL


def rule_choices() -> list[tuple[str, str]]:
    rules = signal_rules()
    return [(MANUAL_RULE_ID, "人工发起（其他）")] + [
        (rule_id, f"{title}（{rule_id}）") for rule_id, (_, title) in sorted(rules.items())
    ]
