"""Where a Word document starts: the bank's own template when it has one, else our A4 default.

A bank replaces a document's look by dropping `<name>.docx` (e.g. `minutes.docx` with its
letterhead, header/footer, styles and page set-up) into the folder named by the setting
`DOCUMENT_TEMPLATE_DIR` (default `var/document_templates/`). Placeholders in the template's
paragraphs, tables, headers and footers — `{{机构名称}}`, `{{会议日期}}`, `{{客户名称}}`,
`{{数据日期}}`, `{{文书名称}}` — are filled; the generated content is appended after the
template's own body. Without a template the document uses the house style (宋体/黑体 via
w:eastAsia, A4, `postloan.worklist.documents.docx_style`).
"""

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy
from docx import Document

from postloan.worklist.documents.docx_style import new_document

NAMES = {
    "notice": gettext_lazy("会议通知"),
    "minutes": gettext_lazy("会议纪要"),
    "review_form": gettext_lazy("贷后管理例会审议表"),
    "quality_report": gettext_lazy("全行信贷资产质量整体报告"),
}


def template_dir() -> Path:
    configured = getattr(settings, "DOCUMENT_TEMPLATE_DIR", None)
    if configured:
        return Path(configured)
    return Path(settings.VAR_DIR) / "document_templates"


def _paragraphs(doc):
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
    for section in doc.sections:
        for part in (section.header, section.footer):
            yield from part.paragraphs


def fill_placeholders(doc, values: dict[str, str]) -> None:
    values = {key: str(value) for key, value in values.items()}  # lazy labels as text
    for p in _paragraphs(doc):
        if "{{" not in p.text:
            continue
        for run in p.runs:
            for key, value in values.items():
                run.text = run.text.replace("{{" + key + "}}", value)
        # A placeholder Word split across runs: replace on the whole paragraph text.
        if "{{" in p.text and p.runs:
            text = p.text
            for key, value in values.items():
                text = text.replace("{{" + key + "}}", value)
            for run in p.runs[1:]:
                run.text = ""
            p.runs[0].text = text


def base_document(name: str, values: dict[str, str] | None = None):
    path = template_dir() / f"{name}.docx"
    if not path.is_file():
        return new_document()
    doc = Document(str(path))
    fill_placeholders(doc, {"文书名称": NAMES.get(name, name), **(values or {})})
    return doc
