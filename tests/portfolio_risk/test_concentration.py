"""Concentration and group exposure on the hand-made bank (balances on 2026-10-31):
C001 4,000,000 · C002 150,000 (retail) · C003 3,000,000 · C004 2,500,000 · C005 1,500,000;
甲集团 = C001 + C004 + C005 (C005 through related_parties) = 8,000,000; total 11,150,000."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from postloan.core.models import AuditEvent
from postloan.portfolio_risk import actions
from postloan.portfolio_risk.concentration import concentration, group_view
from postloan.portfolio_risk.limits import current_limits
from postloan.portfolio_risk.models import PortfolioSignal
from postloan.risk.models import LoanAssessment
from tests.factories import AS_OF

D = Decimal


def at():
    return LoanAssessment.objects.filter(as_of=AS_OF)


def test_one_exposure_per_group_and_no_capital_ratios_without_net_capital(group_bank):
    c = concentration(at(), AS_OF, current_limits())
    assert c.total == D("11150000.00")
    g = c.largest_group
    assert (g.key, g.label, g.balance, g.members) == ("G01", "甲集团", D("8000000.00"), 3)
    assert g.share == D("0.7175") and g.of_capital is None
    assert c.largest_customer.key == "C001" and c.largest_customer.of_capital is None
    assert c.top10_balance == D("11150000.00")
    indicators = {i["key"]: i for i in c.indicators()}
    assert indicators["single_group"]["value"] is None
    assert indicators["single_group"]["breached"] is None
    # Corporate loans by GB/T 4754 section: C 制造业 5.5 m of 11 m, F 3 m, G 2.5 m.
    assert [(e.key, e.share) for e in c.industries] == [
        ("C", D("0.5000")),
        ("F", D("0.2727")),
        ("G", D("0.2273")),
    ]
    assert c.industry_hhi == D("0.3760")  # 0.25 + 0.0744 + 0.0517 (4 places each)
    assert {b.rule_id for b in c.breaches} == {
        "concentration.industry_share",
        "concentration.industry_hhi",
        "concentration.region_share",
        "concentration.region_hhi",
    }  # the shares need no capital; nothing against capital is claimed


def test_limits_are_versioned_audited_and_refused_when_wrong(group_bank):
    rm = group_bank.users["rm_branch"]
    with pytest.raises(PermissionDenied):
        actions.update_limits({"net_capital": "50000000"}, "年报", group_bank.users["am_zhang"])
    with pytest.raises(ValidationError) as e:
        actions.update_limits({"net_capital": "五千万", "single_group_max": "1.5"}, "年报", rm)
    assert set(e.value.message_dict) == {"net_capital", "single_group_max"}
    with pytest.raises(ValidationError):
        actions.update_limits({"net_capital": "50000000"}, " ", rm)
    v = actions.update_limits({"net_capital": "50,000,000"}, "2025年报资本净额", rm)
    assert v.version == 1 and current_limits().net_capital == D("50000000.00")
    event = AuditEvent.objects.get(action="portfolio_risk.update_limits")
    assert event.before == {"net_capital": None} and event.after == {"net_capital": "50000000.00"}
    assert event.reason == "2025年报资本净额"


def test_breaches_become_portfolio_signals_and_are_released_when_gone(group_bank):
    rm = group_bank.users["rm_branch"]
    # Net capital 40 m: 甲集团 8 m = 20% > 15%; C001 4 m = 10% (not above 10%); top 10 27.9%.
    actions.update_limits(
        {
            "net_capital": "40000000",
            "industry_share_max": "0.9",
            "region_share_max": "1",
            "industry_hhi_max": "0.9",
            "region_hhi_max": "1",
        },
        "设定",
        rm,
    )
    message = actions.run_monitoring(AS_OF)
    s = PortfolioSignal.objects.get()
    assert (s.rule_id, s.subject_key, s.status) == ("concentration.single_group", "G01", "open")
    assert s.value == D("0.2000") and s.limit == D("0.15")
    assert "单一集团客户授信集中度 20.00%" in s.summary and "3 户成员" in s.summary
    assert "新增 1 条" in message
    assert "新增 0 条，持续 1 条" in actions.run_monitoring(AS_OF)
    actions.update_limits({"net_capital": "60000000"}, "资本补充", rm)  # 13.3% now
    assert "消除 1 条" in actions.run_monitoring(AS_OF)
    s.refresh_from_db()
    assert (s.status, s.released_on) == ("released", AS_OF)
    assert AuditEvent.objects.filter(action="portfolio_risk.monitor").count() == 3


def test_the_customer_360_group_lists_members_with_their_classes(group_bank):
    view = group_view("C005", at())  # a linked subsidiary finds its group
    assert (view.group_id, view.name, view.total) == ("G01", "甲集团", D("8000000.00"))
    assert [(m["customer_id"], m["balance"], m["linked"]) for m in view.members] == [
        ("C001", D("4000000.00"), False),
        ("C004", D("2500000.00"), False),
        ("C005", D("1500000.00"), True),
    ]
    assert {m["worst"] for m in view.members} == {"normal"}
    assert group_view("C003", at()) is None
