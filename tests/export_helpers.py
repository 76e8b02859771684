"""Fetching an export as a person does: the list's export link starts it and lands on its page;
the job (run here in the test's process, as the worker runs it) writes it; the download
streams it. Tests of the worker itself are in tests/parks/test_exports_worker.py."""

from django.urls import reverse

from parks.exports import services
from parks.exports.models import Export


def run_queued_exports() -> list[Export]:
    """Write every queued export, as the worker would; the exports written."""
    written = []
    for pk in Export.objects.filter(status="queued").order_by("pk").values_list("pk", flat=True):
        written.append(services.export_build(pk))
    return written


def export_via_page(client, url, params=None):
    """GET a list's export link, write the export it started, and download it: the download
    response (or the link's own response when it started nothing: a 404, a refusal)."""
    started = client.get(url, params or {})
    if started.status_code != 302 or "/exports/" not in started["Location"]:
        return started
    [export] = run_queued_exports()
    assert started["Location"] == reverse("parks:export_detail", args=[export.pk])
    return client.get(reverse("parks:export_download", args=[export.pk]))


def content(response) -> bytes:
    return b"".join(response.streaming_content)
