"""Activity photos: what a phone sends is checked, then re-encoded; anything else is refused.

The portal keeps only JPEGs it made itself, no larger than ACTIVITY_PHOTO_MAX_SIDE a side, with
no EXIF (no GPS position), upright, transparent parts white. A renamed program, a page, a broken
file, a decompression bomb and an oversized upload are refused with a message and a code, and
nothing of a refused entry reaches storage.
"""

import io
import struct
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from parks.gridlog import services
from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity, ActivityPhoto
from parks.gridlog.photos import process_photo

WHEN = datetime(2026, 6, 3, 2, 0, tzinfo=UTC)
RED, BLUE, WHITE = (220, 20, 20), (20, 20, 220), (255, 255, 255)


def encoded(picture: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    picture.save(out, fmt, **options)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def halves(size=(60, 40)) -> Image.Image:
    """Left half red, right half blue: shows which way a picture was turned."""
    picture = Image.new("RGB", size, BLUE)
    picture.paste(RED, (0, 0, size[0] // 2, size[1]))
    return picture


def camera_exif(orientation=1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 34.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (120.0, 18.0, 1.0)
    return exif


def opened(content: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(content))
    picture.load()
    return picture


def close_to(pixel, colour, slack=40):
    return all(abs(a - b) <= slack for a, b in zip(pixel, colour, strict=True))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width × height pixels and holds almost none of them."""
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


# --- What is kept -----------------------------------------------------------------------------


def test_a_large_jpeg_is_scaled_down_to_the_maximum_side_with_a_small_thumbnail(settings):
    photo = process_photo(upload("IMG_0001.JPG", encoded(halves((3200, 2400)), "JPEG")))

    image, thumbnail = opened(photo.image), opened(photo.thumbnail)
    assert image.format == "JPEG" and thumbnail.format == "JPEG"
    assert image.size == (photo.width, photo.height) == (settings.ACTIVITY_PHOTO_MAX_SIDE, 1200)
    assert thumbnail.size == (settings.ACTIVITY_PHOTO_THUMB_SIDE, 270)
    assert photo.original_name == "IMG_0001.JPG"


def test_a_small_photo_keeps_its_size():
    photo = process_photo(upload("small.jpg", encoded(halves((300, 200)), "JPEG")))

    assert (photo.width, photo.height) == (300, 200)
    assert opened(photo.thumbnail).size == (300, 200)


def test_a_tall_photo_is_bounded_by_its_height(settings):
    photo = process_photo(upload("tall.png", encoded(halves((1000, 5000)), "PNG")))

    assert (photo.width, photo.height) == (320, settings.ACTIVITY_PHOTO_MAX_SIDE)
    assert max(opened(photo.thumbnail).size) == settings.ACTIVITY_PHOTO_THUMB_SIDE


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_become_jpeg(fmt):
    photo = process_photo(upload(f"photo.{fmt.lower()}", encoded(halves(), fmt)))

    image = opened(photo.image)
    assert image.format == "JPEG" and image.mode == "RGB"
    assert close_to(image.getpixel((5, 20)), RED) and close_to(image.getpixel((55, 20)), BLUE)


def test_transparent_parts_become_white():
    picture = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    picture.paste((*RED, 255), (0, 0, 30, 40))

    photo = process_photo(upload("sticker.png", encoded(picture, "PNG")))

    image = opened(photo.image)
    assert close_to(image.getpixel((10, 20)), RED)
    assert close_to(image.getpixel((50, 20)), WHITE, slack=5)  # not black


def test_a_palette_png_with_a_transparent_colour_becomes_white_there():
    picture = Image.new("P", (60, 40), 0)
    picture.putpalette([0, 0, 0, *RED] + [0] * 762)
    picture.paste(1, (0, 0, 30, 40))

    photo = process_photo(upload("logo.png", encoded(picture, "PNG", transparency=0)))

    image = opened(photo.image)
    assert close_to(image.getpixel((10, 20)), RED)
    assert close_to(image.getpixel((50, 20)), WHITE, slack=5)


def test_exif_with_the_gps_position_is_gone():
    original = encoded(halves(), "JPEG", exif=camera_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    photo = process_photo(upload("gps.jpg", original))

    for content in (photo.image, photo.thumbnail):
        assert not opened(content).getexif()
        assert b"Exif" not in content and b"PhoneMaker" not in content


def test_a_jpeg_comment_is_not_carried_over():
    original = encoded(halves(), "JPEG", comment=b"taken at 31.57N 120.30E by Zhang")

    photo = process_photo(upload("comment.jpg", original))

    for content in (photo.image, photo.thumbnail):
        assert b"31.57N" not in content
        assert "comment" not in opened(content).info


def test_a_sideways_jpeg_comes_out_upright():
    # Orientation 6: the camera was turned; the picture is shown turned 90° clockwise.
    original = encoded(halves((60, 40)), "JPEG", exif=camera_exif(orientation=6))

    photo = process_photo(upload("sideways.jpg", original))

    image = opened(photo.image)
    assert (photo.width, photo.height) == image.size == (40, 60)
    assert opened(photo.thumbnail).size == (40, 60)
    # The left half (red) of the stored pixels is at the top once turned clockwise.
    assert close_to(image.getpixel((20, 5)), RED) and close_to(image.getpixel((20, 55)), BLUE)


def test_a_jpeg_with_damaged_exif_is_still_taken_and_turned_upright():
    # Orientation 6 beside an XResolution stored as text: Pillow cannot write such EXIF back.
    entries = [(0x0112, 3, 1, struct.pack("<HH", 6, 0)), (0x011A, 2, 4, b"abc\x00")]
    tiff = b"II*\x00" + struct.pack("<IH", 8, len(entries))
    for tag, kind, count, value in entries:
        tiff += struct.pack("<HHI", tag, kind, count) + value
    tiff += struct.pack("<I", 0)
    original = encoded(halves((60, 40)), "JPEG", exif=b"Exif\x00\x00" + tiff)

    photo = process_photo(upload("odd-phone.jpg", original))

    assert (photo.width, photo.height) == (40, 60)
    assert close_to(opened(photo.image).getpixel((20, 5)), RED)


def test_a_phone_jpeg_with_a_second_picture_inside_is_taken():
    # Phones store a depth map or an HDR gain map after the photo (MPF); Pillow calls it MPO.
    original = encoded(halves((60, 40)), "MPO", save_all=True, append_images=[halves((30, 20))])
    assert Image.open(io.BytesIO(original)).format == "MPO"

    photo = process_photo(upload("IMG_2024.jpg", original))

    assert (photo.width, photo.height) == (60, 40)
    assert opened(photo.image).format == "JPEG"


def test_grey_and_sixteen_bit_pictures_are_taken():
    grey = process_photo(upload("grey.png", encoded(Image.new("L", (30, 20), 128), "PNG")))
    deep = process_photo(upload("deep.png", encoded(Image.new("I;16", (30, 20), 32768), "PNG")))

    assert opened(grey.image).mode == opened(deep.image).mode == "RGB"
    assert close_to(opened(grey.image).getpixel((5, 5)), (128, 128, 128), slack=5)
    assert close_to(opened(deep.image).getpixel((5, 5)), (128, 128, 128), slack=5)  # not white


def test_only_the_file_name_of_a_path_is_kept():
    photo = process_photo(upload("../../etc/passwd.jpg", encoded(halves(), "JPEG")))

    assert photo.original_name == "passwd.jpg"


# --- What is refused --------------------------------------------------------------------------


def refusal(name, content) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        process_photo(upload(name, content))
    return error.value


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 4000, id="exe"),
        pytest.param(
            "photo.png",
            b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>",
            id="html",
        ),
        pytest.param("photo.jpg", b"", id="empty"),
        pytest.param("photo.gif", encoded(halves(), "GIF"), id="gif"),
        pytest.param("photo.bmp", encoded(halves(), "BMP"), id="bmp"),
        pytest.param("photo.tif", encoded(halves(), "TIFF"), id="tiff"),
        pytest.param("photo.jpg", encoded(halves((400, 300)), "JPEG")[:1500], id="truncated"),
        pytest.param("photo.png", encoded(halves((400, 300)), "PNG")[:200], id="truncated-png"),
    ],
)
def test_what_is_not_a_readable_photo_is_refused(name, content):
    error = refusal(name, content)

    assert error.code == "not_a_photo"
    assert name in error.messages[0] and "JPEG, PNG or WebP" in error.messages[0]


@pytest.fixture(scope="module")
def bomb() -> bytes:
    # 144 million one-bit pixels, about 20 KB on disk; decoded as RGB they would take 430 MB.
    return encoded(Image.new("1", (12_000, 12_000)), "PNG")


def test_a_decompression_bomb_is_refused_before_it_is_decoded(bomb):
    assert len(bomb) < 100_000

    error = refusal("bomb.png", bomb)

    assert error.code == "too_many_pixels"
    assert "too many pixels" in error.messages[0]


def test_a_header_claiming_900_million_pixels_is_refused():
    # Past twice Pillow's own limit, where Pillow refuses rather than warns.
    error = refusal("bomb.png", png_header_only(30_000, 30_000))

    assert error.code == "too_many_pixels"


def test_a_picture_just_over_the_portals_pixel_limit_is_refused(settings):
    settings.ACTIVITY_PHOTO_MAX_PIXELS = 1_000_000
    just_under = encoded(Image.new("RGB", (1000, 1000)), "PNG")
    just_over = encoded(Image.new("RGB", (1001, 1000)), "PNG")

    assert process_photo(upload("under.png", just_under)).width == 1000
    error = refusal("over.png", just_over)
    assert error.code == "too_many_pixels"
    assert "at most 1 million" in error.messages[0]


def test_a_header_claiming_too_many_pixels_is_refused_without_decoding(settings):
    settings.ACTIVITY_PHOTO_MAX_PIXELS = 1_000_000

    error = refusal("claims.png", png_header_only(2000, 2000))

    assert error.code == "too_many_pixels"


def test_a_30_mb_upload_is_refused_by_its_size():
    content = encoded(halves(), "JPEG")
    content += b"\x00" * (30 * 1024 * 1024 - len(content))

    error = refusal("huge.jpg", content)

    assert error.code == "too_big"
    assert "larger than 15 MB" in error.messages[0]


def test_the_size_limit_is_the_settings(settings):
    settings.ACTIVITY_PHOTO_MAX_BYTES = 300
    content = encoded(halves((200, 200)), "PNG")
    assert len(content) > 300

    assert refusal("a.png", content).code == "too_big"


# --- Photos in an entry -----------------------------------------------------------------------


def stored_files(path="activity-photos") -> set[str]:
    try:
        folders, files = default_storage.listdir(path)
    except FileNotFoundError:
        return set()
    found = {f"{path}/{name}" for name in files}
    for folder in folders:
        found |= stored_files(f"{path}/{folder}")
    return found


def entry(grid_zone, **fields):
    return Activity(
        grid_zone=grid_zone, kind=ActivityKind.VISIT, occurred_at=WHEN, title="走访经营户", **fields
    )


@pytest.mark.django_db
def test_an_entry_keeps_its_re_encoded_photos_under_made_up_names(liaison, grid_zone):
    before = stored_files()
    original = encoded(halves(), "JPEG", exif=camera_exif())

    activity, created = services.activity_create(
        activity=entry(grid_zone),
        actor=liaison,
        photos=[
            upload("张三 13812345678.jpg", original),
            upload("b.png", encoded(halves(), "PNG")),
        ],
    )

    assert created
    photos = list(activity.photos.order_by("pk"))
    assert [photo.original_name for photo in photos] == ["张三 13812345678.jpg", "b.png"]
    new = stored_files() - before
    assert new == {name for photo in photos for name in (photo.image.name, photo.thumbnail.name)}
    for photo in photos:
        assert photo.image.name.startswith(f"activity-photos/full/{activity.pk}/")
        assert photo.thumbnail.name.startswith(f"activity-photos/thumb/{activity.pk}/")
        assert "13812345678" not in photo.image.name
        with photo.image.open("rb") as stored:
            assert b"Exif" not in stored.read()


@pytest.mark.django_db
def test_one_bad_photo_refuses_the_whole_entry_and_nothing_is_stored(liaison, grid_zone):
    before = stored_files()
    good = upload("good.jpg", encoded(halves(), "JPEG"))
    bad = upload("setup.jpg", b"MZ\x90\x00" + b"\x00" * 1000)

    with pytest.raises(ValidationError) as error:
        services.activity_create(activity=entry(grid_zone), actor=liaison, photos=[good, bad])

    [message] = error.value.message_dict["photos"]
    assert "setup.jpg" in message
    assert error.value.error_dict["photos"][0].code == "not_a_photo"
    assert not Activity.objects.exists() and not ActivityPhoto.objects.exists()
    assert stored_files() == before


@pytest.mark.django_db
def test_every_bad_photo_of_an_entry_is_named(liaison, grid_zone, bomb):
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            activity=entry(grid_zone),
            actor=liaison,
            photos=[upload("a.gif", encoded(halves(), "GIF")), upload("bomb.png", bomb)],
        )

    messages = error.value.message_dict["photos"]
    assert len(messages) == 2
    assert "a.gif" in messages[0] and "bomb.png" in messages[1]
    assert [e.code for e in error.value.error_dict["photos"]] == ["not_a_photo", "too_many_pixels"]
    assert not Activity.objects.exists()
