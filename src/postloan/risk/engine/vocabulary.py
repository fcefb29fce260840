"""The risk vocabulary, once: the five classes, the signal levels and the rule families, each as
(code, Chinese) pairs in their order. Pure Python (the engine may not import Django); the rule
registry (`registry.py`), the Django choices (`risk/choices.py`, labels through gettext_lazy),
the catalogue and the pages derive everything from here.

The classes' codes and short words (正常 … 损失) are the data contract's (`contract.CLASSES`);
a reason that cites the regulation names a class as the regulation does (正常类 … 损失类).
"""

from postloan import contract

CLASSES: tuple[tuple[str, str], ...] = tuple(contract.CLASSES)  # normal … loss, best first
CLASS_ORDER: dict[str, int] = {code: i for i, (code, _) in enumerate(CLASSES)}
CLASS_LABELS: dict[str, str] = dict(CLASSES)  # 正常, 关注 … (the data's words)
CLASS_ZH: dict[str, str] = {code: f"{label}类" for code, label in CLASSES}  # 正常类 … (the rule's)

LEVELS: tuple[tuple[str, str], ...] = (("yellow", "黄色"), ("orange", "橙色"), ("red", "红色"))
LEVEL_ORDER: dict[str, int] = {code: i for i, (code, _) in enumerate(LEVELS, start=1)}
LEVEL_ZH: dict[str, str] = dict(LEVELS)

CLASSIFICATION = "classification"  # the floors' family (not a signal's)
MANUAL = "manual"  # a signal raised by a person, not by a rule
MODEL = "model"  # EW-MODEL: the predictive model's advice (postloan.forecast), not a rule
# The families of the engine's rules, in the risk view's order (the floors' family first).
RULE_FAMILIES: tuple[tuple[str, str], ...] = (
    (CLASSIFICATION, "五级分类"),
    ("repayment", "还款"),
    ("account", "账户资金"),
    ("financial", "财务"),
    ("credit_report", "征信"),
    ("judicial", "司法"),
    ("governance", "公司治理"),
    ("industry", "行业/区域"),
    ("inspection", "检查"),
    ("public_opinion", "舆情"),
    ("collateral", "押品"),
    ("guarantor", "保证人"),
    ("diligence", "贷后尽职"),
    ("covenant", "审批条件"),
)
FAMILY_ZH: dict[str, str] = dict(RULE_FAMILIES) | {MODEL: "模型预警"}
# A signal's family: every rule family but the floors', and the person's.
SIGNAL_FAMILIES: tuple[tuple[str, str], ...] = tuple(
    (code, label) for code, label in RULE_FAMILIES if code != CLASSIFICATION
) + ((MODEL, "模型预警"), (MANUAL, "人工发起"))
