"""Shared Word styling: Chinese fonts set for East Asian text (w:eastAsia), A4 margins."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
FALLBACK_FONT = "Noto Serif CJK SC"


def set_run_font(run, name: str = BODY_FONT, size: float | None = None, bold: bool = False):
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), name)
    fonts.set(qn("w:hAnsi"), name)
    if size:
        run.font.size = Pt(size)
    run.bold = bold
    return run


def new_document():
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    section.top_margin = section.bottom_margin = Cm(2.2)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    return doc


def title(doc, text: str, size: float = 18):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(p.add_run(text), HEADING_FONT, size, bold=True)
    return p


def heading(doc, text: str):
    p = doc.add_paragraph()
    set_run_font(p.add_run(text), HEADING_FONT, 14, bold=True)
    return p


def para(doc, text: str, *, indent: bool = True, align=None, bold: bool = False):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(24)
    if align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    set_run_font(p.add_run(text), BODY_FONT, 12, bold=bold)
    return p


def table(doc, headers: list[str], rows: list[list[str]]):
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, headers, strict=True):
        cell.text = ""
        set_run_font(cell.paragraphs[0].add_run(text), HEADING_FONT, 10.5, bold=True)
    for row in rows:
        cells = t.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            set_run_font(cell.paragraphs[0].add_run(str(text)), BODY_FONT, 10.5)
    return t


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
