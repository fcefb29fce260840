"""The 报表 pages through HTTP: visibility, the figures on the page, the downloads."""

import io

from docx import Document
from pypdf import PdfReader

from tests.reports.conftest import AS_OF


def test_it_shows_the_reports_home(quality_bank, login):
    client = login(quality_bank.users["rm_branch"])
    page = client.get("/reports/").content.decode()
    assert "全行信贷资产质量整体报告" in page and "/reports/kpis/" in page


def test_it_shows_the_quality_report_with_its_dates_and_charts(quality_bank, login):
    client = login(quality_bank.users["rm_branch"])
    page = client.get(f"/reports/quality/?as_of={AS_OF}").content.decode()
    assert "数据日期（筛查日）<strong>2026-10-31</strong>" in page
    assert "41.96%" in page  # 不良率
    assert 'data-chart="npl_trend"' in page and 'id="chart-data"' in page
    assert "表7 迁徙矩阵" in page


def test_it_refuses_a_unit_the_user_cannot_see(quality_bank, login):
    client = login(quality_bank.users["am_wang"])
    assert client.get("/reports/quality/?branch=SB01").status_code == 404
    assert client.get("/documents/quality.docx?branch=BR01").status_code == 404


def test_it_downloads_the_quality_report_as_word_and_pdf(quality_bank, login):
    client = login(quality_bank.users["rm_branch"])
    docx = client.get(f"/documents/quality.docx?as_of={AS_OF}")
    doc = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "杭州分行信贷资产质量整体报告" in text and "不良率41.96%" in text
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "715.00" in cells  # total balance in 万元
    pdf = client.get(f"/documents/quality.pdf?as_of={AS_OF}")
    assert pdf.content[:4] == b"%PDF"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "信贷资产质量整体报告" in text and "第 1 页" in text


def test_it_shows_kpis_per_unit_and_person(quality_bank, login):
    client = login(quality_bank.users["rm_branch"])
    page = client.get(f"/reports/kpis/?as_of={AS_OF}&start=2026-10-01").content.decode()
    assert "张伟" in page and "滨江支行" in page and "无数据" in page
    assert 'data-chart="kpi_units"' in page
