"""The classification page through HTTP, as the people who use it: the 风险经理 meets the
floor next to the field, the 风险部负责人 approves, a 认定 is corrected with its history kept."""

import re

from postloan.core.models import AuditEvent
from postloan.portfolio.models import Loan
from postloan.risk.actions import confirm_classification, persist_result
from postloan.risk.models import ClassificationDecision, LoanAssessment
from tests.risk.results import AS_OF, make_result

URL = "/risk/classification/loan/L003/"


def preselected(page: str, name: str) -> list[str]:
    """The classes the select `name` shows as chosen (only 请选择 when nobody decided yet)."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r'value="(\w*)" selected', select)


def test_the_class_select_has_no_preselected_value(loss, login):
    page = login(loss.users["rm_branch"]).get(URL).content.decode()
    assert preselected(page, "c-confirmed_class") == [""]
    assert "底线分类" in page and 'id="floor-class"><span class="tag tag-loss">' in page
    page = login(loss.users["am_wang"]).get(URL).content.decode()
    assert preselected(page, "p-proposed_class") == [""]


def test_a_class_below_the_floor_is_refused_next_to_the_field(loss, login):
    client = login(loss.users["rm_branch"])
    response = client.post(
        URL, {"step": "confirm", "c-confirmed_class": "normal", "c-reason": "客户承诺下月还清"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    field = page[page.index('id="confirm-form"') :]
    field = field[: field.index("</form>")]
    error = field[: field.index('name="c-confirmed_class"')]
    assert "《商业银行金融资产风险分类办法》第十二条（一）：本金、利息逾期超过360天，" in error
    assert "至少归为损失类" in error
    assert 'value="normal" selected' in field and "客户承诺下月还清" in field
    assert not ClassificationDecision.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="risk.").exists()
    assert LoanAssessment.objects.get(loan_id="L003").status == "pending"
    assert Loan.objects.get(pk="L003").classification == "special_mention"


def test_a_proposal_below_the_floor_is_refused_next_to_the_field(loss, login):
    response = login(loss.users["am_wang"]).post(
        URL, {"step": "propose", "p-proposed_class": "substandard", "p-reason": "有抵押"}
    )
    assert response.status_code == 400
    assert "不能认定为次级类" in response.content.decode()
    assert not ClassificationDecision.objects.exists()


def test_four_eyes_through_the_pages(short_overdue, login, client):
    bank = short_overdue
    rm = login(bank.users["rm_branch"])
    response = rm.post(
        URL,
        {
            "step": "confirm",
            "c-confirmed_class": "normal",
            "c-technical_waiver": "on",
            "c-waiver_reason": "代扣系统故障，次日已扣款",
        },
    )
    assert response.status_code == 302
    page = rm.get(URL).content.decode()
    assert "已提交风险管理部门负责人审批" in page
    assert 'id="pending-approval"' in page and 'id="approve-form"' not in page
    assert 'id="confirm-form"' not in page
    # The proposer cannot approve by posting the form either.
    assert rm.post(URL, {"step": "approve", "a-decision": "approve"}).status_code == 403
    assert Loan.objects.get(pk="L003").classification == "special_mention"

    head = login(bank.users["risk_head"])
    inbox = head.get("/work/").content.decode()
    assert "审批分类认定：L003" in inbox
    page = head.get(URL).content.decode()
    assert 'id="approve-form"' in page and "checked" not in page[page.index('id="approve-form"') :]
    response = head.post(URL, {"step": "approve", "a-decision": "reject", "a-note": ""})
    assert response.status_code == 400
    assert "退回必须填写理由" in response.content.decode()
    response = head.post(URL, {"step": "approve", "a-decision": "approve", "a-note": "已核实"})
    assert response.status_code == 302
    assert Loan.objects.get(pk="L003").classification == "normal"
    assert 'id="current-class"><span class="tag tag-normal">' in head.get(URL).content.decode()


def test_the_suggestion_list_filters_what_waits_for_approval(short_overdue, login):
    bank = short_overdue
    confirm_classification(
        LoanAssessment.objects.get(loan_id="L003"),
        "normal",
        "",
        bank.users["rm_branch"],
        technical_waiver=True,
        waiver_reason="系统故障",
    )
    client = login(bank.users["risk_head"])
    page = client.get("/risk/classification/?status=pending_approval&change=all").content.decode()
    assert "L003" in page and "认定待审批" in page
    page = client.get("/risk/classification/?status=pending&change=all").content.decode()
    assert "L003" not in page


def test_a_correction_through_the_page_keeps_the_history(bank, login):
    persist_result(make_result(l003_dpd=95, l003_suggested="substandard"), AS_OF)
    client = login(bank.users["rm_branch"])
    client.post(URL, {"step": "confirm", "c-confirmed_class": "loss", "c-reason": "已停产"})
    page = client.get(URL).content.decode()
    assert 'id="correct-form"' in page and 'id="confirm-form"' not in page
    assert preselected(page, "x-corrected_class") == [""]
    response = client.post(URL, {"step": "correct", "x-corrected_class": "doubtful"})
    assert response.status_code == 400 and "更正必须填写理由" in response.content.decode()
    response = client.post(
        URL, {"step": "correct", "x-corrected_class": "doubtful", "x-reason": "已部分复产"}
    )
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    table = page[page.index('id="decisions"') :]
    assert "更正（更正此前认定）" in table and "调整" in table
    assert "已部分复产" in table and "已停产" in table
    assert Loan.objects.get(pk="L003").classification == "doubtful"


def test_an_account_manager_cannot_post_a_correction(bank, login):
    persist_result(make_result(l003_dpd=95, l003_suggested="substandard"), AS_OF)
    confirm_classification(
        LoanAssessment.objects.get(loan_id="L003"), "substandard", "", bank.users["rm_branch"]
    )
    response = login(bank.users["am_wang"]).post(
        URL, {"step": "correct", "x-corrected_class": "loss", "x-reason": "x"}
    )
    assert response.status_code == 403
    assert ClassificationDecision.objects.count() == 1
