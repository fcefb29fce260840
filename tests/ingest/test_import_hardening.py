"""Import hardening: bombs, forged archives and broken files are refused in Chinese, naming the
file, the row and the column, never a server path or the reader's English; nothing is written.
"""

import io
import re
import struct
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from postloan.api.tokens import issue_token
from postloan.ingest import csvcheck
from postloan.ingest.models import ImportBatch
from postloan.ingest.service import run_import
from postloan.ops.models import JobProgress
from postloan.portfolio.models import Customer
from tests.ingest.conftest import BANK, csv_text, write_bank
from tests.ingest.test_web import person

CUSTOMERS = "customer_id,name,type,branch_code,manager_id\n"


def _plain(reason: str, *paths) -> None:
    """Chinese, no server path, none of the reader's own words."""
    assert re.search(r"[\u4e00-\u9fff]", reason), reason
    for p in (*paths, "/tmp", "/work", "site-packages"):
        assert str(p) not in reason, reason
    assert not re.search(
        r"Error|Exception|Traceback|sniff|Line:|duckdb|openpyxl|zipfile|CRC", reason, re.I
    ), reason


def _bank_with(tmp_path, name: str, data: bytes):
    folder = write_bank(tmp_path / "bank", tables={"branches", "staff"})
    (folder / name).write_bytes(data)
    return folder


def _only_error(result, file: str):
    assert not result.ok
    errors = [e for e in result.errors if e.file == file]
    assert len(errors) == 1, [str(e) for e in result.errors]
    return errors[0]


# ---- CSV parse errors --------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unclosed_quote_names_its_row_and_column(tmp_path):
    text = CUSTOMERS + "C001,杭州甲制造有限公司,corporate,SB1,S01\n" + 'C002,"李娜,retail,SB1,S01\n'
    text += "C003,杭州乙贸易有限公司,corporate,SB2,S02\n"
    folder = _bank_with(tmp_path, "customers.csv", text.encode())
    error = _only_error(run_import(folder), "customers.csv")
    assert (error.row, error.column) == (3, "客户名称")
    assert "引号未闭合" in error.reason and "第 3 行" in error.reason
    _plain(error.reason, tmp_path)
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_a_fifty_megabyte_line_is_refused_with_its_row(tmp_path):
    big = b"C002," + b"x" * (50 * 1024 * 1024) + b",retail,SB1,S01\n"
    head = (CUSTOMERS + "C001,甲,corporate,SB1,S01\n").encode()
    data = head + big + "C003,乙,corporate,SB2,S02\n".encode()
    folder = _bank_with(tmp_path, "customers.csv", data)
    error = _only_error(run_import(folder), "customers.csv")
    assert error.row == 3 and "超过 1 MB" in error.reason
    _plain(error.reason, tmp_path)
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_a_row_with_more_values_than_the_header_is_named(tmp_path):
    text = CUSTOMERS + "C001,杭州甲,corporate,SB1,S01\nC002,李娜,retail,SB1,S01,多余,值\n"
    folder = _bank_with(tmp_path, "customers.csv", text.encode())
    error = _only_error(run_import(folder), "customers.csv")
    assert error.row == 3 and "有 7 个值，多于表头的 5 列" in error.reason
    _plain(error.reason, tmp_path)


@pytest.mark.django_db
def test_a_utf8_file_with_a_gbk_line_is_refused_as_mixed_encodings(tmp_path):
    data = (
        (CUSTOMERS + "C001,杭州甲制造有限公司,corporate,SB1,S01\n").encode("utf-8")
        + "C002,李娜工作室,retail,SB1,S01\n".encode("gbk")
        + "C003,杭州乙贸易有限公司,corporate,SB2,S02\n".encode()
    )
    folder = _bank_with(tmp_path, "customers.csv", data)
    error = _only_error(run_import(folder), "customers.csv")
    assert error.row == 3 and "编码混杂：第 3 行是 GBK 编码" in error.reason
    assert "（如第 2 行）是 UTF-8 编码" in error.reason
    _plain(error.reason, tmp_path)
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_a_gbk_file_with_a_utf8_line_is_refused_as_mixed_encodings(tmp_path):
    data = (CUSTOMERS + "C001,杭州甲制造有限公司,corporate,SB1,S01\n").encode(
        "gbk"
    ) + "C002,李娜工作室,retail,SB1,S01\n".encode()
    folder = _bank_with(tmp_path, "customers.csv", data)
    error = _only_error(run_import(folder), "customers.csv")
    assert error.row == 3 and "编码混杂：第 3 行是 UTF-8 编码" in error.reason
    _plain(error.reason, tmp_path)


