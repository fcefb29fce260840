"""Nothing is lost at import: every record of a CSV file is read, or the file is refused by name.

The reader (DuckDB) must not take `#` for a comment or skip lines; the importer counts each
file's records a second way (`ingest.csvcheck.scan`, bytes honouring quotes) and refuses the
file on any difference with the reader's count.
"""

import csv
import io
import re

import duckdb
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from postloan.ingest import csvcheck, readers
from postloan.ingest.service import run_import
from postloan.portfolio.models import Customer
from tests.ingest.conftest import write_bank

# The demo's customers format (all eleven columns); four of the five ids begin with `#`.
HASH_CUSTOMERS = (
    "customer_id,name,type,branch_code,manager_id,industry_code,region_code,id_number,"
    "actual_controller,established_date,group_id\n"
    "#C001,义乌成达建设工程有限公司,corporate,SB1,S01,E4710,330782,913307828475135006,于芳,2021-10-11,\n"
    "#C002,台州鼎新建设工程有限公司,corporate,SB1,S01,E4710,331002,91331002597143987C,韩颖立,2007-04-08,G0002\n"
    "#C003,诸暨瑞丰电子元件有限公司,corporate,SB2,S02,C3971,330681,91330681364052594U,雷兰立,2016-10-03,G0001\n"
    "#C004,嘉兴和泰电线电缆有限公司,corporate,SB2,S02,C3831,330402,91330402481100457X,罗晶,2001-09-25,\n"
    "C005,绍兴海纳房地产开发有限公司,corporate,SB1,S01,K7010,330602,91330602418942328H,侯静,2019-09-27,\n"
)


def _no_path_no_english(reason: str, tmp_path) -> None:
    assert str(tmp_path) not in reason and "/tmp" not in reason
    assert not re.search(r"Error|Exception|sniff|Line:|duckdb", reason, re.IGNORECASE), reason


@pytest.mark.django_db
def test_ids_beginning_with_a_hash_are_all_imported(tmp_path):
    folder = write_bank(tmp_path / "bank", tables={"branches", "staff"})
    (folder / "customers.csv").write_text(HASH_CUSTOMERS, encoding="utf-8")
    result = run_import(folder)
    assert result.ok, [str(e) for e in result.errors]
    assert result.rows["customers"] == 5
    assert sorted(Customer.objects.values_list("pk", flat=True)) == [
        "#C001",
        "#C002",
        "#C003",
        "#C004",
        "C005",
    ]


def _dropping_reader(path, parallel=True):
    """The reader as it was: DuckDB's sniffer free to pick a comment character."""
    return (
        f"read_csv('{path.as_posix()}', header = true, all_varchar = true, delim = ',',"
        " quote = '\"', escape = '\"', null_padding = true, auto_detect = true)"
    )


@pytest.mark.django_db
def test_a_reader_that_drops_rows_is_caught_by_the_second_count(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "_read_csv_sql", _dropping_reader)
    folder = write_bank(tmp_path / "bank", tables={"branches", "staff"})
    (folder / "customers.csv").write_text(HASH_CUSTOMERS, encoding="utf-8")
    result = run_import(folder)
    assert not result.ok
    assert not Customer.objects.exists()
    [error] = [e for e in result.errors if e.file == "customers.csv"]
    assert "读取到 1 行数据，逐字节核对为 5 行，两者不一致" in error.reason
    assert "不予导入" in error.reason
    _no_path_no_english(error.reason, tmp_path)


# ---- the byte count against Python's csv module ----------------------------------------------


def pieces(chars: str, max_size: int):
    """Text of the given characters and CRLF pairs."""
    return st.lists(st.sampled_from([*chars, "\r\n"]), max_size=max_size).map("".join)


VALUE = pieces('ab#"=, \r\n\t杭州', 6)


