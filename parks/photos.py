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
from PIL import Image, ImageOps, UnidentifiedImageError

# What phones and cameras send. HEIC is converted to JPEG by the phone's browser on upload.
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


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


def _jpeg(picture: Image.Image, side: int) -> tuple[bytes, int, int]:
    copy = picture.copy()
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
            picture.load()
            picture = ImageOps.exif_transpose(picture)
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
    if picture.mode != "RGB":
        # Transparent parts become white, as they look on a page.
        background = Image.new("RGB", picture.size, "white")
        rgba = picture.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        picture = background
    image, width, height = _jpeg(picture, settings.ACTIVITY_PHOTO_MAX_SIDE)
    thumbnail, _w, _h = _jpeg(picture, settings.ACTIVITY_PHOTO_THUMB_SIDE)
    return ProcessedPhoto(image, thumbnail, width, height, name)
