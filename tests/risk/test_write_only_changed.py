"""A screening writes only what changed (`risk.actions.result_tables`, `screening`): the same
date screened again with the same findings rewrites no assessment, risk view, signal or
not-evaluated row (watched by the database itself: SQLite triggers, PostgreSQL's tuple
address and version `ctid`/`xmin`), a changed finding rewrites only its own rows, and the
end state equals a full rewrite of the date — on SQLite and on PostgreSQL."""

import contextlib

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from postloan.risk.actions import persist_result
from postloan.risk.models import (
    CustomerRiskView,
    DataIssue,
    LoanAssessment,
    NotEvaluated,
    Signal,
)
from tests.risk.results import AS_OF, make_result, signal_row

WATCHED = (LoanAssessment, CustomerRiskView, Signal, NotEvaluated)
CONTENT = {
    LoanAssessment: (
        "loan_id",
        "customer_id",
        "dpd",
        "overdue_principal",
        "overdue_interest",
        "balance",
        "current_class",
        "suggested_class",
        "rule_ids",
        "reasons",
        "floors",
        "change",
        "waivable_technical",
        "status",
        "decided_class",
        "content_hash",
    ),
    CustomerRiskView: (
        "customer_id",
        "exposure",
        "worst_class",
        "max_dpd",
        "npl_balance",
        "counts",
        "score",
        "rank",
        "explanation",
        "content_hash",
    ),
    NotEvaluated: ("customer_id", "rule_id", "reason"),
    DataIssue: ("table", "key", "issue", "detail"),
}


@contextlib.contextmanager
def touched():
    """Yields a dict filled on exit: table → the ids of rows inserted, updated or deleted."""
    found: dict[str, set[int]] = {m._meta.db_table: set() for m in WATCHED}
    tables = list(found)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS touched_rows (tbl text, row_id int)")
            cursor.execute("DELETE FROM touched_rows")
            for table in tables:
                for op, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
                    cursor.execute(
                        f"CREATE TEMP TRIGGER watch_{table}_{op.lower()} AFTER {op} ON "
                        f"main.{table} BEGIN INSERT INTO touched_rows VALUES "
                        f"('{table}', {row}.id); END"
                    )
        try:
            yield found
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT tbl, row_id FROM touched_rows")
                for table, row_id in cursor.fetchall():
                    found[table].add(row_id)
                for table in tables:
                    for op in ("insert", "update", "delete"):
                        cursor.execute(f"DROP TRIGGER watch_{table}_{op}")
        return

    def versions() -> dict[str, dict[int, str]]:
        out = {}
        with connection.cursor() as cursor:
            for table in tables:
                # a row written again is a new tuple: a new place (ctid) even inside the
                # test's one transaction, where its xmin stays the same
                cursor.execute(f"SELECT id, ctid::text || '/' || xmin::text FROM {table}")
                out[table] = dict(cursor.fetchall())
        return out

    before = versions()
    yield found
    after = versions()
    for table in tables:
        old, new = before[table], after[table]
        found[table] = {i for i in old.keys() | new.keys() if old.get(i) != new.get(i)}


def ids(model, **filters) -> set[int]:
    return set(model.objects.filter(**filters).values_list("pk", flat=True))


def content(as_of=AS_OF) -> dict:
    """Every stored value of the date but the ids (and the run that wrote a row)."""
    out = {
        model.__name__: sorted(
            repr(row) for row in model.objects.filter(as_of=as_of).values_list(*fields)
        )
        for model, fields in CONTENT.items()
    }
    out["Signal"] = sorted(
        repr(row)
        for row in Signal.objects.values_list(
            "rule_id", "customer_id", "loan_key", "level", "evidence", "summary", "last_seen_on"
        )
    )
    return out


