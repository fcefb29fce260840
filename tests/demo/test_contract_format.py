"""Every table of the data contract is written, with its exact columns and valid values."""

import hashlib

import duckdb
import pytest

from postloan import contract
from postloan.demo.generate import generate_bank
from tests.demo.conftest import AS_OF, csv_relation

PATTERNS = {
    "money": r"^-?[0-9]+(\.[0-9]{1,2})?$",
    "int": r"^-?[0-9]+$",
    "decimal": r"^-?[0-9]+(\.[0-9]+)?$",
    "month": r"^[0-9]{4}-(0[1-9]|1[0-2])$",
    "bool": r"^(true|false)$",
}


def _hashes(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()  # history/month_ends.parquet too (the forecast model's month-ends)
    }


def test_it_is_byte_identical_for_the_same_seed_and_differs_for_another(xs_bank, tmp_path):
    again = tmp_path / "again"
    other = tmp_path / "other"
    generate_bank("XS", 1, again, AS_OF)
    generate_bank("XS", 2, other, AS_OF)
    assert _hashes(again) == _hashes(xs_bank)
    differing = {n for n, h in _hashes(other).items() if _hashes(xs_bank)[n] != h}
    assert {"customers.csv", "loans.csv", "transactions.csv", "repayments.csv"} <= differing


@pytest.mark.parametrize("bank_fixture", ["xs_bank", "s_bank"])
def test_it_writes_every_contract_table_with_exactly_its_columns(bank_fixture, request):
    folder = request.getfixturevalue(bank_fixture)
    for t in contract.TABLES:
        path = folder / f"{t.name}.csv"
        assert path.exists(), t.name
        header = path.open(encoding="utf-8").readline().strip().split(",")
        assert tuple(header) == t.codes, t.name
        with path.open(encoding="utf-8") as fh:
            assert sum(1 for _ in fh) > 1, f"{t.name} is empty"


def _problems(folder) -> list[str]:
    con = duckdb.connect()
    problems = []
    for t in contract.TABLES:
        rel = csv_relation(con, folder, t.name)
        checks = []
        for col in t.columns:
            q = f'"{col.code}"'
            if col.required:
                checks.append((f"{col.code} missing", f"{q} IS NULL OR trim({q}) = ''"))
            if col.type == "date":
                checks.append(
                    (
                        f"{col.code} not a date",
                        f"{q} IS NOT NULL AND try_strptime({q}, '%Y-%m-%d') IS NULL",
                    )
                )
            elif col.type in PATTERNS:
                checks.append(
                    (
                        f"{col.code} bad {col.type}",
                        f"{q} IS NOT NULL AND NOT regexp_matches({q}, '{PATTERNS[col.type]}')",
                    )
                )
            elif col.type == "enum":
                codes = ", ".join(f"'{c}'" for c in col.choice_codes)
                checks.append(
                    (f"{col.code} not in choices", f"{q} IS NOT NULL AND {q} NOT IN ({codes})")
                )
            if col.positive:
                checks.append((f"{col.code} not > 0", f"{q}::DECIMAL(18, 2) <= 0"))
        if t.one_of:
            cond = " AND ".join(f'"{c}" IS NULL' for c in t.one_of)
            checks.append((f"none of {t.one_of}", cond))
        for label, cond in checks:
            n = con.execute(f"SELECT count(*) FROM {rel} WHERE {cond}").fetchall()[0][0]
            if n:
                problems.append(f"{t.name}.{label}: {n} rows")
        key = ", ".join(f'"{k}"' for k in t.key)
        dup = con.execute(
            f"SELECT count(*) FROM (SELECT {key} FROM {rel} GROUP BY ALL HAVING count(*) > 1)"
        ).fetchall()[0][0]
        if dup:
            problems.append(f"{t.name}: {dup} duplicate keys")
        for col in t.columns:
            if col.references:
                ref_table, ref_col = col.references.split(".")
                ref = csv_relation(con, folder, ref_table)
                n = con.execute(
                    f'SELECT count(*) FROM {rel} x WHERE x."{col.code}" IS NOT NULL '
                    f'AND x."{col.code}" NOT IN (SELECT "{ref_col}" FROM {ref})'
                ).fetchall()[0][0]
                if n:
                    problems.append(f"{t.name}.{col.code}: {n} unresolved references")
    return problems


@pytest.mark.parametrize("bank_fixture", ["xs_bank", "s_bank"])
def test_it_writes_values_that_parse_per_the_contract_and_references_that_resolve(
    bank_fixture, request
):
    assert _problems(request.getfixturevalue(bank_fixture)) == []


def test_it_keeps_dates_on_or_before_the_as_of_date_for_facts(s_bank):
    con = duckdb.connect()
    for table, column in (
        ("transactions", "txn_date"),
        ("account_balances", "balance_date"),
        ("collateral_values", "value_date"),
        ("events", "event_date"),
        ("credit_reports", "report_date"),
        ("repayments", "paid_off_date"),
        ("disbursements", "pay_date"),
    ):
        late = con.execute(
            f"SELECT count(*) FROM {csv_relation(con, s_bank, table)} WHERE {column}::DATE > DATE '{AS_OF}'"
        ).fetchall()[0][0]
        assert late == 0, table


def test_it_builds_an_s_bank_of_the_promised_size(s_bank):
    def rows(name):
        with (s_bank / f"{name}.csv").open(encoding="utf-8") as fh:
            return sum(1 for _ in fh) - 1

    assert rows("customers") == 3300
    assert 4_500 <= rows("loans") <= 8_000
    assert 400_000 <= rows("transactions") <= 900_000
    assert rows("branches") == 1 + 1 + 4
