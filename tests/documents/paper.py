"""Checking documents as paper: every generated document rendered to PDF (WeasyPrint's own, or
LibreOffice headless for Word and Excel), then to images (pdftoppm), and its text positions read
from the PDF (pypdf): no text outside the page, no table column narrower than two characters (a
column that narrow sets a name one character per line)."""

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOPPM = shutil.which("pdftoppm")
PDFTOTEXT = shutil.which("pdftotext")


@dataclass
class Word:
    page: int
    x0: float
    y0: float  # from the top of the page
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def soffice_convert(paths: list[str], target: str, outdir: Path, profile: Path):
    """LibreOffice headless converting `paths` to `target` (pdf, a csv filter …) in one run."""
    assert SOFFICE, "LibreOffice (soffice) must be installed for this test"
    return subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *paths,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def office_to_pdf(content: bytes, suffix: str) -> bytes:
    """A .docx or .xlsx as LibreOffice prints it."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"document{suffix}"
        src.write_bytes(content)
        profile = Path(tmp) / "profile"
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return (Path(tmp) / "document.pdf").read_bytes()


def to_images(pdf: bytes, resolution: int = 40) -> list[Path]:
    """Every page as a PNG (kept in a temporary folder for looking at)."""
    out = Path(tempfile.mkdtemp(prefix="paper-"))
    (out / "document.pdf").write_bytes(pdf)
    subprocess.run(
        [PDFTOPPM, "-r", str(resolution), "-png", str(out / "document.pdf"), str(out / "page")],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return sorted(out.glob("page-*.png"))


PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
WORD = re.compile(
    r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)</word>'
)


def words(pdf: bytes) -> tuple[list[Word], list[tuple[float, float]]]:
    """Every word's box on its page (points, from the top left; poppler's pdftotext -bbox),
    and each page's size."""
    import html

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "document.pdf"
        src.write_bytes(pdf)
        out = subprocess.run(
            [PDFTOTEXT, "-bbox", str(src), "-"], check=True, capture_output=True, timeout=180
        ).stdout.decode()
    found, sizes = [], []
    for n, chunk in enumerate(out.split("<page ")[1:]):
        head = PAGE.match("<page " + chunk)
        sizes.append((float(head.group(1)), float(head.group(2))))
        for m in WORD.finditer(chunk):
            x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
            found.append(Word(n, x0, y0, x1, y1, html.unescape(m.group(5))))
    return found, sizes


def text_starts(pdf: bytes) -> list[tuple[int, float, float, float, str]]:
    """(page, x, y, size, text) of every text run as pypdf reads it, wherever it is drawn —
    pdftotext leaves out what falls off the page, which is what is looked for here."""
    import io

    reader = PdfReader(io.BytesIO(pdf))
    found = []
    for n, page in enumerate(reader.pages):

        def visit(text, cm, tm, font, size, n=n):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                scale = abs(tm[0] * cm[0]) or 1
                found.append((n, x, y, size * scale, text.strip()))

        page.extract_text(visitor_text=visit)
    return found


def outside_page(pdf: bytes, tolerance: float = 1.0) -> list:
    """Text not wholly on its page: words whose box crosses an edge (pdftotext), and runs that
    start off the page or, at their size, run past its right edge (pypdf)."""
    found, sizes = words(pdf)
    bad = []
    for w in found:
        width, height = sizes[w.page]
        if (
            w.x0 < -tolerance
            or w.y0 < -tolerance
            or w.x1 > width + tolerance
            or w.y1 > height + tolerance
        ):
            bad.append(w)
    for page, x, y, size, text in text_starts(pdf):
        width, height = sizes[page] if page < len(sizes) else page_sizes(pdf)[page]
        wide = text_width_points(text, size)
        if (
            not (-tolerance <= x <= width + tolerance and -tolerance <= y <= height + tolerance)
            or x + wide > width + size
        ):
            bad.append(Word(page, x, height - y, x + wide, height - y + size, text))
    return bad


def text_width_points(text: str, size: float) -> float:
    """An estimate of a run's width: CJK characters one em, letters and digits a little over
    half an em, spaces and ASCII punctuation (a table of contents' leader dots) less."""

    def em(ch: str) -> float:
        if CJK.match(ch):
            return 1.0
        return 0.6 if ch.isalnum() else 0.3

    return sum(em(ch) for ch in text) * size


def one_character_columns(pdf: bytes, stacked: int = 3) -> list[list[Word]]:
    """Stacks of `stacked` or more single Chinese characters at one x, line under line: the mark
    of a column narrower than two characters (a name set one character per line)."""
    found, _ = words(pdf)
    lines: dict[tuple[int, int], list[Word]] = {}
    for w in found:
        lines.setdefault((w.page, round(w.y0)), []).append(w)

    def alone(w: Word) -> bool:  # nothing just before it on its line (a value after "无 → ")
        return not any(
            o is not w and o.x1 <= w.x0 + 0.1 and w.x0 - o.x1 < 0.5 * w.height
            for o in lines[(w.page, round(w.y0))]
        )

    by_column: dict[tuple[int, int], list[Word]] = {}
    for w in found:
        if len(w.text) == 1 and CJK.match(w.text) and alone(w):
            by_column.setdefault((w.page, round(w.x0)), []).append(w)
    stacks = []
    for column in by_column.values():
        column.sort(key=lambda w: w.y0)
        chain = [column[0]]
        for w in column[1:]:
            if 0 < w.y0 - chain[-1].y0 <= 1.6 * w.height:
                chain.append(w)
            else:
                if len(chain) >= stacked:
                    stacks.append(chain)
                chain = [w]
        if len(chain) >= stacked:
            stacks.append(chain)
    # a word broken one character per line reads as different characters (杭/州/锦…); one
    # value repeated down a column (是/是/是) is a column of one-character values
    return [c for c in stacks if len({w.text for w in c}) > 1]


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    import io

    return [
        (float(p.mediabox.width), float(p.mediabox.height))
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]


def assert_fits_paper(pdf: bytes, name: str) -> list[Path]:
    """The document is A4 (portrait or landscape), all its text is on the page, no column is
    narrower than two characters, and every page renders to an image; returns the images."""
    assert pdf[:5] == b"%PDF-", name
    sizes = page_sizes(pdf)
    for width, height in sizes:
        assert sorted((round(width), round(height))) == [595, 842], (name, width, height)
    found, _ = words(pdf)
    assert found, f"{name}: no text in the PDF"
    off = outside_page(pdf)
    assert not off, f"{name}: text outside the page: {[(w.page + 1, w.text[:20]) for w in off[:5]]}"
    narrow = one_character_columns(pdf)
    assert not narrow, (
        f"{name}: column narrower than two characters: "
        f"{[(c[0].page + 1, ''.join(w.text for w in c)) for c in narrow[:5]]}"
    )
    images = to_images(pdf)
    assert len(images) == len(sizes) and all(p.stat().st_size > 1000 for p in images), name
    return images


def text_of(pdf: bytes) -> str:
    found, _ = words(pdf)
    return "".join(w.text for w in found)


def office_many_to_pdf(files: dict[str, tuple[bytes, str]]) -> dict[str, bytes]:
    """Several Word/Excel files through one LibreOffice start: {name: (content, suffix)}."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, (content, suffix) in files.items():
            path = Path(tmp) / f"{name}{suffix}"
            path.write_bytes(content)
            paths.append(str(path))
        out = Path(tmp) / "pdf"
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *paths,
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        return {name: (out / f"{name}.pdf").read_bytes() for name in files}
