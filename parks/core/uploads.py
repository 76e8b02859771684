"""Checks every uploaded file passes, whichever app receives it."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_upload(upload, *, signatures: dict, max_bytes: int, refusal: str) -> None:
    """Refuse a file that is too big, of a type not in `signatures`, or not what its name says.

    `signatures` maps an extension to the first bytes (one prefix or a tuple of them) a real
    file of that type starts with. The type is judged by the extension and those bytes together,
    never by the browser's content type, so a page or a program renamed .pdf is refused.
    `refusal` is the message for a type not accepted, with `%(name)s` for the file name.
    """
    name = upload.name or ""
    extension = Path(name).suffix.lower()
    if extension not in signatures:
        raise ValidationError(refusal % {"name": name})
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s MB.")
            % {"name": name, "limit": f"{max_bytes / (1024 * 1024):g}"}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(signatures[extension]):
        raise ValidationError(
            _("“%(name)s” is not a real %(type)s file.")
            % {"name": name, "type": extension[1:].upper()}
        )
