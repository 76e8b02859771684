"""QR codes that lead a worker's phone to a park's or grid zone's public grievance page.

Made with segno (pure Python, no image library): SVG scales to any poster size and prints sharp.
"""

import io

import segno
from django.conf import settings
from django.urls import reverse

# "M" recovers from ~15% damage: enough for a poster behind glass or a little worn; segno
# raises it further when that costs no extra size.
ERROR_CORRECTION = "m"


def qr_svg(url: str, *, scale: int = 8) -> bytes:
    """A standalone SVG document of the QR code for `url`; the URL is its <title> too."""
    buffer = io.BytesIO()
    segno.make(url, error=ERROR_CORRECTION, micro=False).save(
        buffer, kind="svg", scale=scale, border=4, xmldecl=False, title=url
    )
    return buffer.getvalue()


def qr_svg_inline(url: str) -> str:
    """The QR code as an <svg> element for HTML, sized by CSS (it carries a viewBox only)."""
    return segno.make(url, error=ERROR_CORRECTION, micro=False).svg_inline(
        scale=1, border=4, omitsize=True, title=url
    )


def public_form_url(park_id: int, grid_zone_id: int | None = None) -> str:
    """The address a poster encodes: the park's (or grid zone's) public form at
    PORTAL_PUBLIC_BASE_URL, never the host the office happened to browse from."""
    if grid_zone_id is None:
        path = reverse("grievances:public_form", args=[park_id])
    else:
        path = reverse("grievances:public_form_zone", args=[park_id, grid_zone_id])
    return settings.PORTAL_PUBLIC_BASE_URL + path
