"""Classification floors are floors: no 初分, 认定, 更正 or 例会认定 better than the regulation's
objective minimum; four eyes for a 认定 better than the suggestion; corrections as new
decisions; the meeting's committee as the approver."""

import json

import pyarrow as pa
import pytest
from django.core.exceptions import PermissionDenied

from postloan.core.models import AuditEvent
from postloan.portfolio.models import Loan
from postloan.risk.actions import (
    TransitionError,
    approve_classification,
    confirm_classification,
    correct_classification,
    persist_result,
    propose_classification,
    record_committee_classification,
    reject_classification,
)
from postloan.risk.current import current_class
from postloan.risk.models import ClassificationDecision, LoanAssessment
from tests.factories import _staff, make_user
from tests.risk.results import AS_OF, make_result

LOSS_DPD360 = (
    "不能认定为正常类：《商业银行金融资产风险分类办法》第十二条（一）："
    "本金、利息逾期超过360天，至少归为损失类"
)


def l003() -> LoanAssessment:
    return LoanAssessment.objects.get(loan_id="L003", as_of=AS_OF)


def with_floor(result, rule_id: str, floor_class: str):
    """The result with one more floor on L003 (and its suggestion, as the engine makes it)."""
    floors = result.loan_floors.to_pylist()
    floors.append(
        {
            "loan_id": "L003",
            "rule_id": rule_id,
            "floor_class": floor_class,
            "reason_zh": f"{rule_id} 触发",
            "evidence": json.dumps({"event": "EV1"}),
        }
    )
    result.loan_floors = pa.Table.from_pylist(floors)
    return result


def nothing_written():
    assert not ClassificationDecision.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="risk.").exists()
    a = l003()
    assert (a.status, a.confirmed_class) == ("pending", "")
    assert Loan.objects.get(pk="L003").classification == "special_mention"


# --- floors ---------------------------------------------------------------------------------


def test_it_refuses_a_confirmation_below_the_floor_naming_the_rule(loss):
    with pytest.raises(TransitionError) as err:
        confirm_classification(l003(), "normal", "客户承诺还款", loss.users["rm_branch"])
    assert (err.value.field, err.value.message) == ("confirmed_class", LOSS_DPD360)
    nothing_written()


@pytest.mark.parametrize("chosen", ["normal", "special_mention", "substandard", "doubtful"])
def test_it_refuses_every_class_better_than_the_floor(loss, chosen):
    with pytest.raises(TransitionError) as err:
        confirm_classification(l003(), chosen, "理由", loss.users["rm_branch"])
    assert "第十二条（一）" in err.value.message and "至少归为损失类" in err.value.message
    nothing_written()


def test_it_confirms_the_floor_at_once(loss):
    a = confirm_classification(l003(), "loss", "", loss.users["rm_branch"])
    assert (a.status, a.confirmed_class) == ("confirmed", "loss")
    assert Loan.objects.get(pk="L003").classification == "loss"


def test_it_refuses_a_proposal_below_the_floor(loss):
    with pytest.raises(TransitionError) as err:
        propose_classification(l003(), "normal", "已还款", loss.users["am_wang"])
    assert (err.value.field, err.value.message) == ("proposed_class", LOSS_DPD360)
    nothing_written()


def test_the_technical_waiver_lifts_only_the_dpd_floor(bank):
    persist_result(with_floor(make_result(l003_dpd=5), "CLS-SM-MISUSE", "special_mention"), AS_OF)
    with pytest.raises(TransitionError) as err:
        confirm_classification(
            l003(),
            "normal",
            "",
            bank.users["rm_branch"],
            technical_waiver=True,
            waiver_reason="扣款系统故障",
        )
    assert err.value.field == "confirmed_class"
    assert "第九条（二）：未经同意擅自改变资金用途，至少归为关注类" in err.value.message
    nothing_written()


def test_the_technical_waiver_is_refused_for_a_loan_over_7_days(loss):
    with pytest.raises(TransitionError) as err:
        confirm_classification(
            l003(), "normal", "", loss.users["rm_branch"], technical_waiver=True, waiver_reason="x"
        )
    assert err.value.field == "technical_waiver"
    nothing_written()


# --- four eyes ------------------------------------------------------------------------------


def waive(bank, user=None):
    return confirm_classification(
        l003(),
        "normal",
        "",
        user or bank.users["rm_branch"],
        technical_waiver=True,
        waiver_reason="扣款系统故障，次日已扣款",
    )


