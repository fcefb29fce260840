import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile

from postloan.meetings import actions
from postloan.meetings.models import Notification
from postloan.meetings.planning import build_plan
from postloan.meetings.tasks import execution_report_text
from postloan.meetings.verification import verify
from postloan.portfolio.models import (
    Account,
    Disbursement,
    Guarantee,
    Loan,
    RiskEvent,
    TaxInvoice,
    Transaction,
)
from postloan.risk.actions import correct_classification, run_screening
from postloan.risk.models import LoanAssessment

DEADLINE = dt.date(2026, 12, 31)
BEFORE = dt.date(2026, 12, 10)
AFTER = dt.date(2027, 1, 4)

RESOLUTIONS = {
    "reduce_exposure": {"target_balance": "3000000", "target_date": "2026-12-31"},
    "stop_new_credit": {},
    "add_collateral": {"amount": "1000000"},
    "tighten_monitoring": {"min_return_ratio": "80%", "review_frequency": "每月"},
    "legal_action": {},
    "recall": {},
    "reclassify": {"new_class": "special_mention"},
    "other": {},
}


def _signed_meeting(bank, run):
    meeting, items = run.held_meeting(bank)
    item = items["C001"]
    actions.decide_item(
        item,
        summary="审议",
        # 正常 now: at closing the meeting's class becomes the loan's 认定 (and its class), so a
        # decision of 关注 would itself fulfil the 调整分类 resolution below
        **run.every_loan(item, "normal"),
        method="consensus",
        acting_user=bank.users["rm_branch"],
    )
    out = {}
    for rtype, params in RESOLUTIONS.items():
        out[rtype] = actions.adopt_resolution(
            item,
            type=rtype,
            params=params,
            text="落实专人跟进" if rtype == "other" else "",
            department="corporate",
            responsible=bank.staff["AM01"],
            deadline=DEADLINE,
            acting_user=bank.users["rm_branch"],
        )
    run.sign_off(bank, meeting)
    return meeting, out


def _statuses(res):
    for r in res.values():
        r.refresh_from_db()
    return {k: r.status for k, r in res.items()}


def test_it_leaves_everything_open_before_the_deadline_without_proof(committee_bank, run):
    _, res = _signed_meeting(committee_bank, run)
    verify(BEFORE)
    assert set(_statuses(res).values()) == {"open"}


def test_it_verifies_each_type_against_the_data(committee_bank, run):
    bank = committee_bank
    _, res = _signed_meeting(bank, run)
    loan = Loan.objects.get(pk="L001")
    loan.balance = Decimal("0")
    loan.save()
    # 调整分类 is executed by a binding decision (here the risk department's 更正 of the
    # committee's 认定): the loan's current class (risk.current), not a bare field edit
    correct_classification(
        LoanAssessment.objects.filter(loan=loan).latest("as_of"),
        "special_mention",
        "按例会决议调整分类",
        bank.users["rm_branch"],
    )
    Guarantee.objects.create(
        guarantee_id="G-NEW",
        loan=loan,
        kind="guarantor",
        guarantor_name="宁波丙电子有限公司",
        secured_amount=Decimal("1500000"),
        start_date=dt.date(2026, 12, 1),
    )
    RiskEvent.objects.create(
        event_id="LIT1",
        customer=bank.customers["C001"],
        event_date=dt.date(2026, 12, 5),
        type="litigation",
        description="我行起诉",
    )
    TaxInvoice.objects.create(
        customer=bank.customers["C001"],
        month=dt.date(2026, 12, 1),
        invoice_type="vat_special",
        amount=Decimal("1000000"),
    )
    Transaction.objects.create(
        txn_id="T-DEC",
        account=Account.objects.get(pk="A001"),
        txn_date=dt.date(2026, 12, 15),
        direction="in",
        amount=Decimal("900000"),
        category="sales_proceeds",
    )
    verify(BEFORE)
    early = _statuses(res)
    assert early["reduce_exposure"] == "verified"
    assert early["add_collateral"] == "verified"
    assert early["legal_action"] == "verified"
    assert early["recall"] == "verified"
    assert early["reclassify"] == "verified"
    assert early["stop_new_credit"] == "open"  # watched until the deadline
    assert early["tighten_monitoring"] == "open"
    run_screening(AFTER)  # the business day: the 归行率 the check reads is the screening's
    verify(AFTER)
    late = _statuses(res)
    assert late["stop_new_credit"] == "verified"
    assert late["tighten_monitoring"] == "verified"  # 900,000 / 1,000,000 = 90% ≥ 80%
    assert late["other"] == "overdue"
    assert "90.0%" in res["tighten_monitoring"].check_detail


