"""潜在风险客户退出 (issue 19 part 3): the exit list from a signed `exit` resolution and from a
risk department decision, its progress measured from the data by the verification, and the
figures in the 贷后管理工作 section of the meeting materials."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from postloan.core.errors import DomainError
from postloan.core.models import AuditEvent
from postloan.documents.formatting import quality_sections
from postloan.meetings import actions
from postloan.meetings.exits import effective_exits_by_year
from postloan.meetings.models import ExitEntry
from postloan.meetings.resolution_types import describe
from postloan.portfolio.models import Facility, Guarantee, Loan
from postloan.reports.quality import quality_report
from postloan.reports.scope import scope_for

DEADLINE = dt.date(2026, 12, 31)
BEFORE = dt.date(2026, 12, 10)


def _exit_resolution(bank, run, params):
    meeting, items = run.held_meeting(bank)
    item = items["C001"]
    actions.decide_item(
        item,
        summary="审议",
        **run.every_loan(item, "normal"),
        method="consensus",
        acting_user=bank.users["rm_branch"],
    )
    res = actions.adopt_resolution(
        item,
        type="exit",
        params=params,
        text="实际控制人涉诉，逐步压降退出",
        department="corporate",
        responsible=bank.staff["AM01"],
        deadline=DEADLINE,
        acting_user=bank.users["rm_branch"],
    )
    run.sign_off(bank, meeting)
    return res


def test_a_signed_exit_resolution_lists_the_customer_and_the_data_measures_the_exit(
    committee_bank, run
):
    bank = committee_bank
    res = _exit_resolution(bank, run, {"exit_amount": "4000000", "exit_date": "2026-12-20"})
    assert "于2026-12-20前退出" in describe(res) and "收回" in describe(res)
    Guarantee.objects.create(
        guarantee_id="G9", loan_id="L001", kind="guarantor", guarantor_name="甲担保公司"
    )
    counts = actions.run_verification(BEFORE)
    entry = ExitEntry.objects.get(customer_id="C001")
    assert (entry.source, entry.resolution_id, entry.target_date) == (
        "resolution",
        res.pk,
        dt.date(2026, 12, 20),
    )
    assert entry.target_amount == Decimal("4000000.00")
    assert (entry.baseline_limit, entry.guarantees, entry.status) == (
        Decimal("12000000.00"),
        1,
        "in_progress",
    )
    assert counts["exits_listed"] == 1
    # half repaid: progress, not out yet
    Loan.objects.filter(pk="L001").update(balance=Decimal("2000000.00"))
    actions.run_verification(BEFORE + dt.timedelta(days=1))
    entry.refresh_from_db()
    assert entry.recovered == Decimal("2000000.00") and entry.progress == Decimal("0.5")
    # repaid, facility closed, guarantee released
    Loan.objects.filter(pk="L001").update(balance=0, status="settled")
    Facility.objects.filter(pk="F001").update(status="closed")
    Guarantee.objects.filter(pk="G9").update(end_date=BEFORE)
    day = BEFORE + dt.timedelta(days=2)
    actions.run_verification(day)
    entry.refresh_from_db()
    assert (entry.status, entry.exited_on, entry.fully_recovered) == ("exited", day, True)
    assert (entry.limit, entry.guarantees) == (Decimal("0"), 0)
    assert ExitEntry.objects.count() == 1  # the resolution is listed once
    assert AuditEvent.objects.filter(action="meetings.exit.measured").exists()
    rows = effective_exits_by_year(ExitEntry.objects.all())
    assert rows == [
        {
            "year": 2026,
            "branch": "西湖支行",
            "branch_code": "SB01",
            "customers": 1,
            "recovered": Decimal("4000000.00"),
        }
    ]


def test_a_risk_decision_puts_a_customer_on_the_list_once(bank):
    c3 = bank.customers["C003"]
    with pytest.raises(DomainError, match="只有风险管理部门"):
        actions.put_on_exit_list(
            c3, target_date="2027-03-31", reason="经营下滑", acting_user=bank.users["am_wang"]
        )
    with pytest.raises(DomainError, match="退出原因"):
        actions.put_on_exit_list(
            c3, target_date="2027-03-31", reason=" ", acting_user=bank.users["rm_branch"]
        )
    with pytest.raises(DomainError, match="不能早于业务日期"):
        actions.put_on_exit_list(
            c3, target_date="2026-01-01", reason="经营下滑", acting_user=bank.users["rm_branch"]
        )
    entry = actions.put_on_exit_list(
        c3, target_date="2027-03-31", reason="经营下滑", acting_user=bank.users["rm_branch"]
    )
    assert (entry.source, entry.target_amount, entry.baseline_balance) == (
        "risk_decision",
        Decimal("3000000.00"),
        Decimal("3000000.00"),
    )
    with pytest.raises(DomainError, match="已在退出名单中"):
        actions.put_on_exit_list(
            c3, target_date="2027-03-31", reason="再次", acting_user=bank.users["rm_branch"]
        )
    # written off rather than repaid: out, but not 收回全部贷款
    Loan.objects.filter(pk="L003").update(balance=0, status="written_off")
    actions.run_verification(dt.date(2027, 4, 1))
    entry.refresh_from_db()
    assert (entry.status, entry.fully_recovered) == ("exited", False)
    assert effective_exits_by_year(ExitEntry.objects.all()) == []


def test_the_meeting_materials_and_the_page_show_the_exit_list(screened_bank, login):
    bank = screened_bank
    actions.put_on_exit_list(
        bank.customers["C003"],
        target_date="2027-03-31",
        target_amount="1000000",
        reason="经营下滑",
        acting_user=bank.users["rm_branch"],
    )
    Loan.objects.filter(pk="L003").update(balance=Decimal("2500000.00"))
    actions.run_verification(dt.date(2026, 11, 2))
    report = quality_report(scope_for(bank.users["rm_branch"], "BR01", dt.date(2026, 10, 31)))
    work = next(s for s in quality_sections(report) if s["key"] == "work")
    text = "".join(work["lines"])
    assert "潜在风险客户退出名单共1户" in text and "已收回50.00万元" in text
    html = login(bank.users["rm_branch"]).get(reverse("meetings:exits")).content.decode()
    assert "杭州乙贸易有限公司" in html and "退出中" in html and "风险管理部门决定退出" in html
    response = login(bank.users["rm_branch"]).post(
        reverse("meetings:exit_add"),
        {"customer_id": "C001", "target_date": "2027-06-30", "reason": "行业下行"},
    )
    assert response.status_code == 302
    assert ExitEntry.objects.filter(customer_id="C001", source="risk_decision").exists()
