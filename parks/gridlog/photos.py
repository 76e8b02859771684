"""Activity photos: checked before they are decoded, then re-encoded and resized on the server.

A phone sends what its camera made; the portal keeps only what it re-encoded itself: a JPEG no
larger than ACTIVITY_PHOTO_MAX_SIDE a side and a thumbnail for lists. Re-encoding drops EXIF
(with any GPS position) and anything hidden in the file that is not pixels.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, UnidentifiedImageError

# What phones and cameras send. HEIC is converted to JPEG by the phone's browser on upload.
# MPO is a JPEG carrying a second picture after the photo (a depth map, an HDR gain map), as
# many phones write them; only the photo itself is read.
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}

# EXIF orientation -> the turn that shows the picture upright.
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class ProcessedPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int
    original_name: str


def _refuse(name):
    return ValidationError(
        _("“%(name)s” is not a photo the portal can read (JPEG, PNG or WebP).") % {"name": name},
        code="not_a_photo",
    )


def _too_many_pixels(name):
    return ValidationError(
        _("“%(name)s” has too many pixels (at most %(limit)s million).")
        % {"name": name, "limit": settings.ACTIVITY_PHOTO_MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


def _upright(picture: Image.Image) -> Image.Image:
    """The picture turned as the camera's EXIF orientation says.

    Done by hand rather than with ImageOps.exif_transpose, which writes the EXIF back and fails
    on the damaged EXIF some phones make; the EXIF is dropped here anyway.
    """
    try:
        orientation = picture.getexif().get(ExifTags.Base.Orientation, 1)
        method = UPRIGHT.get(orientation)
    except Exception:  # a damaged EXIF block fails in many ways; the pixels still stand
        method = None
    return picture.transpose(method) if method is not None else picture


def _jpeg(picture: Image.Image, side: int) -> tuple[bytes, int, int]:
    copy = picture.copy()
    # Nothing but pixels is written: no JPEG comment, ICC profile, XMP or DPI the upload carried.
    copy.info = {}
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue(), copy.width, copy.height


def process_photo(upload) -> ProcessedPhoto:
    """Check an uploaded photo and return the portal's own JPEG and thumbnail of it.

    Refused with a ValidationError: a file over ACTIVITY_PHOTO_MAX_BYTES, anything that is not a
    JPEG, PNG or WebP by its content (a renamed program, a page), and a picture of more than
    ACTIVITY_PHOTO_MAX_PIXELS pixels (a decompression bomb) — the last judged from the header,
    before any pixel is decoded.
    """
    name = Path(upload.name or "photo").name[:200]
    max_bytes = settings.ACTIVITY_PHOTO_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s MB.")
            % {"name": name, "limit": f"{max_bytes / (1024 * 1024):g}"},
            code="too_big",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it; treat the warning as a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(upload)
            if picture.format not in ACCEPTED_FORMATS:
                raise _refuse(name)
            if picture.width * picture.height > settings.ACTIVITY_PHOTO_MAX_PIXELS:
                raise _too_many_pixels(name)
            # A JPEG decodes at 1/2, 1/4 or 1/8 scale when that still covers the largest side
            # kept: a 48-megapixel phone photo then takes a quarter of the memory and time.
            side = settings.ACTIVITY_PHOTO_MAX_SIDE
            picture.draft(None, (side, side))
            picture.load()
            picture = _upright(picture)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(name) from error
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ) as error:
        raise _refuse(name) from error
    if picture.mode == "I" or picture.mode.startswith("I;16"):
        # 16-bit grey (scanners, editors): scaled to 8 bits, where a plain conversion clips it
        # to white.
        picture = picture.convert("I").point(lambda value: value / 256).convert("L")
    if picture.mode != "RGB":
        # Transparent parts become white, as they look on a page.
        background = Image.new("RGB", picture.size, "white")
        rgba = picture.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        picture = background
    image, width, height = _jpeg(picture, settings.ACTIVITY_PHOTO_MAX_SIDE)
    thumbnail, _w, _h = _jpeg(picture, settings.ACTIVITY_PHOTO_THUMB_SIDE)
    return ProcessedPhoto(image, thumbnail, width, height, name)
