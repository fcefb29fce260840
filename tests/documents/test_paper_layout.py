"""Documents laid out for paper: every generated document rendered to PDF (WeasyPrint, or
LibreOffice for Word and Excel) and to images (pdftoppm); from the PDF's text boxes no text falls
outside the page and no table column is narrower than two characters; wide tables get landscape
pages; the quality report carries the web page's four charts; statements agree."""

import datetime as dt
import io

import openpyxl
from django.test import Client
from docx import Document
from PIL import Image

from postloan.documents.models import PackJob
from postloan.documents.pack import build_meeting_pack
from postloan.documents.pdf import html_to_pdf
from postloan.meetings.attachments import fund_use
from tests.documents import paper
from tests.documents.test_word_documents import _documents

PORTRAIT, LANDSCAPE = (595, 842), (842, 595)


def _sizes(pdf):
    return [(round(w), round(h)) for w, h in paper.page_sizes(pdf)]


def _pages_with(pdf, text) -> set[int]:
    found, _ = paper.words(pdf)
    return {w.page for w in found if text in w.text}


def _has_colour(png_path, rgb, tolerance=40) -> bool:
    image = Image.open(png_path).convert("RGB")
    return any(
        all(abs(a - b) <= tolerance for a, b in zip(pixel, rgb, strict=True))
        for pixel in image.getdata()
    )


def test_the_checks_find_a_one_character_column_and_text_off_the_page():
    narrow = html_to_pdf(
        "<html><body><table border=1><tr><td style='width:9pt'>杭州锦程设备有限公司</td>"
        "<td>宽的一栏</td></tr></table>"
        "<p style='position:absolute;left:700pt;top:10pt;white-space:nowrap'>页外的文字</p>"
        "</body></html>"
    )
    assert paper.one_character_columns(narrow)
    assert paper.outside_page(narrow)
    fine = html_to_pdf("<html><body><table border=1><tr><td>杭州锦程设备有限公司</td></tr></table>")
    assert not paper.one_character_columns(fine) and not paper.outside_page(fine)


def test_it_prints_the_quality_report_pdf_with_its_charts_and_a_landscape_table_13(
    login, screened_bank
):
    client = login(screened_bank.users["rm_branch"])
    response = client.get("/documents/quality.pdf", {"branch": "BR01", "as_of": "2026-10-31"})
    assert response.status_code == 200
    pdf = response.content
    images = paper.assert_fits_paper(pdf, "quality.pdf")
    text = paper.text_of(pdf)
    for n, title in enumerate(
        ["五级分类（余额）", "不良率走势", "逾期天数分段（余额）", "前五大行业（余额）"], 1
    ):
        assert f"图{n}" in text and title in text
    assert _has_colour(images[0], (0x52, 0xC4, 0x1A))  # the 正常 slice of the class chart
    sizes = _sizes(pdf)
    table13 = _pages_with(pdf, "表13")
    assert table13 and all(sizes[p] == LANDSCAPE for p in table13)
    assert sizes[0] == PORTRAIT


def test_it_prints_the_meeting_pack_with_attachment_1_on_landscape_pages(signed_meeting, login):
    from decimal import Decimal

    from postloan.portfolio.models import Disbursement, Loan

    bank = signed_meeting
    loan = Loan.objects.filter(customer_id="C001").order_by("loan_id").first()
    for n, payee in enumerate(["杭州锦程设备有限公司", "宁波华鑫材料有限公司"]):
        Disbursement.objects.create(
            loan=loan,
            pay_date=loan.start_date + dt.timedelta(days=n),
            amount=Decimal("810000.00"),
            payee_name=payee,
            payment_method="entrusted",
            declared_purpose="生产线技术改造",
        )
    client = login(bank.users["rm_branch"])
    client.post(f"/documents/meetings/{bank.meeting.pk}/pack/")
    job = build_meeting_pack(PackJob.objects.get(meeting=bank.meeting).pk)
    assert job.status == "done", job.error
    pdf = job.file.read()
    paper.assert_fits_paper(pdf, "meeting pack")
    sizes = _sizes(pdf)
    attachment_1 = _pages_with(pdf, "附件1")
    assert attachment_1
    assert any(sizes[p] == LANDSCAPE for p in attachment_1)
    found, _ = paper.words(pdf)
    assert any(w.text == "杭州锦程设备有限公司" for w in found)  # the payee on one line
    text = paper.text_of(pdf)
    assert "。。" not in text and "，，" not in text


def test_it_lays_out_every_word_and_excel_document_for_a4(signed_meeting, login):
    bank = signed_meeting
    files = {name: (content, ".docx") for name, content in _documents(bank).items()}
    admin = Client()
    admin.force_login(bank.users["admin"])
    client = login(bank.users["rm_branch"])
    for name, url in (
        ("attachments", "/documents/attachments/C001.xlsx"),
        ("signals", "/risk/export/signals.xlsx?status=all"),
        ("suggestions", "/risk/export/suggestions.xlsx?change=all"),
        ("customers", "/customers/export.xlsx"),
        ("audit", "/ops/audit/export.xlsx"),
    ):
        response = (admin if name == "audit" else client).get(url)
        assert response.status_code == 200, url
        files[name] = (response.content, ".xlsx")
    for name, pdf in paper.office_many_to_pdf(files).items():
        paper.assert_fits_paper(pdf, name)
    quality = _documents(bank)["quality"]
    assert (
        len(Document(io.BytesIO(quality)).inline_shapes) == 5
    )  # four charts, regions (no groups in this bank)
    pdfs = paper.office_many_to_pdf({"quality": (quality, ".docx")})
    sizes = _sizes(pdfs["quality"])
    assert PORTRAIT in sizes and LANDSCAPE in sizes
    assert all(sizes[p] == LANDSCAPE for p in _pages_with(pdfs["quality"], "条线"))


def test_it_never_says_found_nothing_where_nothing_could_be_checked(bank):
    from decimal import Decimal

    from postloan.portfolio.models import Disbursement, Loan, Transaction

    loan = Loan.objects.order_by("loan_id").first()
    Disbursement.objects.create(
        loan=loan,
        pay_date=loan.start_date,
        amount=Decimal("810000.00"),
        payee_name="杭州锦程设备有限公司",
        payment_method="entrusted",
        declared_purpose="生产线技术改造",
    )
    Transaction.objects.filter(account__customer=loan.customer).delete()
    rows = fund_use(loan.customer).rows
    assert rows
    for row in rows:
        went, anomalies = row[7], row[8]
        assert "未能核实" in went
        assert anomalies == "未能核实", row  # not 未发现 beside 未能核实


def test_it_exports_dates_as_dates_in_the_attachment_workbook(signed_meeting, login):
    client = login(signed_meeting.users["rm_branch"])
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/documents/attachments/C001.xlsx").content)
    )
    dates = []
    for sheet in book.worksheets:
        header = [c.value or "" for c in sheet[4]]
        columns = [i for i, h in enumerate(header) if "日期" in h or "月份" in h or h == "月"]
        for row in sheet.iter_rows(min_row=5):
            if row[0].value is None:
                break  # the notes follow the table after a blank row
            if row[0].value != "合计":
                dates += [row[i].value for i in columns if row[i].value]
    assert dates and all(isinstance(d, dt.datetime) for d in dates), dates[:5]
