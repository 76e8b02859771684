"""Photos on a grid-log entry, saved as the grid log's own service saves them."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parks.gridlog import services as gridlog_services


def add_photo(activity, *, colour="green"):
    out = io.BytesIO()
    Image.new("RGB", (80, 60), colour).save(out, "JPEG")
    gridlog_services.activity_update(
        activity=activity,
        actor=activity.logged_by,
        fields={},
        photos=[SimpleUploadedFile("现场.jpg", out.getvalue())],
    )
