from rest_framework.negotiation import BaseContentNegotiation


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
