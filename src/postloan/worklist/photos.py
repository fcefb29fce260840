"""Inspection photos: only real JPEG/PNG images (checked by decoding them with Pillow), with
the time taken (EXIF DateTimeOriginal) and, where the photo carries it, the place (EXIF GPS)."""

import datetime as dt
import hashlib
import io
import warnings
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from PIL import ExifTags, Image, UnidentifiedImageError

from postloan.worklist.policy import setting

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
MAX_PIXELS = 80_000_000  # a 12 MP phone photo is 12 M; anything far above is refused


@dataclass(frozen=True)
class PhotoFacts:
    content_type: str
    size: int
    sha256: str
    width: int
    height: int
    taken_at: dt.datetime | None
    latitude: Decimal | None
    longitude: Decimal | None


def read_photo(upload) -> PhotoFacts:
    """The facts of an uploaded photo, or a ValidationError in Chinese: not an image, not a
    JPEG/PNG, damaged, too large."""
    limit = int(setting("WORKLIST_ATTACHMENT_MAX_BYTES"))
    if upload.size > limit:
        raise ValidationError(
            gettext("照片过大（%(size)s KB），上限 %(limit)s MB")
            % {"size": upload.size // 1024, "limit": limit // 1024 // 1024}
        )
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(_stream(content)) as probe:
                kind = probe.format
                probe.verify()
            with Image.open(_stream(content)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError(gettext("照片像素过大，请压缩后上传"))
                image.load()  # decode every pixel: a damaged or truncated file is refused
                exif = image.getexif()
                width, height = image.size
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(gettext("文件不是可识别的照片（仅接受 JPEG 或 PNG 图片）")) from None
    except Image.DecompressionBombWarning:
        raise ValidationError(gettext("照片像素过大，请压缩后上传")) from None
    if kind not in FORMATS:
        raise ValidationError(gettext("仅接受 JPEG 或 PNG 格式的照片"))
    latitude, longitude = gps_position(exif)
    return PhotoFacts(
        content_type=FORMATS[kind],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        width=width,
        height=height,
        taken_at=taken_at(exif),
        latitude=latitude,
        longitude=longitude,
    )


def _stream(content: bytes) -> io.BytesIO:
    return io.BytesIO(content)


def taken_at(exif) -> dt.datetime | None:
    """EXIF DateTimeOriginal ("YYYY:MM:DD HH:MM:SS"), in its OffsetTimeOriginal if the camera
    wrote one, else in the bank's time zone (cameras keep local time)."""
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    raw = sub.get(ExifTags.Base.DateTimeOriginal)
    if not isinstance(raw, str):
        return None
    try:
        naive = dt.datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007
    except ValueError:
        return None
    offset = sub.get(ExifTags.Base.OffsetTimeOriginal)
    if isinstance(offset, str):
        try:
            sign = -1 if offset.startswith("-") else 1
            hours, minutes = offset.strip("+-\x00 ").split(":")
            tz = dt.timezone(sign * dt.timedelta(hours=int(hours), minutes=int(minutes)))
            return naive.replace(tzinfo=tz)
        except ValueError:
            pass
    return timezone.make_aware(naive, timezone.get_default_timezone())


def gps_position(exif) -> tuple[Decimal | None, Decimal | None]:
    """(latitude, longitude) in signed decimal degrees (6 places), or (None, None)."""
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), 90)
    lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), 180)
    if lat is None or lon is None:
        return None, None
    return lat, lon


def _degrees(value, ref, bound: int) -> Decimal | None:
    if not isinstance(value, tuple) or len(value) != 3 or not isinstance(ref, str):
        return None
    try:
        d, m, s = (Decimal(str(float(part))) for part in value)
    except (TypeError, ValueError, ZeroDivisionError, InvalidOperation):
        return None
    degrees = d + m / 60 + s / 3600
    if ref.strip("\x00 ").upper() in ("S", "W"):
        degrees = -degrees
    if not degrees.is_finite() or abs(degrees) > bound:
        return None
    return degrees.quantize(Decimal("0.000001"))


def place_label(latitude: Decimal | None, longitude: Decimal | None) -> str:
    """ "北纬30.260000°，东经120.150000°" — how the page and the report say where."""
    if latitude is None or longitude is None:
        return ""
    ns = "北纬" if latitude >= 0 else "南纬"
    ew = "东经" if longitude >= 0 else "西经"
    return f"{ns}{abs(latitude):.6f}°，{ew}{abs(longitude):.6f}°"
