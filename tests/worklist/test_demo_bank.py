"""On the demo generator's bank (scale XS): the fund-diversion story shows on the trail page,
and the page agrees with the screening engine's EW-FUND-USE loan by loan."""

import datetime as dt
import json

import pytest

from postloan.demo.generate import generate_bank
from postloan.ingest.service import run_import
from postloan.portfolio.models import Disbursement, Loan
from postloan.risk.actions.screening import run_screening
from postloan.risk.models import Signal
from postloan.worklist.fund_use import trail_for_loan
from postloan.worklist.models import CollectionCase, Inspection
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF

pytestmark = pytest.mark.django_db

VARIANT_FLAGS = {
    "related_party": "流向关联方",
    "real_estate": "流向房地产",
    "back_to_borrower": "受托支付后资金回流",
}


@pytest.fixture
def demo(tmp_path):
    generate_bank("XS", 1, tmp_path, AS_OF)
    assert run_import(tmp_path, as_of=AS_OF).ok
    run_screening(AS_OF)
    return json.loads((tmp_path / "stories.json").read_text(encoding="utf-8"))


def test_it_shows_the_fund_diversion_story_and_agrees_with_the_engine(demo):
    story = demo["fund_diversion"]
    assert story["loan_ids"]
    for loan_id in story["loan_ids"]:
        trail = trail_for_loan(Loan.objects.select_related("customer").get(pk=loan_id))
        labels = {label for t in trail.trails for label in t.flag_labels}
        assert VARIANT_FLAGS[story["variant"][loan_id]] in labels

    engine = set(Signal.objects.filter(rule_id="EW-FUND-USE").values_list("loan_id", flat=True))
    recent = Disbursement.objects.filter(
        pay_date__gte=AS_OF - dt.timedelta(days=90), pay_date__lte=AS_OF
    ).values_list("loan_id", flat=True)
    page = {
        loan.loan_id
        for loan in Loan.objects.filter(loan_id__in=recent, status="active")
        .exclude(product="mortgage")
        .select_related("customer")
        if trail_for_loan(loan).suspicious
    }
    assert page == engine


def test_it_plans_the_demo_bank_after_screening(demo):
    summary = plan_worklist(AS_OF)
    assert summary.counts["定期检查（新增）"] == Inspection.objects.filter(kind="scheduled").count()
    assert summary.counts["定期检查（新增）"] > 50
    overdue = set(
        Signal.objects.filter(rule_id__in=("EW-DPD", "EW-DPD-SHORT")).values_list(
            "customer_id", flat=True
        )
    )
    assert overdue
    assert set(CollectionCase.objects.values_list("customer_id", flat=True)) >= overdue
