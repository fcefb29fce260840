"""HTML → PDF with WeasyPrint: A4, CJK fonts (Debian fonts-noto-cjk), page numbers by CSS."""

from django.template.loader import render_to_string


def html_to_pdf_with_pages(html: str) -> tuple[bytes, int]:
    from weasyprint import HTML  # deferred: ~3.6 s to import, only the meeting pack needs it

    document = HTML(string=html, base_url=None).render()
    return document.write_pdf(), len(document.pages)


def html_to_pdf(html: str) -> bytes:
    return html_to_pdf_with_pages(html)[0]


def render_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template, context))