GBK_ROWS = [
    ("C001", "杭州甲制造有限公司", "corporate", "SB1", "S01"),
    ("C002", "李娜", "retail", "SB1", "S01"),
    ("C003", "王芳", "retail", "SB2", "S02"),
    ("C004", "浙江丙建设集团有限公司", "corporate", "SB2", "S02"),
]


def _lines(rows) -> list[str]:
    return [",".join(r) + "\n" for r in rows]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["李", "某", "张三", "路"])
def test_one_utf8_line_in_a_gbk_file_is_refused_whatever_its_length(tmp_path, name):
    """One UTF-8 line, even of a single character, among GBK lines: refused, naming it."""
    lines = _lines(GBK_ROWS)
    data = CUSTOMERS.encode() + b"".join(line.encode("gbk") for line in lines[:2])
    data += f"C009,{name},retail,SB1,S01\n".encode()
    data += b"".join(line.encode("gbk") for line in lines[2:])
    folder = _bank_with(tmp_path, "customers.csv", data)
    error = _only_error(run_import(folder), "customers.csv")
    assert error.row == 4, error.reason
    assert "编码混杂：第 4 行是 UTF-8 编码" in error.reason and "GBK 编码" in error.reason
    _plain(error.reason, tmp_path)
    assert not Customer.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["李", "某", "张三", "杭州乙贸易有限公司"])
@pytest.mark.parametrize("where", [2, 4])  # the first Chinese line of the file, or among others
def test_one_gbk_line_in_a_utf8_file_is_refused_whatever_its_length(tmp_path, name, where):
    lines = [line.encode() for line in _lines(GBK_ROWS)]
    lines.insert(where - 2, f"C009,{name},retail,SB1,S01\n".encode("gbk"))
    folder = _bank_with(tmp_path, "customers.csv", CUSTOMERS.encode() + b"".join(lines))
    error = _only_error(run_import(folder), "customers.csv")
    assert error.row == where, error.reason
    assert f"编码混杂：第 {where} 行是 GBK 编码" in error.reason and "UTF-8 编码" in error.reason
    _plain(error.reason, tmp_path)
    assert not Customer.objects.exists()


@pytest.mark.parametrize("text", ["李", "某", "路", "张三", "杭州甲制造有限公司", "José·李"])
def test_a_line_reads_one_way_only(text):
    line = f"C001,{text},retail\n"
    if text.startswith("José"):  # a Latin word decides nothing
        assert csvcheck.line_encoding(line.encode()) is None
        return
    assert csvcheck.line_encoding(line.encode()) == "utf-8"
    # 路 in GBK (C2 B7) is also UTF-8's middle dot: undecided alone, GBK beside its neighbours
    expected = None if text == "路" else "gbk"
    assert csvcheck.line_encoding(line.encode("gbk")) == expected


@pytest.mark.django_db
def test_a_pure_gbk_file_still_imports(tmp_path):
    rows = [
        *GBK_ROWS,
        ("C005", "某", "retail", "SB1", "S01"),
        ("C006", "路", "retail", "SB1", "S01"),
    ]
    data = CUSTOMERS.encode() + "".join(_lines(rows)).encode("gbk")
    folder = _bank_with(tmp_path, "customers.csv", data)
    result = run_import(folder)
    assert result.ok, [str(e) for e in result.errors]
    assert Customer.objects.get(pk="C005").name == "某"
    assert Customer.objects.get(pk="C004").name == "浙江丙建设集团有限公司"


@pytest.mark.django_db
def test_a_utf8_file_with_latin_names_and_middle_dots_still_imports(tmp_path):
    rows = [
        *GBK_ROWS,
        ("C005", "José Müller", "retail", "SB1", "S01"),
        ("C006", "A·B", "retail", "SB1", "S01"),
    ]
    data = (CUSTOMERS + "".join(_lines(rows))).encode()
    folder = _bank_with(tmp_path, "customers.csv", data)
    result = run_import(folder)
    assert result.ok, [str(e) for e in result.errors]
    assert Customer.objects.get(pk="C005").name == "José Müller"


