import io

import openpyxl
import pytest

pytestmark = pytest.mark.django_db


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_it_exports_exactly_the_filtered_rows(bank, login, many_customers):
    many_customers(60)  # more than one page: the export is not limited to the page shown
    client = login(bank.users["am_zhang"])
    sheet = workbook(client.get("/customers/export.xlsx", {"type": "retail"})).active
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    page = client.get("/customers/", {"type": "retail"}).content.decode()
    assert len(ids) == 31  # C002 and the 30 even-numbered batch customers
    assert "共 31 户客户" in page
    assert "C002" in ids and "C001" not in ids and "C003" not in ids


def test_it_writes_chinese_headers_numbers_and_a_frozen_header(screened_bank, login):
    bank = screened_bank
    client = login(bank.users["rm_branch"])
    book = workbook(client.get("/customers/export.xlsx", {"o": "-balance"}))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["客户编号", "客户名称", "客户类型"]
    assert "贷款余额（元）" in header and "最差分类" in header
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["C001", "C003", "C002"]
    c003 = rows[1]
    assert c003[6] == 3_000_000 and c003[7] == "关注" and c003[8] == 1
    assert sheet.cell(row=3, column=7).number_format == "#,##0.00"


def test_it_exports_only_what_the_user_may_see(bank, login):
    sheet = workbook(login(bank.users["am_wang"]).get("/customers/export.xlsx")).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["C003"]
