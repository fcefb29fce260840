"""EW-COVENANT on the hand-made bank: each testable condition judged from the engine's figures."""

import datetime as dt

import pytest

from postloan.risk.actions.screening import run_screening
from postloan.risk.models import Signal
from postloan.web.labels import evidence_lines
from tests.d1.helpers import add_covenants
from tests.factories import AS_OF


@pytest.fixture
def covenant_bank(bank):
    add_covenants(bank)
    run_screening(AS_OF)
    return bank


def _breached(signal) -> set[str]:
    return {c["covenant_id"] for c in signal.evidence["covenants"]}


@pytest.mark.django_db
def test_breached_conditions_raise_a_signal_per_customer_and_loan(covenant_bank):
    signals = {(s.customer_id, s.loan_id): s for s in Signal.objects.filter(rule_id="EW-COVENANT")}
    assert set(signals) == {("C001", "L001"), ("C003", "L003")}
    # 78% > 70% and 80% < 90% breach; 1.50 ≥ 1.2, 80% ≥ 50% and the purpose are met
    assert _breached(signals["C001", "L001"]) == {"K1", "K3"}
    assert _breached(signals["C003", "L003"]) == {"K7"}
    assert signals["C001", "L001"].family == "covenant"
    assert signals["C001", "L001"].level == "orange"


@pytest.mark.django_db
def test_the_evidence_cites_the_condition_and_the_figure_in_chinese(covenant_bank):
    s = Signal.objects.get(rule_id="EW-COVENANT", customer_id="C001")
    assert "资产负债率不高于 70.00%" in s.summary and "78.00%" in s.summary
    lines = evidence_lines(s.evidence)
    assert any(
        line.startswith("审批条件 K1")
        and "资产负债率不高于70%" in line
        and "2025-12-31 报表资产负债率 78.00%" in line
        for line in lines
    ), lines
    assert any(
        "K3" in line and "2026-08至2026-10 销售资金归行率 80.90%" in line for line in lines
    ), lines
    c3 = Signal.objects.get(rule_id="EW-COVENANT", customer_id="C003")
    assert "押品 G-C003 未办理登记" in c3.summary


@pytest.mark.django_db
def test_a_met_condition_raises_nothing_and_a_fix_clears_the_breach(covenant_bank):
    from postloan.portfolio.models import Collateral, Covenant

    Covenant.objects.filter(pk="K1").update(threshold="0.80")
    Covenant.objects.filter(pk="K3").update(threshold="0.75")
    Collateral.objects.filter(pk="G-C003").update(registered=True)
    run_screening(AS_OF + dt.timedelta(days=1))  # a signal not seen again stops firing
    firing = Signal.objects.filter(rule_id="EW-COVENANT", still_firing=True)
    assert list(firing) == []


@pytest.mark.django_db
def test_a_purpose_that_differs_from_the_approval_is_a_breach(covenant_bank):
    from postloan.portfolio.models import Disbursement

    Disbursement.objects.update(declared_purpose="归还他行借款")
    run_screening(AS_OF)
    s = Signal.objects.get(rule_id="EW-COVENANT", customer_id="C001", still_firing=True)
    assert _breached(s) == {"K1", "K3", "K5"}
    assert s.level == "red"
    assert "申报用途“归还他行借款”，审批用途“购买原材料”" in s.summary