# ---- row numbers are the file's text lines -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_validation_names_the_text_line_despite_blank_lines_and_multiline_values(
    tmp_path, encoding
):
    """A BOM, a blank line after the header, a quoted name spanning two lines, another blank
    line: the bad type on text line 8 is reported as line 8, not as the 4th record's row 5."""
    text = (
        CUSTOMERS  # line 1
        + "\n"  # line 2: blank
        + "C001,杭州甲制造有限公司,corporate,SB1,S01\n"  # line 3
        + 'C002,"李娜\n（个体工商户）",retail,SB1,S01\n'  # lines 4-5
        + "\n"  # line 6: blank
        + "C003,王芳,retail,SB2,S02\n"  # line 7
        + "C004,浙江丙建设集团有限公司,法人客户X,SB2,S02\n"  # line 8: bad type
    )
    folder = _bank_with(tmp_path, "customers.csv", text.encode(encoding))
    result = run_import(folder)
    assert not result.ok
    errors = [e for e in result.errors if e.file == "customers.csv"]
    assert [e.row for e in errors] == [8], [(e.row, e.reason) for e in errors]
    assert errors[0].value == "法人客户X"
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_a_duplicate_key_names_both_text_lines(tmp_path):
    text = (
        CUSTOMERS
        + 'C001,"杭州甲\n制造有限公司",corporate,SB1,S01\n'  # lines 2-3
        + "\n\n"  # lines 4-5
        + "C001,杭州甲制造有限公司,corporate,SB1,S01\n"  # line 6: the same key again
    )
    folder = _bank_with(tmp_path, "customers.csv", text.encode())
    errors = [e for e in run_import(folder).errors if e.file == "customers.csv"]
    assert errors and errors[0].row == 6, [(e.row, e.reason) for e in errors]
    assert "第 2 行" in errors[0].reason, errors[0].reason


@pytest.mark.django_db
def test_mixed_line_endings_are_refused_with_the_line(tmp_path):
    data = CUSTOMERS.replace("\n", "\r\n") + "C001,甲,corporate,SB1,S01\r\nC002,乙,retail,SB1,S01\n"
    folder = _bank_with(tmp_path, "customers.csv", data.encode())
    error = _only_error(run_import(folder), "customers.csv")
    assert "混用了不同的换行符" in error.reason and error.row == 3
    _plain(error.reason, tmp_path)


