"""Which customers' screening results changed — what the worklist's next plan re-plans.

The content hash of a suggestion (`result_tables`) covers the loan's own findings (DPD, overdue
amounts, classes, rules, floors) and not the date, so it compares across dates. After
`replace_assessments` has shaped the date's rows in DuckDB (`res_assessments`):

* a **re-screening** of a date compares them with that date's stored rows — the diff the
  merge already made (`diff_assessments`: the rows written) plus the vanished ones;
* a **new date** compares, loan by loan, what the worklist reads of a suggestion — customer,
  current class (`risk.current`: with what people decided), overdue or not — on this date and
  on the previous screened date (one narrow query each, after the decided classes are
  written). A DPD that grows by a day, or evidence that moves, changes no plan: not listed.
  The loans' own changes (balance, dates, status) come with their import batch
  (`ImportBatch.customers_touched`).

Returns the sorted customer ids, or None when there is nothing to compare with (the first
screening) or more than `MAX_LISTED` changed: the next plan is then a full re-plan.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from postloan.portfolio.models import Loan
from postloan.risk.current import with_current_class
from postloan.risk.models import LoanAssessment

MAX_LISTED = 20_000


def changed_customers(duck, as_of: dt.date) -> list[str] | None:
    tables = {r[0] for r in duck.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "res_assessments" not in tables:
        return _everyone_changed_if_any(as_of)
    (stored_today,) = duck.execute("SELECT count(*) FROM stored_assessments").fetchall()[0]
    if stored_today:
        rows = duck.execute(
            "SELECT r.customer_id FROM res_assessments r JOIN diff_assessments d "
            "USING (loan_id) WHERE d.write UNION "
            "SELECT l.customer_id FROM stored_assessments s "
            "ANTI JOIN res_assessments r ON r.loan_id = s.key "
            "JOIN stored_owner l ON l.loan_id = s.key"
            if _register_owners(duck)
            else "SELECT r.customer_id FROM res_assessments r JOIN diff_assessments d "
            "USING (loan_id) WHERE d.write"
        ).fetchall()
        return _listed(rows)
    previous = (
        LoanAssessment.objects.filter(as_of__lt=as_of).order_by("-as_of").values("as_of").first()
    )
    if previous is None:
        return None
    before, now = _plan_inputs(previous["as_of"]), _plan_inputs(as_of)
    ids = {now[k][0] for k in now.keys() - before.keys()}
    ids |= {before[k][0] for k in before.keys() - now.keys()}
    ids |= {now[k][0] for k in now.keys() & before.keys() if now[k] != before[k]}
    ids |= {before[k][0] for k in now.keys() & before.keys() if now[k][0] != before[k][0]}
    return _listed([(c,) for c in ids])


def _listed(rows) -> list[str] | None:
    ids = sorted({c for (c,) in rows if c})
    return None if len(ids) > MAX_LISTED else ids


def _everyone_changed_if_any(as_of: dt.date) -> list[str] | None:
    """No suggestion found on this date: the stored ones (if any) vanished — too broad to list."""
    return [] if not LoanAssessment.objects.filter(as_of__lt=as_of).exists() else None


def _register_owners(duck) -> bool:
    """The customers of the stored rows that vanished (their loans, looked up by id)."""
    keys = [
        k
        for (k,) in duck.execute(
            "SELECT s.key FROM stored_assessments s ANTI JOIN res_assessments r "
            "ON r.loan_id = s.key"
        ).fetchall()
    ]
    if not keys:
        return False
    owners = dict(Loan.objects.filter(loan_id__in=keys[:MAX_LISTED]).values_list("pk", "customer"))
    duck.register(
        "stored_owner",
        pa.table(
            {
                "loan_id": pa.array(list(owners), pa.string()),
                "customer_id": pa.array(list(owners.values()), pa.string()),
            }
        ),
    )
    return True


def _plan_inputs(as_of: dt.date) -> dict[str, tuple]:
    """{loan: (customer, current class, overdue?)} of a date's stored suggestions — what the
    worklist reads of them (`risk.current`, DPD ≥ 1), after the decided classes are written."""
    rows = with_current_class(LoanAssessment.objects.filter(as_of=as_of)).values_list(
        "loan_id", "customer_id", "current_cls", "dpd"
    )
    return {loan: (customer, cls, (dpd or 0) >= 1) for loan, customer, cls, dpd in rows}
