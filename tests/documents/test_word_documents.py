"""Every Word document opens with python-docx and converts with LibreOffice headless."""

import datetime as dt
import io
from decimal import Decimal

from docx import Document
from docx.oxml.ns import qn

from postloan.documents import word
from postloan.reports import meeting_record
from postloan.reports.quality import quality_report
from postloan.reports.scope import scope_for
from tests.documents.paper import soffice_convert


def _text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def _documents(bank) -> dict[str, bytes]:
    meeting = bank.meeting
    forms = [meeting_record.review_form(i) for i in meeting_record.review_items(meeting)]
    report = quality_report(scope_for(bank.users["rm_branch"], "BR01", dt.date(2026, 10, 31)))
    return {
        "notice": word.notice(meeting_record.notice(meeting)),
        "minutes": word.minutes(meeting_record.minutes(meeting)),
        "review_forms": word.review_forms(forms),
        "quality": word.quality_report(report),
        "maturity": word.render_maturity_notice(
            {
                "bank": "杭州分行",
                "customer": "杭州乙贸易有限公司",
                "loan_id": "L003",
                "principal": "3,000,000.00",
                "balance": "3,000,000.00",
                "start_date": "2026-01-15",
                "maturity_date": "2027-01-14",
                "notice_date": "2026-12-14",
                "guarantors": ["宁波丙电子有限公司"],
            }
        ),
        "analysis": word.render_analysis_report(
            {
                "customer": "杭州甲制造有限公司",
                "as_of": "2026-10-31",
                "loans": [],
                "total_balance": Decimal("4000000.00"),
                "flows": [],
                "invoices": [],
                "financials": [],
                "signals": [],
                "collateral": [],
                "narrative": {},
            },
            {"mode": "现场", "done_date": "2026-10-20", "inspector": "张伟", "conclusion": "正常"},
        ),
    }


def test_it_writes_the_minutes_with_attendance_decisions_owners_and_deadlines(signed_meeting):
    text = _text(word.minutes(meeting_record.minutes(signed_meeting.meeting)))
    assert "杭州分行贷后管理例会会议纪要" in text
    assert "2026年11月18日" in text and "周强" in text  # date, presiding
    assert "应到委员7人，实到7人" in text
    assert "杭州甲制造有限公司" in text and "经营正常，销售回笼稳定" in text
    assert "压缩信用余额" in text and "张伟" in text and "2026-12-31" in text
    assert "按决议执行。" in text  # chair's summary
    assert "行长（主任委员）" in text  # signature


def test_it_writes_one_review_form_per_customer_with_the_13_items(signed_meeting):
    meeting = signed_meeting.meeting
    items = meeting_record.review_items(meeting)
    content = word.review_forms([meeting_record.review_form(i) for i in items])
    text = _text(content)
    assert text.count("贷后管理例会审议表") == len(items) >= 1
    for label in ("持续经营的合法性", "销售资金归行率", "建议采取的风险化解措施"):
        assert label in text
    assert "风险经理意见" in text and "审议认定分类" in text


def test_it_sets_the_east_asian_font(signed_meeting):
    doc = Document(io.BytesIO(word.notice(meeting_record.notice(signed_meeting.meeting))))
    run = next(r for p in doc.paragraphs for r in p.runs if "通知" in r.text)
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) in ("黑体", "宋体")


def test_it_uses_the_banks_template_when_one_is_given(signed_meeting, settings, tmp_path):
    template = Document()
    template.add_paragraph("{{机构名称}}文件　{{文书名称}}")
    template.save(tmp_path / "notice.docx")
    settings.DOCUMENT_TEMPLATE_DIR = str(tmp_path)
    text = _text(word.notice(meeting_record.notice(signed_meeting.meeting)))
    assert text.startswith("杭州分行文件　会议通知")


def test_it_converts_every_document_with_libreoffice(signed_meeting, tmp_path):
    files = []
    for name, content in _documents(signed_meeting).items():
        Document(io.BytesIO(content))  # opens with python-docx
        path = tmp_path / f"{name}.docx"
        path.write_bytes(content)
        files.append(str(path))
    out = tmp_path / "pdf"
    result = soffice_convert(files, "pdf", out, tmp_path / "lo")
    assert result.returncode == 0, result.stderr
    for f in files:
        pdf = out / (f.rsplit("/", 1)[1].replace(".docx", ".pdf"))
        assert pdf.exists() and pdf.read_bytes()[:4] == b"%PDF", f