def test_the_diagnosis_of_a_stray_quote_names_the_column(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(CUSTOMERS + 'C001,"甲"公司,corporate,SB1,S01\n', encoding="utf-8")
    problem = csvcheck.diagnose(path, "utf-8")
    assert (problem.row, problem.column) == (2, "name")
    assert "引号" in problem.reason


# ---- XLSX --------------------------------------------------------------------------------------


def _workbook(rows: list[list], formula_cells=()) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "customers"
    for r in rows:
        ws.append(r)
    for ref, formula in formula_cells:
        ws[ref] = formula
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _with_member(xlsx: bytes, name: str, data: bytes) -> bytes:
    buf = io.BytesIO(xlsx)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return buf.getvalue()


HEADER_ROW = ["customer_id", "name", "type", "branch_code", "manager_id"]
GOOD_ROWS = [
    HEADER_ROW,
    ["C001", "杭州甲制造有限公司", "corporate", "SB1", "S01"],
    ["C002", "李娜", "retail", "SB1", "S01"],
]


@pytest.mark.django_db
def test_an_xlsx_bomb_is_refused_before_it_is_read(tmp_path):
    bomb = _with_member(_workbook(GOOD_ROWS), "xl/media/pad.bin", b"\0" * (60 * 1024 * 1024))
    assert len(bomb) < 200 * 1024
    folder = _bank_with(tmp_path, "customers.xlsx", bomb)
    started = time.perf_counter()
    error = _only_error(run_import(folder), "customers.xlsx")
    assert time.perf_counter() - started < 60  # refused before reading
    assert "压缩比异常" in error.reason and "压缩炸弹" in error.reason
    _plain(error.reason, tmp_path)
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_an_xlsx_larger_than_the_unpacked_limit_is_refused(tmp_path, settings):
    settings.POSTLOAN_XLSX_MAX_UNPACKED_BYTES = 4096
    folder = _bank_with(tmp_path, "customers.xlsx", _workbook(GOOD_ROWS))
    error = _only_error(run_import(folder), "customers.xlsx")
    assert "解压后超过上限" in error.reason
    _plain(error.reason, tmp_path)


@pytest.mark.django_db
def test_a_sheet_over_the_cell_limit_is_refused_by_its_declared_range(tmp_path, settings):
    settings.POSTLOAN_XLSX_MAX_CELLS = 12
    folder = _bank_with(tmp_path, "customers.xlsx", _workbook(GOOD_ROWS))
    error = _only_error(run_import(folder), "customers.xlsx")
    assert "A1:E3 共 15 个单元格，超过上限 12" in error.reason
    _plain(error.reason, tmp_path)


def _forge_dimension(xlsx: bytes, ref: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for m in src.infolist():
            data = src.read(m)
            if m.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]+"', f'<dimension ref="{ref}"'.encode(), data)
            dst.writestr(m, data)
    return out.getvalue()


@pytest.mark.django_db
def test_a_declared_range_smaller_than_the_data_cuts_no_row_off(tmp_path):
    rows = GOOD_ROWS + [["C003", "杭州乙贸易有限公司", "corporate", "SB2", "S02"]]
    folder = _bank_with(tmp_path, "customers.xlsx", _forge_dimension(_workbook(rows), "A1:B2"))
    result = run_import(folder)
    assert result.ok, [str(e) for e in result.errors]
    assert sorted(Customer.objects.values_list("pk", "manager_id")) == [
        ("C001", "S01"),
        ("C002", "S01"),
        ("C003", "S02"),
    ]


@pytest.mark.django_db
def test_a_forged_small_range_does_not_lift_the_cell_limit(tmp_path, settings):
    settings.POSTLOAN_XLSX_MAX_CELLS = 12
    folder = _bank_with(tmp_path, "customers.xlsx", _forge_dimension(_workbook(GOOD_ROWS), "A1:B2"))
    error = _only_error(run_import(folder), "customers.xlsx[customers]")
    assert "超过 12 个单元格的上限" in error.reason and error.row == 3
    _plain(error.reason, tmp_path)


@pytest.mark.django_db
def test_an_uncomputed_formula_is_named_not_reported_as_an_empty_cell(tmp_path):
    xlsx = _workbook(GOOD_ROWS, formula_cells=[("B3", '=A3&"工作室"')])
    folder = _bank_with(tmp_path, "customers.xlsx", xlsx)
    result = run_import(folder)
    error = _only_error(result, "customers.xlsx[customers]")
    assert (error.row, error.column, error.value) == (3, "客户名称", '=A3&"工作室"')
    assert "公式" in error.reason and "没有保存计算结果" in error.reason
    assert not any("必填" in e.reason for e in result.errors)
    _plain(error.reason, tmp_path)
    assert not Customer.objects.exists()


# ---- forged ZIP archives, on the web and through the API ---------------------------------------


def _forged_zip(size: int) -> bytes:
    """A ZIP of the tiny bank whose customers.csv entry declares `size` bytes (local header and
    central directory alike), not what it holds."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for t, text in BANK.items():
            z.writestr(f"{t}.csv", csv_text(text))
    data = bytearray(buf.getvalue())
    z = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = z.getinfo("customers.csv")
    struct.pack_into("<I", data, info.header_offset + 22, size)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_len] == b"customers.csv":
            struct.pack_into("<I", data, central + 24, size)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


@pytest.mark.parametrize("size", [7, 5000])
@pytest.mark.django_db
def test_a_forged_zip_is_refused_on_the_upload_page(client, size, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client.force_login(person("rm_chen", "risk_manager", "RM9"))
    upload = SimpleUploadedFile("extract.zip", _forged_zip(size), content_type="application/zip")
    response = client.post(reverse("ingest:list"), {"files": [upload]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "extract.zip：customers.csv 已损坏" in html
    assert not ImportBatch.objects.exists() and not JobProgress.objects.exists()
    assert not any((tmp_path / "uploads").iterdir())  # the refused upload left nothing behind


@pytest.mark.django_db
def test_a_forged_zip_is_refused_by_the_api(client, size=7):
    user = person("rm_api", "risk_manager", "RM8")
    _token, raw = issue_token(user, scopes=["import"], name="test")
    upload = SimpleUploadedFile("extract.zip", _forged_zip(size), content_type="application/zip")
    response = client.post("/api/imports", {"files": [upload]}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 422
    assert "customers.csv 已损坏" in response.json()["detail"]
    _plain(response.json()["detail"])
    assert not ImportBatch.objects.exists() and not JobProgress.objects.exists()


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_on_the_upload_page(client):
    client.force_login(person("rm_chen", "risk_manager", "RM9"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("transactions.csv", b"0" * (80 * 1024 * 1024))
    upload = SimpleUploadedFile("extract.zip", buf.getvalue(), content_type="application/zip")
    response = client.post(reverse("ingest:list"), {"files": [upload]})
    assert response.status_code == 400
    assert "压缩比异常" in response.content.decode()
    assert not JobProgress.objects.exists()


@pytest.mark.django_db
def test_a_forged_workbook_is_refused_on_the_upload_page(client):
    client.force_login(person("rm_chen", "risk_manager", "RM9"))
    bomb = _with_member(_workbook(GOOD_ROWS), "xl/media/pad.bin", b"\0" * (30 * 1024 * 1024))
    upload = SimpleUploadedFile("customers.xlsx", bomb)
    response = client.post(reverse("ingest:list"), {"files": [upload]})
    assert response.status_code == 400
    assert "customers.xlsx：xl/media/pad.bin 的压缩比异常" in response.content.decode()
    assert not JobProgress.objects.exists()
