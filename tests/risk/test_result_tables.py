"""The set-based writes of the screening's big tables (`risk.actions.result_tables`) keep every
value as written — text a CSV round trip could mangle, JSON, money, the workflow of a
suggestion re-screened — on SQLite and on PostgreSQL (COPY of DuckDB's CSV)."""

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
from django.utils import timezone

from postloan.risk.actions import persist_result
from postloan.risk.models import ClassificationDecision, CustomerRiskView, LoanAssessment
from tests.risk.results import AS_OF, make_result

AWKWARD = '逗号,引号"换行\n反斜杠\\N 和 \\ 与 \t 制表'


def awkward_result(**kwargs):
    result = make_result(**kwargs)
    rows = result.loan_classification.to_pylist()
    for row in rows:
        if row["loan_id"] == "L002":
            row["reasons"] = AWKWARD
    result.loan_classification = pa.Table.from_pylist(rows)
    floors = result.loan_floors.to_pylist()
    floors.append(
        {
            "loan_id": "L003",
            "rule_id": "CLS-A-TEXT",
            "floor_class": "special_mention",
            "reason_zh": AWKWARD,
            "evidence": "不是JSON",
        }
    )
    result.loan_floors = pa.Table.from_pylist(floors)
    views = result.risk_view.to_pylist()
    views[1]["explanation_zh"] = AWKWARD
    views[1]["score"] = 12.345
    result.risk_view = pa.Table.from_pylist(views)
    return result


def test_awkward_text_json_and_money_come_back_as_written(bank):
    counts = persist_result(awkward_result(), AS_OF)

    assert (counts["loans"], counts["floors"], counts["customers"]) == (3, 2, 3)
    assert LoanAssessment.objects.get(loan_id="L002").reasons == AWKWARD
    l003 = LoanAssessment.objects.get(loan_id="L003")
    assert l003.floors == [
        {
            "rule_id": "CLS-A-TEXT",
            "floor_class": "special_mention",
            "reason": AWKWARD,
            "evidence": {"text": "不是JSON"},
        },
        {
            "rule_id": "CLS-SM-DPD",
            "floor_class": "special_mention",
            "reason": "逾期41天",
            "evidence": {"dpd": 41},
        },
    ]
    assert str(l003.overdue_interest) == "21750.00" and str(l003.overdue_principal) == "0.00"
    assert LoanAssessment.objects.get(loan_id="L001").floors == []
    c001 = CustomerRiskView.objects.get(customer_id="C001")
    assert c001.explanation == AWKWARD
    assert str(c001.score) == "12.35" and str(c001.exposure) == "4000000.00"
    assert c001.counts == {
        "levels": {"yellow": 0, "orange": 0, "red": 0},
        "families": {},
        "breadth": 0,
    }


def test_a_rescreened_suggestion_keeps_its_id_its_workflow_and_its_decisions(bank):
    persist_result(make_result(), AS_OF)
    person = bank.users["rm_branch"]
    at = timezone.now().replace(microsecond=0)
    LoanAssessment.objects.filter(loan_id="L003").update(
        status="confirmed",
        confirmed_class="special_mention",
        confirmation_reason="认定",
        confirmed_by=person,
        confirmed_at=at,
    )
    before = LoanAssessment.objects.get(loan_id="L003")
    decision = ClassificationDecision.objects.create(
        loan_id="L003",
        assessment=before,
        as_of=AS_OF,
        kind="confirmation",
        from_class="special_mention",
        to_class="special_mention",
    )

    counts = persist_result(make_result(), AS_OF)  # same suggestion: the workflow stays
    after = LoanAssessment.objects.get(loan_id="L003")
    assert counts["workflow_kept"] == 3
    assert (after.pk, after.status, after.confirmed_by_id, after.confirmed_at) == (
        before.pk,
        "confirmed",
        person.pk,
        at,
    )

    persist_result(make_result(l003_dpd=95, l003_suggested="substandard"), AS_OF)
    changed = LoanAssessment.objects.get(loan_id="L003")
    assert (changed.pk, changed.status, changed.confirmed_by_id) == (before.pk, "pending", None)
    decision.refresh_from_db()
    assert decision.assessment_id == before.pk  # still linked: same id

    fewer = make_result()
    fewer.loan_classification = fewer.loan_classification.filter(
        pc.not_equal(fewer.loan_classification["loan_id"], "L003")
    )
    persist_result(fewer, AS_OF)
    decision.refresh_from_db()
    assert decision.assessment_id is None  # the suggestion is gone: the decision stays, unlinked
    assert not LoanAssessment.objects.filter(loan_id="L003").exists()


def test_a_new_date_adds_rows_beside_the_old_ones(bank):
    persist_result(make_result(), AS_OF)
    later = AS_OF + dt.timedelta(days=1)
    persist_result(make_result(as_of=later), later)
    assert LoanAssessment.objects.filter(as_of=later).count() == 3
    assert LoanAssessment.objects.filter(as_of=AS_OF).count() == 3
    assert CustomerRiskView.objects.filter(as_of=later).count() == 3
