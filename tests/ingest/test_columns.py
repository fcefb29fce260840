"""Parsing and checking one column of each contract type, in DuckDB, as the importer does."""

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from postloan.ingest import columns
from postloan.ingest.schema import table_spec
from postloan.ingest.sql import ident


def parse(table: str, code: str, values: list[str | None]) -> list[tuple]:
    """(parsed value, reason) for each raw text value of `table.code`."""
    spec = table_spec(table).column(code)
    con = duckdb.connect()
    con.execute(f"CREATE TABLE raw (i INTEGER, {ident(code)} VARCHAR)")
    con.executemany("INSERT INTO raw VALUES (?, ?)", list(enumerate(values)))
    con.execute(
        f"CREATE VIEW clean AS SELECT i, {columns.cleaned_sql(ident(code), spec)} AS {ident(code)} FROM raw"
    )
    error = columns.error_sql(spec) or "NULL"
    return con.execute(
        f"SELECT {columns.value_sql(spec)}, {error} FROM clean ORDER BY i"
    ).fetchall()


def test_it_parses_money_with_thousands_separators_into_fen():
    rows = parse("financials", "net_profit", ["1,234,567.89", "100", "0.5", " 42.10 ", "-3.00"])
    assert [r[0] for r in rows] == [123456789, 10000, 50, 4210, -300]
    assert all(r[1] is None for r in rows)


def test_it_rejects_money_with_three_decimal_places_instead_of_rounding():
    (two, three) = parse("facilities", "limit_amount", ["1.25", "1.255"])
    assert two == (125, None)
    assert three[1] == columns.MONEY_PLACES


@pytest.mark.parametrize("text", ["12,34", "1.2.3", "abc", "¥100", "1,0000"])
def test_it_rejects_malformed_money(text):
    ((value, reason),) = parse("facilities", "limit_amount", [text])
    assert value is None
    assert reason == columns.MONEY_FORMAT


def test_it_requires_positive_amounts_where_the_contract_says_so():
    rows = parse("transactions", "amount", ["0.01", "0", "-5"])
    assert rows[0] == (1, None)
    assert rows[1][1] == columns.MONEY_POSITIVE
    assert rows[2][1] == columns.MONEY_POSITIVE


def test_it_refuses_a_negative_loan_balance():
    rows = parse("loans", "balance", ["0", "-1"])
    assert rows[0] == (0, None)
    assert rows[1][1] == columns.MONEY_NEGATIVE


def test_it_reports_empty_required_values():
    rows = parse("loans", "principal", [None, "", "   "])
    assert [r[1] for r in rows] == [columns.REQUIRED] * 3


def test_it_accepts_the_three_date_forms_and_rejects_impossible_dates():
    rows = parse(
        "loans",
        "start_date",
        [
            "2024-02-29",
            "2024/3/5",
            "20240101",
            "20240230",
            "2024-13-01",
            "01/02/2024",
            "2024.01.01",
        ],
    )
    assert [r[0] for r in rows[:3]] == [
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 5),
        dt.date(2024, 1, 1),
    ]
    assert rows[3] == (None, columns.DATE_INVALID)
    assert rows[4] == (None, columns.DATE_INVALID)
    assert rows[5] == (None, columns.DATE_FORMAT)
    assert rows[6] == (None, columns.DATE_FORMAT)
    assert columns.DATE_FORMAT == "日期格式不正确，应为 YYYY-MM-DD"


def test_it_parses_months_to_their_first_day():
    rows = parse(
        "tax_invoices",
        "month",
        ["2024-03", "2024/3", "202403", "2024-03-01", "2024-13", "2024-03-15"],
    )
    assert [r[0] for r in rows[:4]] == [dt.date(2024, 3, 1)] * 4
    assert rows[4][1] == columns.MONTH_FORMAT
    assert rows[5][1] == columns.MONTH_FORMAT


def test_it_parses_booleans_in_every_accepted_spelling():
    words = ["true", "FALSE", "1", "0", "Y", "n", "是", "否", None, "yes?"]
    rows = parse("loans", "restructured", words)
    assert [r[0] for r in rows[:8]] == [True, False, True, False, True, False, True, False]
    assert rows[8] == (False, None)  # empty → contract default "false"
    assert rows[9] == (None, columns.BOOL_FORMAT)


def test_it_accepts_enum_codes_and_chinese_labels():
    rows = parse("loans", "classification", ["normal", "关注", "SUBSTANDARD", "可疑", None, "坏账"])
    assert [r[0] for r in rows[:5]] == [
        "normal",
        "special_mention",
        "substandard",
        "doubtful",
        "normal",
    ]
    assert rows[5][0] == ""  # never loaded: the row is reported
    assert rows[5][1].startswith("取值不在允许范围内")
    assert "关注(special_mention)" in rows[5][1]


def test_it_parses_integers_and_rejects_fractions_and_negatives():
    rows = parse("staff", "credit_years", ["12", "+3", "1.5", "-2", "十"])
    assert rows[0] == (12, None)
    assert rows[1] == (3, None)
    assert rows[2] == (None, columns.INT_FORMAT)
    assert rows[3][1] == columns.INT_NEGATIVE
    assert rows[4] == (None, columns.INT_FORMAT)


def test_it_parses_rates_as_exact_decimals_within_the_column_precision():
    rows = parse(
        "loans", "interest_rate", ["0.0435", ".05", "0.04350000", "0.1234567", "abc", "12345"]
    )
    assert rows[0] == (Decimal("0.043500"), None)
    assert rows[1] == (Decimal("0.050000"), None)
    assert rows[2] == (Decimal("0.043500"), None)
    assert rows[3][1] == "小数位数不能超过 6 位"
    assert rows[4][1] == columns.NUMBER_FORMAT
    assert rows[5][1] == columns.NUMBER_RANGE


def test_it_limits_text_to_what_the_database_column_holds():
    rows = parse("customers", "region_code", ["330106", "3301061"])
    assert rows[0] == ("330106", None)
    assert rows[1][1] == "长度超过 6 个字符"


def test_it_fills_contract_defaults_and_empty_text():
    assert parse("loans", "currency", [None]) == [("CNY", None)]
    assert parse("loans", "purpose", [None]) == [("", None)]