def _csv_count(data: bytes) -> int:
    text = data.decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), strict=False) if r]
    return max(len(rows) - 1, 0)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(VALUE, min_size=3, max_size=3), min_size=0, max_size=8),
    ending=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
    chunk=st.sampled_from([1, 2, 3, 5, 64, 8 * 1024 * 1024]),
)
@example(rows=[['"', "", ""]], ending="\r\n", bom=False, chunk=1)
def test_the_byte_count_agrees_with_a_csv_parse(tmp_path, monkeypatch, rows, ending, bom, chunk):
    monkeypatch.setattr(csvcheck, "CHUNK_BYTES", chunk)  # records straddle chunk boundaries
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator=ending)
    w.writerow(["a", "b", "c"])
    w.writerows(rows)
    data = ("\ufeff" if bom else "").encode() + out.getvalue().encode()
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    found = csvcheck.scan(path)
    assert found.records == _csv_count(data)
    assert found.line_ending in {ending.replace("\r\n", "CRLF").replace("\n", "LF"), "mixed"}
    assert not found.open_quote


def test_the_byte_count_takes_quoted_line_breaks_blank_lines_and_a_missing_last_ending(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b'a,b\n\n"1\n2",x\n\n""\n3,"y""z"')
    found = csvcheck.scan(path)
    assert (found.records, found.line_ending, found.counted_by) == (3, "LF", "bytes")


def test_a_quote_inside_a_value_is_counted_by_the_csv_module(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b'a,b\n5"x,1\n2,3\n')
    found = csvcheck.scan(path)
    assert (found.records, found.counted_by, found.open_quote) == (2, "csv", False)


# ---- the property: rows in = rows read, or a named refusal -------------------------------------

HEADER = ["customer_id", "name", "type", "branch_code"]
ID = st.text(alphabet=st.sampled_from(list("#C0123=\"' ,")), min_size=1, max_size=6)
NAME = pieces('杭州甲"#,\n ab=-+@', 8)
LINE = st.sampled_from(["\n", "\r\n", "\r"])


def _load(path, workdir) -> tuple[readers.LoadedFile, list]:
    """The file read as the importer reads it, and the ids it holds in file order."""
    con = duckdb.connect()
    try:
        src = readers.Source(table="customers", path=path, fmt="csv")
        loaded = readers.load(con, src, workdir)
        ids = []
        if loaded.ok:
            sql = "SELECT customer_id FROM raw_customers ORDER BY rowid"
            ids = [r[0] for r in con.execute(sql).fetchall()]
        return loaded, ids
    finally:
        con.close()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(st.tuples(ID, NAME), min_size=0, max_size=6),
    endings=st.lists(LINE, min_size=8, max_size=8),
    mixed=st.booleans(),
    bom=st.booleans(),
    blank_after=st.lists(st.booleans(), min_size=8, max_size=8),
    encoding=st.sampled_from(["utf-8", "gb18030"]),
)
def test_every_row_in_is_read_or_the_file_is_refused_by_name(
    tmp_path, records, endings, mixed, bom, blank_after, encoding
):
    ending = endings[0]
    lines = [",".join(HEADER)]
    for cid, name in records:
        out = io.StringIO(newline="")
        # CRLF as the writer's terminator: a value holding CR or LF is quoted.
        csv.writer(out, lineterminator="\r\n").writerow([cid, name, "corporate", "SB1"])
        lines.append(out.getvalue().removesuffix("\r\n"))
    body = ""
    for i, line in enumerate(lines):
        end = endings[i % len(endings)] if mixed else ending
        body += line + end
        if blank_after[i % len(blank_after)] and i:
            body += end  # an empty line: no record
    data = (("\ufeff" if bom else "") + body).encode(encoding if not bom else "utf-8")
    path = tmp_path / "customers.csv"
    path.write_bytes(data)
    workdir = tmp_path / "work"
    workdir.mkdir(exist_ok=True)
    loaded, ids = _load(path, workdir)
    event("read" if loaded.ok else "refused: " + loaded.errors[0].reason[:14])
    if loaded.ok:
        assert loaded.rows == len(records)
        assert ids == [cid for cid, _ in records]  # every record, in order, as written
    else:
        assert loaded.errors and all(e.file == "customers.csv" for e in loaded.errors)
        for e in loaded.errors:
            assert re.search(r"[\u4e00-\u9fff]", e.reason)
            _no_path_no_english(e.reason, tmp_path)
