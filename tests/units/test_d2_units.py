"""停复牌 (issue 19 part 2) on the hand-made bank: unit indicators against the limits, the
unit alert to the managing unit, and 停牌 → 整改 → 复牌 with four eyes, refusals and audit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from postloan.core.business_date import set_business_date
from postloan.core.errors import DomainError
from postloan.core.models import AuditEvent
from postloan.documents.formatting import quality_sections
from postloan.portfolio.models import Loan
from postloan.reports.quality import quality_report
from postloan.reports.scope import scope_for
from postloan.risk.actions.screening import run_screening
from postloan.units import actions
from postloan.units.limits import update_limits
from postloan.units.models import LimitVersion, Suspension, UnitAlert, UnitIndicator
from postloan.units.oversight import unit_oversight
from tests.factories import AS_OF, add_risk_head

NEXT = AS_OF + dt.timedelta(days=1)


@pytest.fixture
def monitored(screened_bank):
    actions.run_unit_monitoring(AS_OF)
    return screened_bank


def _ind(code, as_of=AS_OF):
    return UnitIndicator.objects.get(branch_id=code, as_of=as_of)


def test_it_computes_each_units_indicators_over_its_subtree(monitored):
    assert set(UnitIndicator.objects.values_list("branch_id", flat=True)) == {
        "BR01",
        "SB01",
        "SB02",
    }
    loans = {a.loan_id: a for a in Loan.objects.all()}
    sb02 = _ind("SB02").values
    assert Decimal(sb02["overdue_rate"]) == Decimal("1.0000")  # C003 (41 DPD) is all of SB02
    assert _ind("SB01").values["overdue_rate"] == "0.0000"
    total = sum(loans[i].balance for i in loans if loans[i].status == "active")
    c003 = sum(loans[i].balance for i in loans if loans[i].customer_id == "C003")
    expected = (c003 / total).quantize(Decimal("0.0001"))
    assert Decimal(_ind("BR01").values["overdue_rate"]) == expected
    assert "overdue_rate" in _ind("SB02").breaches and _ind("SB01").breaches == []


def test_a_breach_raises_one_alert_to_the_managing_unit_until_back_within(monitored, bank):
    alert = UnitAlert.objects.get(branch_id="SB02", indicator="overdue_rate")
    assert (alert.managing_id, alert.status, alert.raised_on) == ("BR01", "open", AS_OF)
    actions.run_unit_monitoring(NEXT)
    alert.refresh_from_db()
    assert UnitAlert.objects.filter(branch_id="SB02", indicator="overdue_rate").count() == 1
    assert alert.last_seen_on == NEXT
    update_limits({"overdue_rate": "100%"}, "试点放宽", bank.users["rm_branch"])
    actions.run_unit_monitoring(NEXT + dt.timedelta(days=1))
    alert.refresh_from_db()
    assert (alert.status, alert.cleared_on) == ("cleared", NEXT + dt.timedelta(days=1))


def test_limits_are_versioned_audited_and_refused_when_wrong(bank):
    with pytest.raises(DomainError, match="原因"):
        update_limits({"npl_ratio": "2%"}, "", bank.users["rm_branch"])
    with pytest.raises(DomainError, match="格式不正确"):
        update_limits({"npl_ratio": "两成"}, "调整", bank.users["rm_branch"])
    v = update_limits({"npl_ratio": "2%"}, "从严", bank.users["rm_branch"])
    assert (v.version, v.values["npl_ratio"]) == (1, "0.0200")
    assert AuditEvent.objects.filter(action="units.update_limits").count() == 1
    with pytest.raises(DomainError, match="没有变化"):
        update_limits({"npl_ratio": "0.02"}, "再次", bank.users["rm_branch"])
    with pytest.raises(Exception, match="风险管理部门"):
        update_limits({"npl_ratio": "5%"}, "试", bank.users["am_zhang"])
    assert LimitVersion.objects.count() == 1


def _suspend(bank):
    unit = bank.branches["SB02"]
    return actions.propose_suspension(
        unit,
        product="working_capital",
        reason="逾期率超限",
        tasks=["逐户制定催收方案", "补齐贷后检查"],
        acting_user=bank.users["rm_branch"],
    )


def test_only_the_managing_units_risk_department_proposes_and_another_person_approves(monitored):
    bank = monitored
    with pytest.raises(DomainError, match="管理行风险管理部门"):
        actions.propose_suspension(
            bank.branches["SB02"],
            product="all",
            reason="x",
            tasks=["y"],
            acting_user=bank.users["rm_xihu"],  # 西湖支行 does not manage 滨江支行
        )
    with pytest.raises(DomainError, match="整改要求"):
        actions.propose_suspension(
            bank.branches["SB02"],
            product="all",
            reason="x",
            tasks=[],
            acting_user=bank.users["rm_branch"],
        )
    s = _suspend(bank)
    assert (s.status, s.managing_id, s.tasks.count()) == ("proposed", "BR01", 2)
    with pytest.raises(DomainError, match="已有未结束的停牌"):
        _suspend(bank)
    with pytest.raises(DomainError, match="四眼原则"):
        actions.approve_suspension(s, acting_user=bank.users["rm_branch"])
    s = actions.approve_suspension(s, acting_user=add_risk_head(bank))
    assert (s.status, s.suspended_on) == ("suspended", AS_OF)


def test_resumption_is_refused_until_indicators_recover_and_rectification_is_verified(monitored):
    bank = monitored
    head = add_risk_head(bank)
    s = actions.approve_suspension(_suspend(bank), acting_user=head)
    with pytest.raises(DomainError, match="不能复牌") as refused:
        actions.propose_resumption(s, note="已整改", acting_user=bank.users["rm_branch"])
    assert "尚无新的风险指标监测结果" in refused.value.message
    assert "2项整改任务未经管理行验证" in refused.value.message
    tasks = list(s.tasks.all())
    with pytest.raises(DomainError, match="尚未报告完成"):
        actions.verify_task(tasks[0], acting_user=head)
    for t in tasks:
        actions.report_task_done(t, note="已完成", acting_user=bank.users["am_wang"])
        actions.verify_task(t, acting_user=head)
    set_business_date(NEXT)
    actions.run_unit_monitoring(NEXT)  # C003 still 41+ days overdue: the indicator is over
    with pytest.raises(DomainError, match="风险指标仍超限：逾期贷款率"):
        actions.propose_resumption(s, note="已整改", acting_user=bank.users["rm_branch"])
    # C003 repays: the next screening and monitoring find SB02 back within the limits
    Loan.objects.filter(customer_id="C003").update(balance=0, status="settled")
    day = NEXT + dt.timedelta(days=1)
    set_business_date(day)
    run_screening(day)
    actions.run_unit_monitoring(day)
    assert actions.resumption_blockers(s) == []
    s = actions.propose_resumption(
        s, note="指标恢复，整改验证", acting_user=bank.users["rm_branch"]
    )
    with pytest.raises(DomainError, match="四眼原则"):
        actions.approve_resumption(s, acting_user=bank.users["rm_branch"])
    s = actions.approve_resumption(s, acting_user=head)
    assert (s.status, s.resumed_on) == ("resumed", day)
    steps = list(
        AuditEvent.objects.filter(object_id=str(s.pk), object_type="units.suspension")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert steps == [
        "units.propose_suspension",
        "units.approve_suspension",
        "units.propose_resumption",
        "units.approve_resumption",
    ]


def test_new_loans_in_a_suspended_product_raise_an_alert(monitored):
    bank = monitored
    s = actions.approve_suspension(_suspend(bank), acting_user=add_risk_head(bank))
    Loan.objects.create(
        loan_id="L900",
        customer_id="C003",
        product="working_capital",
        principal=Decimal("100000"),
        balance=Decimal("100000"),
        start_date=NEXT,
        maturity_date=NEXT + dt.timedelta(days=365),
    )
    actions.run_unit_monitoring(NEXT)
    alert = UnitAlert.objects.get(branch_id="SB02", indicator="new_business_suspended")
    assert alert.value == 1 and s.in_force


def test_the_pages_show_the_units_alerts_and_a_suspension(monitored, login):
    bank = monitored
    client = login(bank.users["rm_branch"])
    html = client.get(reverse("units:index"), {"branch": "BR01"}).content.decode()
    assert "滨江支行" in html and "逾期贷款率" in html and "tag-red" in html
    assert reverse("units:suspend", args=["SB02"]) in html
    response = client.post(
        reverse("units:suspend", args=["SB02"]),
        {"product": "all", "reason": "逾期率超限", "tasks": "催收\n检查"},
    )
    assert response.status_code == 302
    s = Suspension.objects.get()
    page = client.get(reverse("units:suspension", args=[s.pk])).content.decode()
    assert "停牌待审批" in page and "催收" in page
    client.post(reverse("units:suspension_step", args=[s.pk, "approve"]))
    s.refresh_from_db()
    assert s.status == "proposed"  # the proposer cannot approve
    limits = client.post(reverse("units:limits"), {"npl_ratio": "4%", "reason": "调整"})
    assert limits.status_code == 302 and LimitVersion.objects.get().values["npl_ratio"] == "0.0400"
    report = unit_oversight(bank.branches["BR01"], AS_OF)
    assert any("滨江支行风险指标超限" in line for line in report.lines())
    assert any("停牌待审批" in line for line in report.lines())
    # the upper unit's meeting materials: the quality report's 贷后管理工作
    quality = quality_report(scope_for(bank.users["rm_branch"], "BR01", AS_OF))
    work = next(s for s in quality_sections(quality) if s["key"] == "work")
    assert any("滨江支行风险指标超限" in line for line in work["lines"])


def test_the_managing_units_risk_department_finds_the_alert_and_approvals_in_the_inbox(
    monitored, login
):
    bank = monitored
    html = login(bank.users["rm_branch"]).get(reverse("worklist:inbox")).content.decode()
    assert "滨江支行逾期贷款率超限" in html
    other = login(bank.users["rm_xihu"]).get(reverse("worklist:inbox")).content.decode()
    assert "滨江支行逾期贷款率超限" not in other  # 西湖支行 does not manage 滨江支行
    s = _suspend(bank)
    head = add_risk_head(bank)
    assert "停复牌审批" in login(head).get(reverse("worklist:inbox")).content.decode()
    mine = login(bank.users["rm_branch"]).get(reverse("worklist:inbox")).content.decode()
    assert "停复牌审批" not in mine  # the proposer is not the one to approve
    assert s.status == "proposed"
