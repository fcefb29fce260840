"""The refusal of a class better than the floor cites every rule at the binding class, in the
regulation's order, with the regulation named once."""

from types import SimpleNamespace

from postloan.risk.floors import binding_floor, floor_class, floor_violation


def _assessment(*floors):
    return SimpleNamespace(floors=[{"rule_id": r, "floor_class": c} for r, c in floors])


def test_it_cites_every_binding_rule_in_the_regulations_order():
    a = _assessment(
        ("CLS-LOSS-ECL90", "loss"), ("CLS-LOSS-DPD360", "loss"), ("CLS-SM-DPD", "special_mention")
    )
    message = floor_violation(a, "normal")
    assert message.startswith("不能认定为正常类：《商业银行金融资产风险分类办法》第十二条（一）")
    assert "第十二条（三）" in message and message.count("《商业银行金融资产风险分类办法》") == 1
    assert "关注" not in message and "?" not in message
    assert binding_floor(a)["rule_id"] == "CLS-LOSS-DPD360" and floor_class(a) == "loss"


def test_it_allows_the_floor_and_worse_and_the_waiver_lifts_only_short_dpd():
    a = _assessment(("CLS-SM-DPD", "special_mention"))
    assert floor_violation(a, "special_mention") is None
    assert floor_violation(a, "substandard") is None
    assert "关注类" in floor_violation(a, "normal")
    assert floor_violation(a, "normal", waived=True) is None
    both = _assessment(("CLS-SM-DPD", "special_mention"), ("CLS-SM-MISUSE", "special_mention"))
    assert "至少归为关注类" in floor_violation(both, "normal", waived=True)


def test_it_has_no_floor_without_rules():
    assert floor_violation(_assessment(), "normal") is None
    assert binding_floor(_assessment()) is None and floor_class(_assessment()) == "normal"
