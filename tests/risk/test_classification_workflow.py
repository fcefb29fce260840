"""初分 by the account manager, 认定 by the risk department, the DPD 1–7 technical waiver."""

import pytest
from django.core.exceptions import PermissionDenied

from postloan.core.models import AuditEvent
from postloan.portfolio.models import Loan
from postloan.risk.actions import (
    TransitionError,
    approve_classification,
    confirm_classification,
    persist_result,
    propose_classification,
)
from postloan.risk.models import ClassificationDecision, LoanAssessment
from tests.factories import add_risk_head
from tests.risk.results import AS_OF, make_result


@pytest.fixture
def screened(bank):
    persist_result(make_result(l003_dpd=95, l003_suggested="substandard"), AS_OF)
    return bank


def l003():
    return LoanAssessment.objects.get(loan_id="L003", as_of=AS_OF)


def test_it_lets_the_account_manager_propose_the_suggestion_without_a_reason(screened):
    a = propose_classification(l003(), "substandard", "", screened.users["am_wang"])
    assert (a.status, a.proposed_class) == ("proposed", "substandard")
    assert ClassificationDecision.objects.get().kind == "proposal"


def test_it_requires_a_reason_to_propose_something_else(screened):
    with pytest.raises(TransitionError) as err:
        propose_classification(l003(), "doubtful", " ", screened.users["am_wang"])
    assert err.value.field == "reason"
    a = propose_classification(l003(), "doubtful", "担保人已失联", screened.users["am_wang"])
    assert a.proposal_reason == "担保人已失联"


def test_it_refuses_a_proposal_by_another_customers_manager(screened):
    with pytest.raises(PermissionDenied):
        propose_classification(l003(), "substandard", "", screened.users["am_zhang"])


def test_it_refuses_a_confirmation_by_an_account_manager(screened):
    with pytest.raises(PermissionDenied):
        confirm_classification(l003(), "substandard", "", screened.users["am_wang"])


def test_it_refuses_a_risk_manager_of_a_sibling_unit(screened):
    with pytest.raises(PermissionDenied):
        confirm_classification(l003(), "substandard", "", screened.users["rm_xihu"])


def test_it_confirms_updates_the_loan_and_audits_it(screened):
    rm = screened.users["rm_branch"]
    propose_classification(l003(), "substandard", "", screened.users["am_wang"])
    a = confirm_classification(l003(), "substandard", "", rm)

    assert (a.status, a.confirmed_class, a.confirmed_by) == ("confirmed", "substandard", rm)
    assert Loan.objects.get(pk="L003").classification == "substandard"
    audit = AuditEvent.objects.get(action="portfolio.loan.classification", object_id="L003")
    assert (audit.before, audit.after) == (
        {"classification": "special_mention"},
        {"classification": "substandard"},
    )
    kinds = list(ClassificationDecision.objects.values_list("kind", "to_class"))
    assert kinds == [("proposal", "substandard"), ("confirmation", "substandard")]
    with pytest.raises(TransitionError):
        confirm_classification(l003(), "doubtful", "再次认定", rm)


def test_it_requires_a_reason_to_override_the_suggestion(screened):
    rm = screened.users["rm_branch"]
    with pytest.raises(TransitionError) as err:
        confirm_classification(l003(), "doubtful", "", rm)
    assert err.value.field == "reason"
    a = confirm_classification(l003(), "doubtful", "担保人已失联", rm)
    assert ClassificationDecision.objects.get(assessment=a).kind == "override"
    assert Loan.objects.get(pk="L003").classification == "doubtful"


def test_it_allows_the_technical_waiver_only_for_dpd_1_to_7(bank):
    rm = bank.users["rm_branch"]
    persist_result(make_result(l003_dpd=8), AS_OF)
    with pytest.raises(TransitionError) as err:
        confirm_classification(
            l003(), "normal", "", rm, technical_waiver=True, waiver_reason="系统"
        )
    assert err.value.field == "technical_waiver"

    persist_result(make_result(l003_dpd=7), AS_OF)
    assert l003().waivable_technical
    with pytest.raises(TransitionError) as err:
        confirm_classification(l003(), "normal", "", rm, technical_waiver=True)
    assert err.value.field == "waiver_reason"
    a = confirm_classification(
        l003(), "normal", "", rm, technical_waiver=True, waiver_reason="扣款系统故障"
    )
    # Better than the suggestion: it waits for a 风险部负责人 (four eyes).
    assert (a.status, a.technical_waiver) == ("pending_approval", False)
    assert Loan.objects.get(pk="L003").classification == "special_mention"
    a = approve_classification(l003(), add_risk_head(bank))
    assert (a.status, a.technical_waiver, a.waiver_reason) == ("confirmed", True, "扣款系统故障")
    assert list(ClassificationDecision.objects.values_list("kind", flat=True)) == [
        "submission",
        "approval",
        "waiver",
    ]
    assert Loan.objects.get(pk="L003").classification == "normal"
