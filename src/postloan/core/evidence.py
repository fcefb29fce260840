"""Evidence files (证据文件) people attach to a record: checked by content, stored under a
generated name, served only as a download by a view that has checked who may see the record.

    upload ─► check(upload): size, then the file's own bytes decide its type
              (PDF, JPG/PNG/GIF/BMP/TIFF/WEBP, Word/Excel/PowerPoint) and the extension must
              agree; HTML, SVG, scripts, archives, macros … are refused with a Chinese reason
          ─► stored as <area>/<yyyy>/<mm>/<random>.<ext> (`generated_name`): the person's file
              name never becomes a path; it is kept in the record for the download's name
          ─► download(fieldfile, name): attachment, the type of the checked extension,
              X-Content-Type-Options: nosniff and a CSP sandbox — never rendered by the browser

MEDIA_ROOT is not served by URL at all (no /media/ route): a file is reachable only through the
record's own view.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.translation import gettext

from postloan.core.business_date import calendar_day

PDF, IMAGE, WORD, EXCEL, POWERPOINT, OFFICE_97 = "pdf", "image", "word", "excel", "ppt", "ole"

# extension → (content type served, what the content must be)
ALLOWED: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", PDF),
    "jpg": ("image/jpeg", IMAGE),
    "jpeg": ("image/jpeg", IMAGE),
    "png": ("image/png", IMAGE),
    "gif": ("image/gif", IMAGE),
    "bmp": ("image/bmp", IMAGE),
    "tif": ("image/tiff", IMAGE),
    "tiff": ("image/tiff", IMAGE),
    "webp": ("image/webp", IMAGE),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", WORD),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", EXCEL),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        POWERPOINT,
    ),
    "doc": ("application/msword", OFFICE_97),
    "xls": ("application/vnd.ms-excel", OFFICE_97),
    "ppt": ("application/vnd.ms-powerpoint", OFFICE_97),
}
ACCEPTED_ZH = "PDF、图片（JPG、PNG、GIF、BMP、TIFF、WEBP）或 Office 文件（Word、Excel、PowerPoint）"
# the image each extension must be (by its signature)
_IMAGE_EXT = {
    "jpeg": {"jpg", "jpeg"},
    "png": {"png"},
    "gif": {"gif"},
    "bmp": {"bmp"},
    "tiff": {"tif", "tiff"},
    "webp": {"webp"},
}
_OOXML_PART = {
    WORD: "word/document.xml",
    EXCEL: "xl/workbook.xml",
    POWERPOINT: "ppt/presentation.xml",
}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_VBA_97 = "_VBA_PROJECT".encode("utf-16-le")


class EvidenceRejected(ValueError):
    """A file that may not be attached as evidence; the message says why, in Chinese."""


@dataclass(frozen=True)
class Evidence:
    ext: str
    content_type: str


def max_bytes() -> int:
    return int(getattr(settings, "POSTLOAN_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))


def _size_zh(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def extension(name: str) -> str:
    return PurePosixPath((name or "").replace("\\", "/")).suffix.lower().lstrip(".")


def display_name(name: str) -> str:
    """The person's own file name, without any folder, for the download's name."""
    base = PurePosixPath((name or "").replace("\\", "/")).name.strip()
    return base[:200] or "附件"


def _image_kind(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head.startswith(b"BM") and len(head) >= 26:
        return "bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _read(upload) -> bytes:
    upload.seek(0)
    data = upload.read(max_bytes() + 1)
    upload.seek(0)
    return data


def check(upload) -> Evidence:
    """The checked type of `upload` (a Django UploadedFile or File); raises EvidenceRejected."""
    ext = extension(getattr(upload, "name", ""))
    if ext not in ALLOWED:
        raise EvidenceRejected(f"不能上传此类文件（{ext or '无扩展名'}），只能上传{ACCEPTED_ZH}")
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise EvidenceRejected(f"文件超过 {_size_zh(limit)} 上限")
    data = _read(upload)
    if not data:
        raise EvidenceRejected("文件为空")
    if len(data) > limit:
        raise EvidenceRejected(f"文件超过 {_size_zh(limit)} 上限")
    content_type, must_be = ALLOWED[ext]
    if not _content_is(must_be, ext, data, upload):
        raise EvidenceRejected(
            f"文件内容不是有效的 {ext.upper()} 文件（扩展名与内容不符），只能上传{ACCEPTED_ZH}"
        )
    return Evidence(ext=ext, content_type=content_type)


def _content_is(must_be: str, ext: str, data: bytes, upload) -> bool:
    if must_be == PDF:
        return b"%PDF-" in data[:1024]
    if must_be == IMAGE:
        kind = _image_kind(data[:32])
        return kind is not None and ext in _IMAGE_EXT[kind]
    if must_be == OFFICE_97:
        if not data.startswith(_OLE2):
            return False
        if _VBA_97 in data:
            raise EvidenceRejected("文件含有宏，不能作为证据上传；请另存为不含宏的文件或 PDF")
        return True
    return _is_ooxml(must_be, upload)


def _is_ooxml(kind: str, upload) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise EvidenceRejected("文件含有宏，不能作为证据上传；请另存为不含宏的文件或 PDF")
    return "[Content_Types].xml" in names and _OOXML_PART[kind] in names


def generated_name(area: str, filename: str, today: dt.date | None = None) -> str:
    """`<area>/<yyyy>/<mm>/<32 hex>.<ext>`: nothing of the person's file name but its (checked)
    extension reaches the disk."""
    ext = extension(filename)
    ext = ext if ext in ALLOWED else "bin"
    today = today or calendar_day()  # a folder name, not a business rule
    return f"{area}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}.{ext}"


def download(fieldfile, name: str = "") -> FileResponse:
    """Serve a stored evidence file as a download only. The caller has checked visibility."""
    if not fieldfile:
        raise Http404(gettext("没有附件"))
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(gettext("附件文件不存在")) from None
    ext = extension(fieldfile.name)
    content_type = ALLOWED[ext][0] if ext in ALLOWED else "application/octet-stream"
    filename = display_name(name) if name else f"附件.{ext or 'bin'}"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