def test_it_fails_resolutions_the_data_contradicts(committee_bank, run):
    bank = committee_bank
    _, res = _signed_meeting(bank, run)
    Disbursement.objects.create(
        loan_id="L001",
        pay_date=dt.date(2026, 12, 2),
        amount=Decimal("100000"),
        payee_name="某供应商",
    )
    TaxInvoice.objects.create(
        customer=bank.customers["C001"],
        month=dt.date(2026, 12, 1),
        invoice_type="vat_special",
        amount=Decimal("2000000"),
    )
    verify(BEFORE)
    assert _statuses(res)["stop_new_credit"] == "failed"
    run_screening(AFTER)  # the business day: the 归行率 the check reads is the screening's
    verify(AFTER)
    got = _statuses(res)
    assert got["reduce_exposure"] == "failed"  # still 4,000,000 after 2026-12-31
    assert got["add_collateral"] == "failed"
    assert got["tighten_monitoring"] == "failed"  # no proceeds at all in December
    assert got["recall"] == "failed"
    assert got["legal_action"] == "overdue"
    assert "4,000,000.00" in res["reduce_exposure"].check_detail


def test_it_takes_the_person_s_word_with_evidence_and_a_recorded_filing(committee_bank, run):
    bank = committee_bank
    _, res = _signed_meeting(bank, run)
    actions.claim_execution(
        res["other"],
        note="已落实专人",
        evidence=ContentFile(b"%PDF-1.4 x", name="e.pdf"),
        acting_user=bank.users["am_zhang"],
    )
    actions.claim_execution(
        res["legal_action"],
        note="已起诉",
        filing_case_no="(2026)浙0106民初123号",
        acting_user=bank.users["am_zhang"],
    )
    got = _statuses(res)
    assert got["other"] == "claimed"
    assert got["legal_action"] == "verified"


def test_it_reminds_before_and_escalates_after_the_deadline_and_keeps_the_customer_on(
    committee_bank, run
):
    bank = committee_bank
    meeting, res = _signed_meeting(bank, run)
    actions.run_verification(dt.date(2026, 12, 28))
    reminders = Notification.objects.filter(kind="reminder", recipient_id="AM01")
    assert reminders.count() == len(RESOLUTIONS)
    actions.run_verification(AFTER)
    assert Notification.objects.filter(kind="escalation", recipient_id="P01").exists()
    actions.run_verification(AFTER)  # once only
    # every resolution but stop_new_credit (proven by no new credit up to the deadline)
    escalated = Notification.objects.filter(kind="escalation", recipient_id="P01")
    assert escalated.count() == len(RESOLUTIONS) - 1
    assert not escalated.filter(resolution=res["stop_new_credit"]).exists()
    # C001's unfinished resolutions keep it on the next agenda, and item 4 reports them
    plan = build_plan(bank.branches["BR01"], dt.date(2027, 1, 20))
    assert {c.customer_id: c.reasons for c in plan.customers}["C001"] == [
        "large_credit",
        "open_resolution",
    ]
    run.set_date(dt.date(2027, 1, 5))
    nxt = actions.schedule_meeting(
        bank.branches["BR01"], dt.date(2027, 1, 20), acting_user=bank.users["rm_branch"]
    )
    text = execution_report_text(nxt)
    assert "压缩信用余额" in text and "未执行到位" in text


def test_it_rechecks_after_each_import(
    committee_bank, run, tmp_path, django_capture_on_commit_callbacks
):
    from postloan.ingest.service import run_import

    bank = committee_bank
    _, res = _signed_meeting(bank, run)
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "loans.csv").write_text(
        "loan_id,customer_id,facility_id,product,principal,balance,start_date,maturity_date,"
        "guarantee_method\n"
        "L001,C001,F001,working_capital,5000000,2500000,2025-11-01,2027-10-31,guarantee\n",
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert run_import(folder, as_of=dt.date(2026, 12, 1)).ok
    got = _statuses(res)
    assert got["reduce_exposure"] == "verified"
    assert res["reduce_exposure"].checked_on == dt.date(2026, 12, 1)
