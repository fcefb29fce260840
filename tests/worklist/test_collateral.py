"""押品: revaluation, LTV ceilings, staleness; 保证人 health; limitation periods."""

import datetime as dt
from decimal import Decimal

import pytest

from postloan.portfolio.models import (
    Collateral,
    CollateralValue,
    Guarantee,
    Loan,
    RepaymentInstalment,
)
from postloan.worklist.collateral import collateral_statuses, guarantor_statuses
from postloan.worklist.limitation import limitation_items
from postloan.worklist.models import CollectionAction, CollectionCase
from tests.factories import AS_OF

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def pledged(bank):
    Collateral.objects.create(
        collateral_id="K1",
        type="real_estate",
        description="厂房",
        appraised_value=Decimal("6000000"),
        appraisal_date=D(2025, 6, 1),
    )
    Collateral.objects.create(
        collateral_id="K2",
        type="equity",
        appraised_value=Decimal("10000000"),
        appraisal_date=D(2026, 8, 1),
    )
    Guarantee.objects.create(guarantee_id="G1", loan_id="L001", kind="mortgage", collateral_id="K1")
    Guarantee.objects.create(
        guarantee_id="G2", facility_id="F001", kind="pledge", collateral_id="K2"
    )
    return bank


def by_id(statuses):
    return {s.collateral.collateral_id: s for s in statuses}


def test_it_measures_ltv_against_the_type_ceiling_and_staleness(pledged):
    s = by_id(collateral_statuses(AS_OF, ["C001", "C002", "C003"]))
    k1, k2 = s["K1"], s["K2"]
    # 4,000,000 ÷ 6,000,000 = 66.7% ≤ 70%, but the appraisal is over 12 months old.
    assert k1.ltv == Decimal("0.6667")
    assert k1.notes == ["无重估/市场价记录，按评估价值计算"]
    assert k1.problems == ["估值过期：最近估值2025-06-01，应于2026-06-01前重估"]
    assert k1.needs_revaluation
    # The facility's active loans (L001) secured by equity: 40% ≤ 50%, fresh.
    assert (k2.ltv, k2.problems) == (Decimal("0.4000"), [])


def test_it_uses_the_latest_market_value(pledged):
    CollateralValue.objects.create(
        collateral_id="K1", value_date=D(2026, 9, 1), market_value=Decimal("4500000")
    )
    k1 = by_id(collateral_statuses(AS_OF, ["C001"]))["K1"]
    assert k1.ltv == Decimal("0.8889")
    assert k1.problems == [
        "市场价值4,500,000.00元低于评估价值的80%（评估6,000,000.00元）",
        "抵押率88.9%超过房产上限70%",
    ]
    assert k1.next_revaluation == D(2027, 9, 1)


def test_it_hides_collateral_of_customers_one_cannot_see(pledged):
    assert collateral_statuses(AS_OF, ["C003"]) == []


def test_it_flags_a_guarantor_with_a_non_performing_loan(bank):
    Guarantee.objects.create(
        guarantee_id="G3", loan_id="L001", kind="guarantor", guarantor_customer_id="C003"
    )
    Guarantee.objects.create(
        guarantee_id="G4", loan_id="L001", kind="guarantor", guarantor_name="外部担保公司"
    )
    assert [g.problems for g in guarantor_statuses(["C001"])] == [[], []]
    Loan.objects.filter(pk="L003").update(classification="doubtful")
    statuses = {g.guarantee.guarantee_id: g for g in guarantor_statuses(["C001"])}
    assert statuses["G3"].problems == ["保证人在本行有不良贷款"]
    assert "非本行客户" in statuses["G4"].notes[0]


def test_it_reminds_before_the_limitation_period_lapses(bank, settings):
    # C003 overdue since 2026-09-20: 诉讼时效 ends 2029-09-20, no reminder yet.
    assert limitation_items(AS_OF, ["C003"]) == []
    (item,) = limitation_items(AS_OF, ["C003"], only_due=False)
    assert (item.kind, item.ends_on) == ("诉讼时效", D(2029, 9, 20))
    RepaymentInstalment.objects.create(
        loan_id="L003",
        due_date=D(2023, 12, 20),
        principal_due=Decimal("1000"),
        interest_due=Decimal("0"),
    )
    (item,) = limitation_items(AS_OF, ["C003"])
    assert (item.ends_on, item.days_left) == (D(2026, 12, 20), 50)
    # A demand letter interrupts it: the 3 years run anew.
    case = CollectionCase.objects.create(customer_id="C003", opened_on=D(2024, 1, 5))
    CollectionAction.objects.create(
        case=case, kind="letter", action_date=D(2024, 1, 10), result="送达催收函"
    )
    (item,) = limitation_items(AS_OF, ["C003"], only_due=False)
    assert item.ends_on == D(2027, 1, 10)


def test_it_reads_the_guarantee_period_from_the_contract_or_six_months(bank):
    Loan.objects.filter(pk="L001").update(maturity_date=D(2026, 12, 31))
    Guarantee.objects.create(
        guarantee_id="G5", loan_id="L001", kind="guarantor", guarantor_name="甲担保"
    )
    Guarantee.objects.create(
        guarantee_id="G6",
        loan_id="L001",
        kind="guarantor",
        guarantor_name="乙担保",
        end_date=D(2026, 12, 31),
    )
    items = {i.basis.split("：")[0]: i for i in limitation_items(AS_OF, ["C001"], only_due=False)}
    assert items["甲担保"].ends_on == D(2027, 6, 30)
    assert items["乙担保"].ends_on == D(2026, 12, 31)
    due = [i.basis.split("：")[0] for i in limitation_items(AS_OF, ["C001"])]
    assert due == ["乙担保"]


def test_it_lists_collateral_and_limitations_pages(pledged, login):
    client = login(pledged.users["am_zhang"])
    html = client.get("/work/collateral/").content.decode()
    # Match the rows' cells: a bare "K2" once matched the page's random CSRF token.
    assert "估值过期" in html and "<td>K1 厂房</td>" in html and "<td>K2" not in html
    assert "<td>K2" in client.get("/work/collateral/?show=all").content.decode()
    assert client.get("/work/limitations/?all=1").status_code == 200
