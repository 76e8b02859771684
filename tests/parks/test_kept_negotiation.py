"""The API's negotiation (parks.core.api.negotiation.KeptNegotiation) is DRF's: the same
renderer and media type for each Accept header, format and list of renderers, the first time and
from what it kept; the same refusal where DRF refuses."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer, TemplateHTMLRenderer
from rest_framework.request import Request

from parks.core.api import negotiation

ACCEPTS = [
    None,
    "*/*",
    "application/json",
    "application/json; indent=4",
    "application/*",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "text/html",
    "image/jpeg",
    "application/json;q=0.5, text/html",
    "",
    "x" * (negotiation.LONGEST_KEPT_HEADER + 1),
]
RENDERERS = [
    (JSONRenderer,),
    (JSONRenderer, BrowsableAPIRenderer),
    (BrowsableAPIRenderer, JSONRenderer),
    (TemplateHTMLRenderer, JSONRenderer),
]


def _choose(negotiator, accept, query, suffix, renderer_classes):
    """(the index of the renderer chosen, the media type) or the refusal's class."""
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(RequestFactory().get("/api/v1/x/", query, **headers))
    renderers = [kind() for kind in renderer_classes]
    try:
        renderer, media_type = negotiator.select_renderer(request, renderers, suffix)
    except (NotAcceptable, Http404) as refusal:
        return type(refusal)
    return renderers.index(renderer), type(renderer), media_type


@pytest.mark.parametrize("renderer_classes", RENDERERS)
@pytest.mark.parametrize(
    ("query", "suffix"),
    [
        ({}, None),
        ({"format": "json"}, None),
        ({"format": "api"}, None),
        ({"format": "xml"}, None),
        ({}, "json"),
        ({}, "xml"),
    ],
)
@pytest.mark.parametrize("accept", ACCEPTS)
def test_the_choice_is_drf_s_first_and_kept(accept, query, suffix, renderer_classes):
    negotiation._chosen.clear()
    drf = _choose(DefaultContentNegotiation(), accept, query, suffix, renderer_classes)
    first = _choose(negotiation.KeptNegotiation(), accept, query, suffix, renderer_classes)
    kept = _choose(negotiation.KeptNegotiation(), accept, query, suffix, renderer_classes)
    assert first == drf
    assert kept == drf
    refused = isinstance(drf, type)
    long = accept is not None and len(accept) > negotiation.LONGEST_KEPT_HEADER
    assert len(negotiation._chosen) == (0 if refused or long else 1)


def test_a_refusal_is_not_kept():
    negotiation._chosen.clear()
    assert _choose(negotiation.KeptNegotiation(), "image/jpeg", {}, None, (JSONRenderer,)) is (
        NotAcceptable
    )
    assert len(negotiation._chosen) == 0


def test_a_long_header_is_not_kept():
    negotiation._chosen.clear()
    accept = "application/json," + " " * negotiation.LONGEST_KEPT_HEADER
    assert _choose(negotiation.KeptNegotiation(), accept, {}, None, (JSONRenderer,))[0] == 0
    assert len(negotiation._chosen) == 0


def test_the_api_negotiates_this_way(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_CONTENT_NEGOTIATION_CLASS"] == (
        "parks.core.api.negotiation.KeptNegotiation"
    )
