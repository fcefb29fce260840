"""Every table of the 报表 pages downloads as Excel, the same scope and filters as the page:
Chinese headers, labels not codes, money in 元 as numbers with a number format."""

import io

import openpyxl

from tests.reports.conftest import AS_OF

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 4  # openpyxl counts from 1: title, info, blank, headers


def _book(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _table(sheet):
    headers = [c.value for c in sheet[HEADER_ROW]]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]
    return headers, rows


def test_every_report_page_offers_its_export_with_the_pages_filters(quality_bank, login):
    client = login(quality_bank.users["rm_branch"])
    for url in ("/reports/quality/", "/reports/kpis/", "/reports/diligence/",
                "/reports/accountability/", "/reports/effectiveness/"):  # fmt: skip
        page = client.get(f"{url}?as_of={AS_OF}").content.decode()
        assert f"as_of={AS_OF}&amp;export=xlsx" in page or "export=xlsx" in page, url
        assert "导出Excel" in page, url


def test_the_quality_report_exports_its_tables_as_numbers(quality_bank, login):
    client = login(quality_bank.users["rm_branch"])
    book = _book(client.get(f"/reports/quality/?as_of={AS_OF}&export=xlsx"))
    first = book.worksheets[0]
    assert first.title.startswith("表1")
    assert "机构：杭州分行" in first["A2"].value and "报告日期：2026-10-31" in first["A2"].value
    headers, rows = _table(first)
    assert headers == ["五级分类", "户数", "笔数", "余额（万元）", "占比"]
    total = next(r for r in rows if r[0] == "合计")
    assert total[3] == 715  # 万元, as the page shows it, a number
    balance_cell = next(row for row in first.iter_rows(min_row=5) if row[0].value == "合计")[3]
    assert balance_cell.number_format == "#,##0.00"
    share = next(row for row in first.iter_rows(min_row=5) if row[0].value == "合计")[4]
    assert share.value == 1 and share.number_format == "0.00%"
    assert len(book.worksheets) >= 7  # 表1 … 表7 迁徙矩阵 and on
    assert any(s.title.startswith("表7") for s in book.worksheets)


def test_kpis_export_per_unit_and_person_with_rates_and_their_parts(quality_bank, login):
    client = login(quality_bank.users["rm_branch"])
    book = _book(client.get(f"/reports/kpis/?as_of={AS_OF}&start=2026-10-01&export=xlsx"))
    assert [s.title for s in book.worksheets] == ["按机构", "按人员"]
    headers, rows = _table(book["按人员"])
    assert headers[:4] == ["人员", "逾期贷款催收率", "逾期贷款催收率·分子（元）",
                           "逾期贷款催收率·分母（元）"]  # fmt: skip
    assert any("张伟" in (r[0] or "") for r in rows)
    assert "期间起：2026-10-01" in book["按机构"]["A2"].value
    page = client.get(f"/reports/kpis/?as_of={AS_OF}&start=2026-10-01").content.decode()
    units_headers, units = _table(book["按机构"])
    assert all(r[0].strip() in page for r in units)  # the page's units, no other


def test_diligence_exports_people_and_units_with_the_total(quality_bank, login):
    client = login(quality_bank.users["rm_branch"])
    book = _book(client.get(f"/reports/diligence/?as_of={AS_OF}&export=xlsx"))
    headers, units = _table(book["按机构"])
    assert headers[0] == "机构" and headers[-1] == "合计"
    assert units[-1][0] == "合计"
    assert units[-1][-1] == sum(r[-1] for r in units[:-1])


def test_accountability_exports_the_filtered_findings(quality_bank, login):
    from postloan.reports import actions

    actions.detect_findings(AS_OF, acting_user=quality_bank.users["rm_branch"])
    client = login(quality_bank.users["rm_branch"])
    every = _table(
        _book(client.get(f"/reports/accountability/?as_of={AS_OF}&export=xlsx"))["问责事项"]
    )[1]
    none = _table(
        _book(client.get(f"/reports/accountability/?as_of={AS_OF}&status=dismissed&export=xlsx"))[
            "问责事项"
        ]
    )[1]
    assert none == [] or all(r[13] == "已排除" for r in none)
    for r in every:
        assert r[13] in {"待认定", "已认定", "已排除"}  # labels, never codes
        assert r[12] is None or isinstance(r[12], (int, float))  # 元 as a number


def test_effectiveness_exports_the_held_meetings(quality_bank, login):
    client = login(quality_bank.users["rm_branch"])
    book = _book(client.get("/reports/effectiveness/?export=xlsx"))
    headers, _rows = _table(book["已召开例会"])
    assert headers[:3] == ["会议日期", "例会类型", "机构"]


def test_an_export_shows_nothing_the_user_may_not_see(quality_bank, login):
    client = login(quality_bank.users["am_wang"])
    assert client.get("/reports/quality/?branch=SB01&export=xlsx").status_code == 404
