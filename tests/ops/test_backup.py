"""`postloan backup` / `postloan restore` round-trip the database (SQLite and PostgreSQL runs)."""

from django.core.management import call_command

from postloan.core.models import AuditEvent
from postloan.ops.backup import kind_of
from postloan.portfolio.models import Customer, Loan, Transaction, TxnMonthTotal


def _state():
    totals = TxnMonthTotal.objects.exclude(n=0).values_list(
        "account_id", "month", "n", "amount_fen"
    )
    return (
        sorted(Customer.objects.values_list("customer_id", "name", "manager_id")),
        sorted(Loan.objects.values_list("loan_id", "balance", "classification")),
        sorted(totals),  # derived: restored or recomputed, never doubled
    )


def test_it_round_trips_the_database(transactional_db, tmp_path):
    from tests.factories import make_bank

    make_bank()
    before = _state()
    out = tmp_path / "postloan.backup"
    call_command("backup", "-o", str(out))
    assert out.stat().st_size > 0
    assert out.stat().st_mode & 0o777 == 0o600  # owner only: it holds every customer's data
    assert kind_of(out) in {"sqlite", "pg_dump", "dumpdata"}

    Loan.objects.filter(loan_id="L001").update(balance=1)
    Customer.objects.filter(customer_id="C003").update(name="被篡改")
    assert _state() != before

    call_command("restore", str(out), "--yes")
    assert _state() == before
    assert AuditEvent.objects.filter(action="ops.restore").exists()


def test_it_round_trips_through_json_too(transactional_db, tmp_path):
    from tests.factories import make_bank

    make_bank()
    before = _state()
    out = tmp_path / "postloan.json.gz"
    from postloan.ops.backup import backup, restore

    out.write_bytes(b"")
    out.chmod(0o644)  # an older, world-readable file of the same name is made private
    backup(out, json=True)
    assert kind_of(out) == "dumpdata"
    assert out.stat().st_mode & 0o777 == 0o600
    Customer.objects.filter(customer_id="C001").update(name="改")
    Transaction.objects.all().delete()
    restore(out)
    assert _state() == before
    assert before[2], "the bank has flows, so the totals are not empty"


def test_it_refuses_an_unknown_file(db, tmp_path):
    import pytest
    from django.core.management.base import CommandError

    bogus = tmp_path / "x.bak"
    bogus.write_bytes(b"hello world")
    with pytest.raises(CommandError, match="无法识别"):
        call_command("restore", str(bogus), "--yes")
