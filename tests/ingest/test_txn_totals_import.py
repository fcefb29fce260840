"""The importer keeps txn_month_totals exact: set-based on a first load, by the triggers after."""

from datetime import date

import pytest

from postloan.ingest.service import run_import
from postloan.portfolio import txn_totals
from tests.ingest.conftest import write_csv
from tests.portfolio.test_txn_totals import grouped, stored

pytestmark = pytest.mark.django_db


def test_first_load_writes_the_totals_set_based(imported):
    assert stored() == grouped()
    assert sum(n for n, _ in stored().values()) == 6
    # derived categories are summed as stored: T001 货款 → sales_proceeds
    assert stored()[("A001", date(2026, 10, 1), "in", "sales_proceeds")] == (1, 25_000_000)


def test_a_later_batch_moves_changes_and_adds_flows(imported, tmp_path):
    folder = tmp_path / "later"
    folder.mkdir()
    write_csv(
        folder,
        "transactions",
        """
        txn_id,account_id,txn_date,direction,amount,counterparty_name,counterparty_account,summary,category
        T001,A001,2026-11-02,in,250000.00,某某商贸公司,6222111,货款,
        T002,A001,2026-10-05,out,90000,某材料公司,6222333,采购原材料,
        T007,A003,2026-11-03,in,1.23,,,,other
        """,
    )
    result = run_import(folder)
    assert result.ok, [str(e) for e in result.errors]
    assert stored() == grouped()
    before = stored()
    txn_totals.rebuild()
    assert stored() == before


def test_reimporting_the_same_batch_changes_no_totals(imported, bank_dir):
    before = stored()
    assert run_import(bank_dir).ok
    assert stored() == before
