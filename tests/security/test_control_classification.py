"""内控矩阵：五级分类认定 (docs/security.md) — each control tried through every channel that
could reach it: the web page, the REST API, the Django admin, the CLI, the action itself."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from postloan.api.tokens import issue_token
from postloan.org.roles import grant_role
from postloan.portfolio.models import Loan
from postloan.risk.actions import (
    TransitionError,
    approve_classification,
    confirm_classification,
    correct_classification,
    persist_result,
    record_committee_classification,
)
from postloan.risk.current import current_class
from postloan.risk.models import ClassificationDecision, LoanAssessment
from tests.factories import add_risk_head, make_user
from tests.risk.results import AS_OF, make_result

PAGE = "/risk/classification/loan/L003/"


def l003() -> LoanAssessment:
    return LoanAssessment.objects.get(loan_id="L003", as_of=AS_OF)


@pytest.fixture
def loss(loss):
    """L003 at the 损失 floor (tests/risk/conftest.py), and an auditor in the maintenance pages."""
    auditor = make_user("auditor", None)
    grant_role(auditor, "auditor")
    loss.users["auditor"] = auditor
    return loss


def unchanged():
    a = l003()
    assert (a.status, a.confirmed_class) == ("pending", "")
    assert Loan.objects.get(pk="L003").classification == "special_mention"
    assert not ClassificationDecision.objects.exists()


# ─── 1. floors are floors ───────────────────────────────────────────────────────────────


def test_floor_by_web(loss, login):
    response = login(loss.users["rm_branch"]).post(
        PAGE, {"step": "confirm", "c-confirmed_class": "normal", "c-reason": "x"}
    )
    assert response.status_code == 400 and "至少归为损失类" in response.content.decode()
    unchanged()


def test_floor_by_action_for_every_kind_of_decision(loss):
    rm = loss.users["rm_branch"]
    with pytest.raises(TransitionError, match="至少归为损失类"):
        confirm_classification(l003(), "doubtful", "x", rm)
    with pytest.raises(TransitionError, match="至少归为损失类"):
        record_committee_classification(l003(), "doubtful", "x", rm, meeting_id=1, agenda_item_id=1)
    unchanged()
    confirm_classification(l003(), "loss", "", rm)
    with pytest.raises(TransitionError, match="至少归为损失类"):
        correct_classification(l003(), "doubtful", "x", rm)


def test_floor_by_api_there_is_no_write(loss, client):
    from django.test import Client

    from postloan.api.models import Scope

    reader = Client()
    reader.force_login(loss.users["am_zhang"])  # the document is served after login
    paths = reader.get("/api/openapi.json").json()["paths"]
    for path, ops in paths.items():
        if path.startswith("/api/classifications"):
            assert set(ops) == {"get"}, path
    _t, raw = issue_token(loss.users["rm_branch"], scopes=list(Scope.values))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/classifications/{l003().pk}"
    assert client.get(url, **auth).status_code == 200
    for method in (client.post, client.put, client.patch):
        response = method(
            url, {"confirmed_class": "normal"}, content_type="application/json", **auth
        )
        assert response.status_code in (404, 405), method
    unchanged()


def test_floor_by_admin_assessments_and_decisions_are_read_only(loss, login):
    a = l003()
    for who in ("admin", "auditor"):
        client = login(loss.users[who])
        url = f"/admin/risk/loanassessment/{a.pk}/change/"
        assert client.get(url).status_code == 200
        response = client.post(url, {"status": "confirmed", "confirmed_class": "normal"})
        assert response.status_code == 403
        assert client.post(f"/admin/risk/loanassessment/{a.pk}/delete/").status_code == 403
    unchanged()


def test_floor_by_admin_a_loans_class_is_read_only(loss, login):
    client = login(loss.users["admin"])
    url = "/admin/portfolio/loan/L003/change/"
    form = client.get(url).context["adminform"].form
    assert "classification" not in form.fields
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(
        {
            "classification": "normal",
            "instalments-TOTAL_FORMS": "0",
            "instalments-INITIAL_FORMS": "0",
        }
    )
    client.post(url, data)
    assert Loan.objects.get(pk="L003").classification == "special_mention"


def test_floor_by_cli_rescreening_never_lifts_a_decision(screened_bank):
    bank = screened_bank
    a = LoanAssessment.objects.get(loan_id="L003")
    confirm_classification(a, "doubtful", "现金流枯竭", bank.users["rm_branch"])
    Loan.objects.filter(pk="L003").update(classification="normal")  # a stale extract
    call_command("screen", "--as-of", a.as_of.isoformat())
    again = LoanAssessment.objects.get(loan_id="L003", as_of=a.as_of)
    assert current_class(again) == "doubtful"


# ─── 2. four eyes for a class better than the suggestion ────────────────────────────────


@pytest.fixture
def waived(bank):
    persist_result(make_result(l003_dpd=5), AS_OF)
    add_risk_head(bank)
    confirm_classification(
        l003(), "normal", "", bank.users["rm_branch"], technical_waiver=True, waiver_reason="故障"
    )
    return bank


def test_four_eyes_by_web_the_proposer_has_no_approval_form(waived, login):
    client = login(waived.users["rm_branch"])
    assert 'id="approve-form"' not in client.get(PAGE).content.decode()
    assert client.post(PAGE, {"step": "approve", "a-decision": "approve"}).status_code == 403
    assert Loan.objects.get(pk="L003").classification == "special_mention"


@pytest.mark.parametrize("who", ["rm_branch", "chair", "admin", "am_wang"])
def test_four_eyes_by_action(waived, who):
    with pytest.raises(PermissionDenied):
        approve_classification(l003(), waived.users[who])
    assert current_class(l003()) == "special_mention"


def test_four_eyes_an_approver_is_not_the_proposer(waived):
    head = waived.users["risk_head"]
    correct = approve_classification(l003(), head)  # another person: in force
    assert correct.status == "confirmed"
    correct_classification(l003(), "special_mention", "撤销豁免", waived.users["rm_branch"])
    correct_classification(l003(), "normal", "再次豁免", head, True, "故障")
    with pytest.raises(PermissionDenied, match="四眼原则"):
        approve_classification(l003(), head)


# ─── 3. a 认定 is never edited: corrections are new decisions ────────────────────────────


def test_history_by_admin_decisions_cannot_change_or_go(waived, login):
    d = ClassificationDecision.objects.get()
    client = login(waived.users["admin"])
    url = f"/admin/risk/classificationdecision/{d.pk}/"
    assert client.get(f"{url}change/").status_code == 200
    assert client.post(f"{url}change/", {"to_class": "loss"}).status_code == 403
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    assert ClassificationDecision.objects.get().to_class == "normal"


def test_history_by_orm_a_decision_is_not_saved_twice(waived):
    d = ClassificationDecision.objects.get()
    d.to_class = "loss"
    with pytest.raises(ValueError, match="不可修改"):
        d.save()
    with pytest.raises(ValueError, match="不可删除"):
        d.delete()
    assert ClassificationDecision.objects.get().to_class == "normal"


def test_history_by_web_the_correction_keeps_the_old(bank, login):
    persist_result(make_result(l003_dpd=95, l003_suggested="substandard"), AS_OF)
    client = login(bank.users["rm_branch"])
    client.post(PAGE, {"step": "confirm", "c-confirmed_class": "doubtful", "c-reason": "停产"})
    assert (
        client.post(PAGE, {"step": "confirm", "c-confirmed_class": "loss", "c-reason": "x"})
    ).status_code == 403  # a 认定 is not confirmed again: only 更正 is offered
    client.post(PAGE, {"step": "correct", "x-corrected_class": "substandard", "x-reason": "复产"})
    kinds = list(ClassificationDecision.objects.order_by("id").values_list("kind", "to_class"))
    assert kinds == [("override", "doubtful"), ("correction", "substandard")]


# ─── 4. the committee decides with its meeting named ────────────────────────────────────


def test_committee_by_action_needs_a_recorder_and_the_meeting(loss):
    with pytest.raises(PermissionDenied):
        record_committee_classification(
            l003(), "loss", "", loss.users["am_wang"], meeting_id=1, agenda_item_id=2
        )
    with pytest.raises(TransitionError):
        record_committee_classification(
            l003(), "loss", "", loss.users["rm_branch"], meeting_id=None, agenda_item_id=None
        )
    unchanged()
