"""How the API picks its renderer: DRF's negotiation, its choice kept per Accept header; and the
file downloads' own."""

from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation

from parks.core.recent import Recent

# A longer Accept header (or ?format=) is negotiated every time: the kept choices are bounded in
# number and each key in size, so no client can fill a worker's memory with its own headers.
LONGEST_KEPT_HEADER = 300
# Clients send a handful of distinct headers (none, */*, application/json, a browser's).
_chosen = Recent(256)


class KeptNegotiation(DefaultContentNegotiation):
    """DRF's DefaultContentNegotiation, its answer kept per process for each Accept header,
    format asked for and list of renderers (~20–50 µs on every API request, the Accept header
    parsed and matched against each renderer; a kept answer costs a few).

    Those are all DRF's choice reads (the header, `?format=` or the format suffix, and each
    renderer's class, media type and format), so a kept answer is the one DRF would give. A
    refusal (406, or 404 for an unknown format) is DRF's own every time, never kept.
    tests/parks/test_kept_negotiation.py pins it to DRF's over headers, formats and renderers.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        asked = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        # DRF reads request.headers.get("accept", "*/*"): the same value, without building the
        # request's headers mapping.
        accept = request.META.get("HTTP_ACCEPT", "*/*")
        if len(accept) > LONGEST_KEPT_HEADER or (asked and len(asked) > LONGEST_KEPT_HEADER):
            return super().select_renderer(request, renderers, format_suffix)
        key = (
            accept,
            asked,
            tuple((type(renderer), renderer.media_type, renderer.format) for renderer in renderers),
        )
        found = _chosen.recall(key)
        if found is None:
            renderer, media_type = super().select_renderer(request, renderers, format_suffix)
            index = next(i for i, candidate in enumerate(renderers) if candidate is renderer)
            found = _chosen.keep(key, (index, media_type))
        index, media_type = found
        return renderers[index], media_type


class FileDownloadNegotiation(BaseContentNegotiation):
    """For an endpoint that answers a file: its errors are JSON, whatever the client accepts.

    The file itself goes out as a FileResponse, past the renderers; only errors are rendered.
    DRF's default negotiation would answer `Accept: image/jpeg` with a 406, or render an error
    with a file renderer as an empty body; and it takes `?format=` as a renderer's name, which
    the report download uses to pick its file.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None
