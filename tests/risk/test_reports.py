"""Migration matrix and NPL ratio: the figures reconcile with the loans behind them."""

import datetime as dt
from decimal import Decimal

from postloan.risk import queries
from postloan.risk.actions import confirm_classification, persist_result
from postloan.risk.models import LoanAssessment
from tests.risk.results import AS_OF, make_result

LATER = AS_OF + dt.timedelta(days=30)


def test_it_reconciles_the_migration_matrix_with_the_loans_at_both_dates(bank):
    persist_result(make_result(), AS_OF)
    result = make_result(as_of=LATER, l003_dpd=95, l003_suggested="substandard")
    result.loan_classification = result.loan_classification.filter(
        [r != "L002" for r in result.loan_classification.column("loan_id").to_pylist()]
    )
    persist_result(result, LATER)
    confirm_classification(
        LoanAssessment.objects.get(loan_id="L003", as_of=LATER),
        "substandard",
        "",
        bank.users["rm_branch"],
    )

    m = queries.migration_matrix(LoanAssessment.objects.all(), AS_OF, LATER)
    both = set(LoanAssessment.objects.filter(as_of=AS_OF).values_list("loan_id", flat=True)) & set(
        LoanAssessment.objects.filter(as_of=LATER).values_list("loan_id", flat=True)
    )
    assert sum(m.counts.values()) == m.total_loans == len(both) == 2
    assert m.counts == {("normal", "normal"): 1, ("special_mention", "substandard"): 1}
    assert m.balances[("special_mention", "substandard")] == Decimal("3000000.00")
    assert m.exited == {"normal": 1}
    assert sum(r["count"] for r in m.rows()) == m.total_loans
    assert sum(n for n, _ in m.column_totals()) == m.total_loans


def test_it_computes_the_npl_ratio_per_unit_and_rolls_up(bank):
    persist_result(make_result(l003_dpd=95, l003_suggested="substandard"), AS_OF)
    branches = [bank.branches[c] for c in ("BR01", "SB01", "SB02")]
    rows = {
        r["branch"].branch_code: r
        for r in queries.npl_by_unit(LoanAssessment.objects.all(), AS_OF, branches)
    }

    # Not yet confirmed, and the extract says 关注: on the books at its floor 次级 all the same.
    assert rows["SB02"]["npl"] == Decimal("3000000.00")
    assert rows["SB02"]["suggested_ratio"] == Decimal("1")
    assert rows["BR01"]["total"] == Decimal("7150000.00")
    assert rows["BR01"]["suggested_npl"] == Decimal("3000000.00")
    assert rows["SB01"]["loans"] == 2
