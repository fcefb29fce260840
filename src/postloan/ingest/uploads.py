"""Saving a web upload into a scratch folder the importer reads like any other batch folder."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks import task_backends

from postloan.ingest import archives

DATA_SUFFIXES = {".csv", ".xlsx", ".parquet"}
UPLOAD_SUFFIXES = DATA_SUFFIXES | {".zip"}


class UploadRejected(ValueError):
    """An upload the importer will not take (wrong type, too large, broken archive)."""


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip()
    if not base or base in {".", ".."}:
        raise UploadRejected(f"文件名无效：{name}")
    return base


def new_folder() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    folder = Path(settings.VAR_DIR) / "uploads" / f"{stamp}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True, exist_ok=False)
    return folder


def _extract_zip(upload, folder: Path, limit: int) -> None:
    """The ZIP's data files into `folder`: its directory checked first (size, ratio,
    encryption), each member bounded by its declared size and CRC (`ingest.archives`)."""
    try:
        archive = archives.inspect(upload, upload.name, limit)
    except archives.ArchiveRefused as exc:
        raise UploadRejected(str(exc)) from None
    with archive:
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir()
            and "__MACOSX" not in m.filename
            and not Path(m.filename).name.startswith(".")
        ]
        for m in members:
            name = _safe_name(m.filename)
            if Path(name).suffix.lower() not in DATA_SUFFIXES:
                continue
            if (folder / name).exists():
                raise UploadRejected(f"压缩包中有重名文件：{name}")
            try:
                archives.unpack(archive, m, folder / name, upload.name)
            except archives.ArchiveRefused as exc:
                raise UploadRejected(str(exc)) from None


def _check_workbook(upload, name: str) -> None:
    """An .xlsx is a ZIP: its directory is checked at once, so that a forged or oversized
    workbook is refused on the upload page instead of in the background job."""
    try:
        archives.inspect(upload, name, settings.POSTLOAN_XLSX_MAX_UNPACKED_BYTES).close()
    except archives.ArchiveRefused as exc:
        raise UploadRejected(str(exc)) from None
    finally:
        upload.seek(0)


def folder_bytes(folder: Path) -> int:
    """The bytes of the data files an upload left in `folder` (after unpacking)."""
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def store(files: list) -> Path:
    """Write the uploaded files (or the one ZIP's data files) into a new folder; return it."""
    folder = new_folder()
    try:
        _store(files, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # a refused upload leaves nothing behind
        raise
    return folder


def _store(files: list, folder: Path) -> None:
    limit = settings.POSTLOAN_UPLOAD_MAX_BYTES
    for upload in files:
        name = _safe_name(upload.name)
        if Path(name).suffix.lower() == ".zip":
            _extract_zip(upload, folder, limit)
            continue
        if Path(name).suffix.lower() == ".xlsx":
            _check_workbook(upload, name)
        with (folder / name).open("wb") as dst:
            for chunk in upload.chunks():
                dst.write(chunk)


def queue_for(folder: Path) -> str | None:
    """The task backend an upload's import job goes to: None (the configured one), or "db"
    when the configured one runs jobs at once (the immediate backend of development) and the
    upload is larger than POSTLOAN_IMPORT_INLINE_MAX_BYTES — a large import never runs inside
    the web request; a `postloan db_worker --backend db` takes it from the database queue."""
    if type(task_backends["default"]).__name__ != "ImmediateBackend":
        return None
    if folder_bytes(folder) <= settings.POSTLOAN_IMPORT_INLINE_MAX_BYTES:
        return None
    return "db"
