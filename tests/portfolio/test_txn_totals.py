"""txn_month_totals: the triggers keep it equal to grouping `transactions`, whoever writes;
the importer's first load writes it set-based; screening reads it, a partial month included."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from postloan.portfolio import txn_totals
from postloan.portfolio.models import Account, Customer, Transaction, TxnMonthTotal
from postloan.risk.engine import Thresholds
from postloan.risk.snapshot import build_snapshot

pytestmark = pytest.mark.django_db


def stored() -> dict:
    """The totals as kept, without groups emptied by deletions."""
    return {
        (t.account_id, t.month, t.direction, t.category): (t.n, t.amount_fen)
        for t in TxnMonthTotal.objects.exclude(n=0)
    }


def grouped() -> dict:
    """The same figures computed from `transactions` in Python."""
    out: dict = {}
    for t in Transaction.objects.all():
        key = (t.account_id, t.txn_date.replace(day=1), t.direction, t.category or "other")
        n, fen = out.get(key, (0, 0))
        out[key] = (n + 1, fen + int(t.amount * 100))
    return out


@pytest.fixture
def account(bank):
    branch = next(iter(bank.branches.values()))
    customer = Customer.objects.create(
        customer_id="TOT1", name="汇总测试有限公司", type="corporate", branch=branch
    )
    return Account.objects.create(account_id="TOTA1", customer=customer)


def txn(account, txn_id, day, amount, direction="in", category="sales_proceeds"):
    return Transaction.objects.create(
        txn_id=txn_id,
        account=account,
        txn_date=day,
        direction=direction,
        amount=Decimal(amount),
        category=category,
    )


def test_triggers_follow_inserts_updates_and_deletes(account):
    baseline = grouped()
    assert stored() == baseline
    a = txn(account, "TT1", date(2026, 5, 3), "100.10")
    txn(account, "TT2", date(2026, 5, 20), "0.05")
    txn(account, "TT3", date(2026, 6, 1), "7.00", direction="out", category="")
    assert stored() == grouped() != baseline
    row = TxnMonthTotal.objects.get(account_id="TOTA1", month=date(2026, 5, 1))
    assert (row.n, row.amount_fen, row.last_date) == (2, 10015, date(2026, 5, 20))
    assert TxnMonthTotal.objects.get(account_id="TOTA1", direction="out").category == "other"

    a.txn_date, a.amount = date(2026, 6, 9), Decimal("1.00")  # moves month and amount
    a.save()
    Transaction.objects.filter(pk="TT2").update(category="purchase")
    assert stored() == grouped()
    Transaction.objects.filter(account=account).delete()
    assert stored() == baseline


def test_rebuild_gives_the_same_totals(account):
    txn(account, "TR1", date(2026, 1, 31), "3.30")
    txn(account, "TR2", date(2026, 1, 1), "4.40", direction="out", category="tax")
    before = stored()
    assert txn_totals.rebuild() == TxnMonthTotal.objects.count()
    assert stored() == before == grouped()


def test_suspended_triggers_come_back_with_a_rollback(account):
    with pytest.raises(RuntimeError), transaction.atomic(), txn_totals.suspended():
        txn(account, "TS1", date(2026, 2, 2), "1.00")
        raise RuntimeError("import failed")
    txn(account, "TS2", date(2026, 2, 3), "2.00")
    assert stored() == grouped()


def test_a_failure_while_suspended_surfaces_as_itself(account):
    """On PostgreSQL the failed statement aborts the transaction; restoring the trigger then
    would raise 'current transaction is aborted' instead (a full disk at scale L read so)."""
    failing = pytest.raises(DatabaseError, match="no_such_table")
    with failing, transaction.atomic(), txn_totals.suspended(), connection.cursor() as cur:
        cur.execute("SELECT * FROM no_such_table")
    txn(account, "TF1", date(2026, 2, 4), "5.00")
    assert stored() == grouped()


@pytest.mark.django_db(transaction=True)
def test_suspending_outside_a_transaction_is_refused():
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError), txn_totals.suspended():
        pass


def test_snapshot_leaves_out_flows_after_the_business_date(account):
    txn(account, "TP1", date(2026, 5, 3), "10.00")
    txn(account, "TP2", date(2026, 6, 10), "20.00")
    txn(account, "TP3", date(2026, 6, 25), "40.00")  # after the as-of date below
    txn(account, "TP4", date(2026, 6, 12), "5.00", direction="out", category="tax")
    con = build_snapshot(date(2026, 6, 15), Thresholds())
    rows = con.execute(
        "SELECT CAST(month AS DATE), direction, category, counterparty_kind, amount_fen, n"
        " FROM txn_monthly WHERE account_id = 'TOTA1' ORDER BY 1, 2"
    ).fetchall()
    assert rows == [
        (date(2026, 5, 1), "in", "sales_proceeds", "trade", 1000, 1),
        (date(2026, 6, 1), "in", "sales_proceeds", "trade", 2000, 1),
        (date(2026, 6, 1), "out", "tax", "payroll_tax", 500, 1),
    ]
    later = build_snapshot(date(2026, 6, 30), Thresholds())
    assert later.execute(
        "SELECT amount_fen, n FROM txn_monthly WHERE account_id = 'TOTA1'"
        " AND CAST(month AS DATE) = DATE '2026-06-01' AND direction = 'in'"
    ).fetchall() == [(6000, 2)]
