"""Saving a web upload into a scratch folder the importer reads like any other batch folder."""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone

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
    try:
        archive = zipfile.ZipFile(upload)
    except zipfile.BadZipFile:
        raise UploadRejected(f"ZIP 压缩包无法打开：{upload.name}") from None
    with archive:
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir()
            and "__MACOSX" not in m.filename
            and not Path(m.filename).name.startswith(".")
        ]
        if sum(m.file_size for m in members) > limit:
            raise UploadRejected(f"压缩包解压后超过上限 {limit // (1024 * 1024)} MB")
        for m in members:
            name = _safe_name(m.filename)
            if Path(name).suffix.lower() not in DATA_SUFFIXES:
                continue
            if (folder / name).exists():
                raise UploadRejected(f"压缩包中有重名文件：{name}")
            with archive.open(m) as src, (folder / name).open("wb") as dst:
                while chunk := src.read(1024 * 1024):
                    dst.write(chunk)


def store(files: list) -> Path:
    """Write the uploaded files (or the one ZIP's data files) into a new folder; return it."""
    folder = new_folder()
    limit = settings.POSTLOAN_UPLOAD_MAX_BYTES
    for upload in files:
        name = _safe_name(upload.name)
        if Path(name).suffix.lower() == ".zip":
            _extract_zip(upload, folder, limit)
            continue
        with (folder / name).open("wb") as dst:
            for chunk in upload.chunks():
                dst.write(chunk)
    return folder