def test_a_class_better_than_the_suggestion_waits_for_approval(short_overdue):
    bank = short_overdue
    a = waive(bank)
    assert a.status == "pending_approval"
    assert (a.confirmed_class, a.technical_waiver) == ("", False)
    assert Loan.objects.get(pk="L003").classification == "special_mention"
    assert current_class(l003()) == "special_mention"  # nothing changes before approval
    request = ClassificationDecision.objects.get()
    assert (request.kind, request.to_class, request.binding) == ("submission", "normal", False)
    assert AuditEvent.objects.filter(action="risk.submit_classification").count() == 1
    with pytest.raises(TransitionError):
        confirm_classification(l003(), "special_mention", "", bank.users["rm_branch"])
    with pytest.raises(TransitionError):
        propose_classification(l003(), "special_mention", "", bank.users["am_wang"])


def test_only_the_approval_changes_the_class(short_overdue):
    bank = short_overdue
    waive(bank)
    a = approve_classification(l003(), bank.users["risk_head"], "核实为扣款系统故障")
    assert (a.status, a.confirmed_class, a.technical_waiver) == ("confirmed", "normal", True)
    assert a.confirmed_by == bank.users["rm_branch"]  # the 认定 stays the proposer's
    assert Loan.objects.get(pk="L003").classification == "normal"
    assert current_class(l003()) == "normal"
    approval = ClassificationDecision.objects.get(kind="approval")
    assert (approval.actor, approval.request.kind, approval.binding) == (
        bank.users["risk_head"],
        "submission",
        True,
    )
    actions = list(
        AuditEvent.objects.filter(action__contains="classification")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "risk.submit_classification",
        "risk.approve_classification",
        "portfolio.loan.classification",
    ]


def test_the_proposer_cannot_approve_their_own_request(short_overdue):
    bank = short_overdue
    head = bank.users["risk_head"]
    waive(bank, head)  # a head may propose, like any risk manager …
    with pytest.raises(PermissionDenied):
        approve_classification(l003(), head)  # … but not approve it
    other = make_user(
        "risk_deputy",
        _staff("RM09", "钱红", bank.branches["BR01"], "risk", "deputy_head"),
        "dept_head",
        "risk_manager",
    )
    assert approve_classification(l003(), other).status == "confirmed"


@pytest.mark.parametrize("who", ["rm_branch", "rm_xihu", "chair", "am_wang", "admin"])
def test_only_a_risk_department_head_approves(short_overdue, who):
    bank = short_overdue
    waive(bank)
    with pytest.raises(PermissionDenied):
        approve_classification(l003(), bank.users[who])
    assert l003().status == "pending_approval"
    assert Loan.objects.get(pk="L003").classification == "special_mention"


def test_a_corporate_department_head_is_no_approver(short_overdue):
    bank = short_overdue
    waive(bank)
    head = make_user(
        "corp_head",
        _staff("CD01", "周敏", bank.branches["BR01"], "corporate", "dept_head"),
        "dept_head",
    )
    with pytest.raises(PermissionDenied):
        approve_classification(l003(), head)


def test_a_rejection_needs_a_reason_and_changes_nothing(short_overdue):
    bank = short_overdue
    waive(bank)
    with pytest.raises(TransitionError) as err:
        reject_classification(l003(), " ", bank.users["risk_head"])
    assert err.value.field == "reason"
    a = reject_classification(l003(), "未见扣款系统故障的证明", bank.users["risk_head"])
    assert (a.status, a.confirmed_class) == ("pending", "")
    assert Loan.objects.get(pk="L003").classification == "special_mention"
    assert ClassificationDecision.objects.get(kind="rejection").reason == "未见扣款系统故障的证明"
    with pytest.raises(TransitionError):
        approve_classification(l003(), bank.users["risk_head"])  # nothing left to approve
    assert confirm_classification(l003(), "special_mention", "", bank.users["rm_branch"])


# --- corrections ----------------------------------------------------------------------------


def test_a_correction_is_a_new_decision_that_keeps_the_old(bank):
    persist_result(make_result(l003_dpd=95, l003_suggested="substandard"), AS_OF)
    rm = bank.users["rm_branch"]
    confirm_classification(l003(), "loss", "担保人失联", rm)
    with pytest.raises(TransitionError) as err:
        correct_classification(l003(), "substandard", "", rm)
    assert err.value.field == "reason"
    with pytest.raises(TransitionError) as err:
        correct_classification(l003(), "special_mention", "误判", rm)
    assert err.value.field == "corrected_class" and "第十条（一）" in err.value.message

    a = correct_classification(l003(), "doubtful", "担保人已联系上，代偿能力有限", rm)
    assert (a.status, a.confirmed_class) == ("confirmed", "doubtful")
    assert Loan.objects.get(pk="L003").classification == "doubtful"
    assert current_class(l003()) == "doubtful"
    old, new = ClassificationDecision.objects.filter(kind__in=["override", "correction"]).order_by(
        "id"
    )
    assert (old.to_class, new.to_class, new.supersedes) == ("loss", "doubtful", old)
    assert (new.from_class, new.reason) == ("loss", "担保人已联系上，代偿能力有限")


