"""Formula-safe CSV: no text cell the product writes runs as a spreadsheet formula."""

import csv
import io

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postloan.core import csvsafe
from postloan.risk import exports


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1,200.50", "-1,200.50"),  # a plain number stays a number
        ("+86", "+86"),
        ("杭州=甲", "杭州=甲"),
        ("", ""),
    ],
)
def test_it_escapes_text_a_spreadsheet_would_run(value, written):
    assert csvsafe.escape(value) == written


def test_values_that_are_not_text_are_left_alone():
    assert csvsafe.escape(-5) == -5
    assert csvsafe.escape(None) is None


def test_the_writer_escapes_every_cell():
    out = io.StringIO()
    csvsafe.writer(out, lineterminator="\n").writerows([["=1+1", "ok", -3], ["@x", "-4", ""]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["'=1+1", "ok", "-3"],
        ["'@x", "-4", ""],
    ]


@settings(deadline=None, max_examples=60)
@given(st.text(alphabet=st.sampled_from(list("=+-@\t\r0123,.a甲 '\"")), max_size=8))
def test_the_duckdb_expression_escapes_as_the_python_one(value):
    con = duckdb.connect()
    try:
        sql = f"SELECT {csvsafe.duckdb_escape('v')} FROM (SELECT ? AS v)"
        got = con.execute(sql, [value]).fetchone()[0]
    finally:
        con.close()
    assert got == csvsafe.escape(value)


def test_the_risk_exports_write_formula_safe_csv():
    out = io.StringIO()
    exports.write_csv(out, ["loan_id", "reasons"], [["=L1", "-逾期 90 天"], ["L2", "-12.5"]])
    assert out.getvalue().splitlines() == ["loan_id,reasons", "'=L1,'-逾期 90 天", "L2,-12.5"]
