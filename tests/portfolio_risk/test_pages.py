"""The pages where people see it: the quality report's concentration section (web, Word, PDF),
the customer 360's group, the 组合风险 pages, the limits page, the retail export."""

import io

import openpyxl
from docx import Document

from postloan.portfolio_risk import actions
from postloan.portfolio_risk.models import LimitVersion
from tests.factories import AS_OF
from tests.portfolio_risk.test_retail import make_cohorts


def text_of_docx(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_the_quality_report_says_when_net_capital_is_unset_then_shows_the_ratios(group_bank, login):
    client = login(group_bank.users["rm_branch"])
    page = client.get("/reports/quality/?branch=BR01").content.decode()
    assert "未设定资本净额" in page and "表10-2 前十大集团客户" in page and "甲集团" in page
    assert 'data-chart="groups"' in page
    actions.update_limits({"net_capital": "40000000"}, "年报", group_bank.users["rm_branch"])
    page = client.get("/reports/quality/?branch=BR01").content.decode()
    assert "单一集团客户授信集中度20.00%（甲集团）" in page
    docx = client.get("/documents/quality.docx?branch=BR01")
    assert docx.status_code == 200
    text = text_of_docx(docx.content)
    assert "表10-1 集中度指标与限额" in text and "甲集团" in text and "20.00%" in text
    assert "前十大集团客户（余额）" in text  # the chart's caption
    assert len(Document(io.BytesIO(docx.content)).inline_shapes) == 6
    pdf = client.get("/documents/quality.pdf?branch=BR01")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


def test_the_customer_360_shows_the_group_total_and_members(group_bank, login):
    page = login(group_bank.users["am_zhang"]).get("/customers/C001/").content.decode()
    assert "集团：甲集团（G01）" in page
    assert "8,000,000.00" in page  # 4 m + 2.5 m + 1.5 m
    members = page[page.index('id="group-members"') :]
    members = members[: members.index("</table>")]
    assert "甲集团物流有限公司" in members and "甲集团新材料有限公司" in members
    assert "/customers/C005/" in members  # 张伟 manages C005
    assert "/customers/C004/" not in members  # 王芳's customer: named, not opened
    assert "正常" in members and "关联方（子公司/关联企业）" in members
    assert (
        'id="group-members"'
        not in login(group_bank.users["am_wang"]).get("/customers/C003/").content.decode()
    )


def test_the_portfolio_pages_and_who_may_change_the_limits(group_bank, login):
    assert login(group_bank.users["am_zhang"]).get("/portfolio-risk/").status_code == 403
    client = login(group_bank.users["rm_branch"])
    page = client.get("/portfolio-risk/").content.decode()
    assert "未设定资本净额" in page and "甲集团" in page
    response = client.post(
        "/portfolio-risk/limits/",
        {"net_capital": "abc", "single_group_max": "0.15", "reason": "年报"},
    )
    assert "资本净额（元）必须是数字" in response.content.decode()
    assert not LimitVersion.objects.exists()
    values = {k: v or "" for k, v in actions.current_values().items()}
    response = client.post(
        "/portfolio-risk/limits/", {**values, "net_capital": "40000000", "reason": "年报"}
    )
    assert response.status_code == 302 and LimitVersion.objects.get().reason == "年报"
    actions.run_monitoring(AS_OF)
    page = client.get("/portfolio-risk/").content.decode()
    assert "单一集团客户授信集中度 20.00%" in page


def test_the_retail_page_and_its_excel_export(bank, login):
    make_cohorts(bank)
    client = login(bank.users["rm_branch"])
    page = client.get("/portfolio-risk/retail/?product=personal_consumption&month=2026-07")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-chart="vintage"' in text and "迁徙矩阵（2026-07" in text
    assert "2026Q2" in text
    export = client.get("/portfolio-risk/retail/export.xlsx?product=personal_consumption")
    assert export.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["账龄分析", "账龄分析90+", "迁徙率"]
    rows = [[c.value for c in r] for r in book["账龄分析"].iter_rows(min_row=5)]
    q2 = next(r for r in rows if r[0] == "2026Q2")
    assert q2[1] == 4 and q2[2] == 480000 and q2[3 + 3] == 0.25  # MOB3: one loan in four
    assert "产品：个人消费贷款" in book["迁徙率"]["A2"].value
