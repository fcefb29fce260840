"""What a person fills in to complete an inspection, and photos made in memory."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from postloan.worklist.analysis_report import NARRATIVE_SECTIONS
from postloan.worklist.choices import CHECK_ITEMS

NARRATIVE = {
    "operations": "订单饱满，产销正常",
    "finance_comment": "收入利润与上季持平",
    "account_comment": "销售资金按约定归行",
    "guarantee_comment": "保证人经营正常，押品无变化",
    "signals_comment": "无未处置的预警信号",
    "prospects": "行业需求稳定",
    "measures": "继续按季检查",
}


def inspection_form(**extra) -> dict:
    """A complete, valid POST of the inspection form (every item answered 正常)."""
    data = {
        "mode": "on_site",
        "done_date": "2026-10-30",
        "conclusion": "normal",
        "proposed_class": "",
        "next_interval_months": "",
    }
    for code, _ in CHECK_ITEMS:
        data[f"item_{code}"] = "normal"
        data[f"note_{code}"] = ""
    assert set(NARRATIVE) == {code for code, _ in NARRATIVE_SECTIONS}
    for code, text in NARRATIVE.items():
        data[f"narrative_{code}"] = text
    data.update(extra)
    return data


def jpeg(taken: str | None = "2026:10:30 10:15:00", gps=None, offset: str | None = None) -> bytes:
    """A real JPEG with EXIF DateTimeOriginal and, if given, GPS ((lat, "N"), (lon, "E"))."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "测试相机"
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    if taken:
        sub[ExifTags.Base.DateTimeOriginal] = taken
    if offset:
        sub[ExifTags.Base.OffsetTimeOriginal] = offset
    if gps:
        (lat, lat_ref), (lon, lon_ref) = gps
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitudeRef], info[ExifTags.GPS.GPSLatitude] = lat_ref, lat
        info[ExifTags.GPS.GPSLongitudeRef], info[ExifTags.GPS.GPSLongitude] = lon_ref, lon
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (40, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(content: bytes, name: str = "现场.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)