def changed_result():
    """The first result with L003 worse, C002's view moved, L001 gone and one more signal."""
    signals = [
        signal_row("EW-DPD", "C003", "L003", dpd=95),
        signal_row("EW-LEVERAGE", "C001", None, level="yellow", family="financial"),
    ]
    result = make_result(l003_dpd=95, l003_suggested="substandard", signals=signals)
    result.loan_classification = result.loan_classification.filter(
        pc.not_equal(result.loan_classification["loan_id"], "L001")
    )
    views = result.risk_view.to_pylist()
    for row in views:
        if row["customer_id"] == "C002":
            row["score"], row["explanation_zh"] = 7.25, "评分上升"
    result.risk_view = pa.Table.from_pylist(views)
    return result


def test_the_same_date_screened_again_with_the_same_findings_rewrites_nothing(bank):
    first = persist_result(make_result(), AS_OF)
    assert first["rows_written"] == 3 and first["views_written"] == 3
    assessments, views = ids(LoanAssessment, as_of=AS_OF), ids(CustomerRiskView, as_of=AS_OF)

    with touched() as rows:
        counts = persist_result(make_result(), AS_OF)

    assert rows == {m._meta.db_table: set() for m in WATCHED}
    assert (counts["rows_written"], counts["rows_unchanged"], counts["workflow_kept"]) == (0, 3, 3)
    assert (counts["views_written"], counts["views_unchanged"]) == (0, 3)
    assert (counts["signals_updated"], counts["signals_unchanged"]) == (0, 1)
    assert ids(LoanAssessment, as_of=AS_OF) == assessments
    assert ids(CustomerRiskView, as_of=AS_OF) == views


def test_a_changed_finding_rewrites_only_its_rows_and_ends_as_a_full_rewrite(bank):
    persist_result(make_result(), AS_OF)
    l002 = LoanAssessment.objects.get(loan_id="L002", as_of=AS_OF)
    l003 = LoanAssessment.objects.get(loan_id="L003", as_of=AS_OF)
    l001 = LoanAssessment.objects.get(loan_id="L001", as_of=AS_OF)
    c001, c002 = (
        CustomerRiskView.objects.get(customer_id=c, as_of=AS_OF).pk for c in ("C001", "C002")
    )

    with touched() as rows:
        counts = persist_result(changed_result(), AS_OF)

    assert rows["loan_assessments"] == {l001.pk, l003.pk}  # gone, changed; L002 untouched
    assert rows["customer_risk_views"] == {c002, ids(CustomerRiskView, customer_id="C003").pop()}
    assert c001 not in rows["customer_risk_views"]
    assert (counts["rows_written"], counts["rows_unchanged"], counts["rows_rewritten"]) == (1, 1, 2)
    assert LoanAssessment.objects.get(loan_id="L003", as_of=AS_OF).pk == l003.pk  # same id
    assert LoanAssessment.objects.get(loan_id="L002", as_of=AS_OF).pk == l002.pk
    incremental = content()

    # The reference: the date emptied and the same result written in full.
    for model in (LoanAssessment, CustomerRiskView, NotEvaluated, DataIssue):
        model.objects.filter(as_of=AS_OF).delete()
    Signal.objects.all().delete()
    persist_result(make_result(), AS_OF)  # the signals' history as before
    for model in (LoanAssessment, CustomerRiskView, NotEvaluated, DataIssue):
        model.objects.filter(as_of=AS_OF).delete()
    full = persist_result(changed_result(), AS_OF)

    assert full["rows_written"] == 2 and full["rows_unchanged"] == 0
    assert content() == incremental
    assert LoanAssessment.objects.get(loan_id="L003", as_of=AS_OF).suggested_class == "substandard"


def test_a_moved_balance_rewrites_the_suggestion_though_the_engine_found_the_same(bank):
    persist_result(make_result(), AS_OF)
    loan = bank.loans["L002"]
    type(loan).objects.filter(pk=loan.pk).update(balance=loan.balance + 1)
    before = LoanAssessment.objects.get(loan_id="L002", as_of=AS_OF)

    counts = persist_result(make_result(), AS_OF)

    after = LoanAssessment.objects.get(loan_id="L002", as_of=AS_OF)
    assert (counts["rows_written"], counts["rows_unchanged"]) == (1, 2)
    assert after.pk == before.pk and after.balance == before.balance + 1
