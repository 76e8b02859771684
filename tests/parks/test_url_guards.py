"""Guarded includes (parks.core.url_guards, issue 14) resolve every path as include does: the
API's routes are resolved both ways over paths made from every pattern's beginning, and the
guard's reading of a pattern's beginning is pinned on the regexes it must refuse to read."""

import pytest
from django.urls import Resolver404, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from parks.core import url_guards
from parks.core.url_guards import _Guard, _regex_beginning


def _outcome(path):
    try:
        match = get_resolver().resolve(path)
    except Resolver404:
        return "404"
    return (match.func, match.args, match.kwargs, match.url_name, match.route, match.namespaces)


def _paths():
    guards = [
        pattern
        for included in get_resolver().url_patterns
        for pattern in getattr(included, "url_patterns", [])
        if isinstance(pattern.pattern, _Guard)
    ]
    assert len(guards) == 3
    beginnings = set()
    for guard in guards:
        known = url_guards._beginnings(guard.url_patterns)
        assert known is not None  # every API route's beginning is read
        beginnings.update(known[0], known[1])
    tails = ["", "1/", "1", "7/", "json", "1.json", "x/", "1/download/", "cursor/", "rates/"]
    paths = {"/api/v1/" + beginning + tail for beginning in beginnings for tail in tails}
    return sorted(paths | {"/api/v1/", "/api/v1", "/api/v1/nope/", "/api/v1/.json", "/"})


def test_guarded_includes_resolve_every_path_as_include_does(monkeypatch):
    paths = _paths()
    guarded = [_outcome(path) for path in paths]
    monkeypatch.setattr(_Guard, "match", RoutePattern.match)
    assert guarded == [_outcome(path) for path in paths]
    assert sum(outcome != "404" for outcome in guarded) > 100


def test_reversing_is_includes():
    assert reverse("grievance-detail", args=[5]) == "/api/v1/grievances/5/"
    assert reverse("park-list") == "/api/v1/parks/"
    assert reverse("notice-preferences") == "/api/v1/notices/preferences/"


@pytest.mark.parametrize(
    ("regex", "read"),
    [
        (r"^grievances/(?P<pk>[^/.]+)/$", ("grievances/", False)),
        (r"^grievances\.(?P<format>[a-z0-9]+)/?$", ("grievances.", False)),
        (r"^$", ("", True)),
        (r"^plans/$", ("plans/", True)),
        (r"^tasks?/$", ("task", False)),  # the s may be absent
        (r"^ab*c/$", ("a", False)),
        (r"^a{2}/$", ("", False)),
        (r"^\d+/$", ("", False)),
        (r"^a$b", ("a", False)),
        (r"grievances/$", None),  # no ^: matches anywhere
        (r"^a/|^b/", None),
    ],
)
def test_a_patterns_beginning_is_read_only_where_it_is_plain(regex, read):
    assert _regex_beginning(regex) == read
