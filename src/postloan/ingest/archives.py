"""ZIP containers (an uploaded `.zip`, and every `.xlsx`, which is one) checked before anything
reads them: the unpacked size and the compression ratio of every member, encryption and
unknown compression methods, and — while a member is unpacked — that it holds exactly the bytes
its directory entry declares (a forged size field ends in a CRC or length error, reported here
as a refusal instead of a server error).

    inspect(source, name, max_bytes)   the archive's members, or ArchiveRefused
    unpack(archive, member, out, ...)  one member into a file, bounded, or ArchiveRefused
    verify(archive, name)              every member read once (CRC checked), or ArchiveRefused

The limits follow Apache POI's ZIP bomb guard: a member larger than `MIN_RATIO_BYTES` unpacked
may not be more than `settings.POSTLOAN_ZIP_MAX_RATIO` (100) times its compressed size.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from django.conf import settings

MIN_RATIO_BYTES = 1024 * 1024
CHUNK = 1024 * 1024
SUPPORTED = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
# What zipfile raises for a damaged or forged archive.
BROKEN = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError)


class ArchiveRefused(ValueError):
    """A ZIP or XLSX that is not read: the message says why, in Chinese, naming the file."""


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MB"


def inspect(source, name: str, max_bytes: int) -> zipfile.ZipFile:
    """Open `source` (a path or a file object) as a ZIP and check its directory; the caller
    closes the returned archive."""
    try:
        archive = zipfile.ZipFile(source)
        members = archive.infolist()
    except BROKEN:
        raise ArchiveRefused(f"{name}：文件已损坏或不是有效的压缩格式，无法打开") from None
    try:
        check_members(members, name, max_bytes)
    except ArchiveRefused:
        archive.close()
        raise
    return archive


def check_members(members: list[zipfile.ZipInfo], name: str, max_bytes: int) -> None:
    max_ratio = settings.POSTLOAN_ZIP_MAX_RATIO
    total = 0
    for m in members:
        if m.flag_bits & 0x1:
            raise ArchiveRefused(f"{name}：压缩包已加密（{m.filename}），请解除密码后重新上传")
        if m.compress_type not in SUPPORTED:
            raise ArchiveRefused(
                f"{name}：{m.filename} 使用了不支持的压缩方式，请用常见的 ZIP（Deflate）格式重新压缩"
            )
        total += m.file_size
        if total > max_bytes:
            raise ArchiveRefused(f"{name}：解压后超过上限 {_mb(max_bytes)}，不予读取")
        if m.file_size > MIN_RATIO_BYTES and m.file_size > max_ratio * max(m.compress_size, 1):
            raise ArchiveRefused(
                f"{name}：{m.filename} 的压缩比异常（{m.compress_size:,} 字节解压为"
                f" {m.file_size:,} 字节，超过 {max_ratio} 倍），疑似压缩炸弹，不予读取"
            )


def unpack(archive: zipfile.ZipFile, member: zipfile.ZipInfo, out: Path, name: str) -> int:
    """Write `member` to `out`; never more bytes than its entry declares (zipfile stops there
    and checks the CRC). Returns the bytes written."""
    written = 0
    try:
        with archive.open(member) as src, out.open("wb") as dst:
            while chunk := src.read(CHUNK):
                written += len(chunk)
                if written > member.file_size:
                    raise zipfile.BadZipFile("longer than declared")
                dst.write(chunk)
    except BROKEN:
        out.unlink(missing_ok=True)
        raise ArchiveRefused(
            f"{name}：{member.filename} 已损坏（内容与压缩包记录的大小或校验和不符），不予读取"
        ) from None
    if written != member.file_size:
        out.unlink(missing_ok=True)
        raise ArchiveRefused(f"{name}：{member.filename} 已损坏（内容比记录的短），不予读取")
    return written


def verify(archive: zipfile.ZipFile, name: str) -> None:
    """Read every member once (bounded by the checked sizes): a forged size or a bad CRC is
    found here, before a reader (openpyxl) trips over it."""
    for m in archive.infolist():
        read = 0
        try:
            with archive.open(m) as src:
                while chunk := src.read(CHUNK):
                    read += len(chunk)
        except BROKEN:
            raise ArchiveRefused(
                f"{name}：{m.filename} 已损坏（内容与记录的大小或校验和不符），不予读取"
            ) from None
        if read != m.file_size:
            raise ArchiveRefused(f"{name}：{m.filename} 已损坏（内容比记录的短），不予读取")
