"""One vocabulary per enumeration: the classes, signal levels and rule families are
`risk/engine/vocabulary.py`'s, and the engine's registry, the Django choices, the catalogue and
the pages' labels all say the same (codes, order and Chinese words)."""

import re
from pathlib import Path

from postloan import contract
from postloan.portfolio.choices import LoanClass
from postloan.risk import catalogue
from postloan.risk import choices as ch
from postloan.risk.engine import registry, vocabulary
from postloan.web import labels
from postloan.web.templatetags import listing

SRC = Path(__file__).resolve().parents[2] / "src" / "postloan"


def _pairs(choices) -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in choices.choices]


def test_classes_are_the_contracts_in_one_order():
    assert [c for c, _ in vocabulary.CLASSES] == [c for c, _ in contract.CLASSES]
    assert _pairs(LoanClass) == list(vocabulary.CLASSES)
    assert ch.CLASS_ORDER == registry.CLASS_ORDER == contract.CLASS_ORDER == vocabulary.CLASS_ORDER
    assert {c: f"{label}类" for c, label in contract.CLASSES} == registry.CLASS_ZH


def test_levels_agree_everywhere():
    assert _pairs(ch.SignalLevel) == list(vocabulary.LEVELS)
    assert ch.LEVEL_ORDER == registry.LEVEL_ORDER == {"yellow": 1, "orange": 2, "red": 3}
    assert (
        registry.LEVEL_ZH
        == labels.LEVEL_LABELS
        == listing.SIGNAL_LABELS
        == dict(ch.SignalLevel.choices)
    )


def test_families_agree_with_the_rules_and_the_signal_choices():
    signal_families = dict(_pairs(ch.SignalFamily))
    assert signal_families.pop(vocabulary.MANUAL) == "人工发起"
    assert signal_families == {
        c: label for c, label in registry.FAMILY_ZH.items() if c != vocabulary.CLASSIFICATION
    }
    for meta in registry.META.values():
        assert meta.family in registry.FAMILY_ZH, meta.rule_id
        if meta.kind == "signal":
            assert meta.family in ch.SignalFamily.values, meta.rule_id
            assert meta.level in ch.SignalLevel.values, meta.rule_id
            assert catalogue.family_of(meta.rule_id) == meta.family
        else:
            assert meta.family == vocabulary.CLASSIFICATION
            assert meta.floor_class is None or meta.floor_class in ch.CLASS_ORDER


def test_the_catalogue_titles_are_the_registrys():
    titles = {m.rule_id: m.title_zh for m in registry.META.values() if m.kind == "signal"}
    assert {rid: title for rid, (_, title) in catalogue.signal_rules().items()} == titles
    assert titles["EW-DPD"] == "贷款逾期"
    offered = dict(catalogue.rule_choices())
    assert offered == {catalogue.MANUAL_RULE_ID: "人工发起（其他）"} | {
        rid: f"{title}（{rid}）" for rid, title in titles.items()
    }


def test_no_module_restates_a_vocabulary():
    """A dict or choices class spelling the levels or the families again fails here."""
    restated = re.compile(
        r'"yellow":\s*"黄色"|"repayment":\s*"还款"|\("repayment",\s*"还款"\)'
        r'|"normal":\s*"正常类"|REPAYMENT\s*=\s*"repayment"'
    )
    found = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if "migrations" not in p.parts
        and p.name != "vocabulary.py"
        and restated.search(p.read_text(encoding="utf-8"))
    ]
    assert found == []