def test_a_correction_better_than_the_suggestion_waits_for_approval(short_overdue):
    bank = short_overdue
    rm = bank.users["rm_branch"]
    confirm_classification(l003(), "special_mention", "", rm)
    a = correct_classification(
        l003(), "normal", "系统故障致扣款失败", rm, technical_waiver=True, waiver_reason="系统故障"
    )
    assert a.status == "pending_approval"
    assert current_class(l003()) == "special_mention"  # the old 认定 stays in force
    reject_classification(l003(), "证明不足", bank.users["risk_head"])
    assert (l003().status, l003().confirmed_class) == ("confirmed", "special_mention")

    correct_classification(
        l003(), "normal", "补充了扣款日志", rm, technical_waiver=True, waiver_reason="系统故障"
    )
    approve_classification(l003(), bank.users["risk_head"])
    assert current_class(l003()) == "normal"
    assert Loan.objects.get(pk="L003").classification == "normal"
    approval = ClassificationDecision.objects.get(kind="approval")
    assert approval.supersedes == ClassificationDecision.objects.get(kind="confirmation")


def test_only_a_confirmed_class_is_corrected(loss):
    with pytest.raises(TransitionError):
        correct_classification(l003(), "loss", "更正", loss.users["rm_branch"])
    with pytest.raises(PermissionDenied):
        correct_classification(l003(), "loss", "更正", loss.users["am_wang"])
    nothing_written()


# --- the committee --------------------------------------------------------------------------


def test_the_committee_decides_within_the_floors(loss):
    bank = loss
    rm = bank.users["rm_branch"]
    with pytest.raises(TransitionError) as err:
        record_committee_classification(
            l003(), "normal", "例会审议", rm, meeting_id=7, agenda_item_id=70
        )
    assert (err.value.field, err.value.message) == ("decided_class", LOSS_DPD360)
    nothing_written()

    a = record_committee_classification(l003(), "loss", "", rm, meeting_id=7, agenda_item_id=70)
    assert (a.status, a.confirmed_class) == ("confirmed", "loss")
    d = ClassificationDecision.objects.get()
    assert (d.kind, d.meeting_id, d.agenda_item_id, d.binding) == ("committee", 7, 70, True)
    assert Loan.objects.get(pk="L003").classification == "loss"
    # The same item recorded again adds nothing.
    record_committee_classification(l003(), "loss", "", rm, meeting_id=7, agenda_item_id=70)
    assert ClassificationDecision.objects.count() == 1


def test_the_committee_answers_a_pending_request_and_needs_no_second_person(short_overdue):
    bank = short_overdue
    waive(bank)
    a = record_committee_classification(
        l003(), "special_mention", "", bank.users["chair"], meeting_id=3, agenda_item_id=31
    )
    assert (a.status, a.confirmed_class, a.technical_waiver) == (
        "confirmed",
        "special_mention",
        False,
    )
    committee = ClassificationDecision.objects.get(kind="committee")
    assert committee.request == ClassificationDecision.objects.get(kind="submission")
    # A later meeting changes its mind: a new decision superseding the first.
    record_committee_classification(
        l003(), "substandard", "经营恶化", bank.users["chair"], meeting_id=4, agenda_item_id=41
    )
    first, second = ClassificationDecision.objects.filter(kind="committee").order_by("id")
    assert second.supersedes == first
    assert current_class(l003()) == "substandard"


def test_the_committee_decision_needs_its_meeting_and_a_recorder(loss):
    rm = loss.users["rm_branch"]
    with pytest.raises(TransitionError):
        record_committee_classification(
            l003(), "loss", "", rm, meeting_id=None, agenda_item_id=None
        )
    with pytest.raises(PermissionDenied):
        record_committee_classification(
            l003(), "loss", "", loss.users["am_wang"], meeting_id=1, agenda_item_id=1
        )
    with pytest.raises(TransitionError) as err:
        record_committee_classification(l003(), "", "", rm, meeting_id=1, agenda_item_id=1)
    assert err.value.field == "decided_class"
    nothing_written()
