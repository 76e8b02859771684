"""An include that Django passes over at once for a path none of its patterns can match.

Django resolves a path by trying every pattern in order. Under /api/v1/ the parks and reforms
routers hold some 150 patterns before the grievance routes, each a regex tried and a failure
recorded: ~0.1 ms of every grievance API request (issue 14). `guarded_include` is `include`
at "" (it consumes nothing, answers the same matches, reverses the same), whose pattern first
asks whether the path begins with one of the literal beginnings its patterns demand
(`_beginnings`); where it does not, no pattern below could have matched, so skipping them
changes no answer. Where a pattern's beginning cannot be read plainly (no leading ^, an
alternation, a group or class first...) the guard always lets the path through: correct by
construction, never faster than it can prove. What changes is only the list of patterns a 404
says it tried (Django's debug page).
"""

from typing import Any

from django.urls import URLPattern, URLResolver, include
from django.urls.resolvers import RegexPattern, RoutePattern

# Characters with a meaning in a regex; an escaped one of these is itself (`\.`).
_SPECIAL = set(".^$*+?{}[]\\|()")
_QUANTIFIERS = set("*+?{")


def _regex_beginning(regex: str) -> tuple[str, bool] | None:
    """(literal text every match begins with, whether the regex is that text and nothing
    more), or None where that cannot be read plainly."""
    if not regex.startswith("^") or "|" in regex:
        return None
    literal: list[str] = []
    i = 1
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            escaped = regex[i + 1 : i + 2]
            if not escaped or escaped.isalnum():  # \d, \w, \A...: a class, not a character
                break
            char, step = escaped, 2
        elif char in _SPECIAL:
            if char == "$" and i == len(regex) - 1:
                return "".join(literal), True
            break
        else:
            step = 1
        if regex[i + step : i + step + 1] in _QUANTIFIERS and regex[i + step : i + step + 1]:
            break  # the character may be absent or repeated: the beginning ends before it
        literal.append(char)
        i += step
    return "".join(literal), False


def _route_beginning(pattern: RoutePattern) -> tuple[str, bool] | None:
    """What _regex_beginning reads, of a route: its text up to the first converter, and that
    converter's own beginning (DRF's format suffix: a dot); an endpoint route without
    converters is that text and nothing more."""
    route = getattr(pattern, "_route", None)
    if route is None:
        return None
    route = str(route)
    text, _, rest = route.partition("<")
    if not rest:
        return text, bool(getattr(pattern, "_is_endpoint", False))
    name = rest.split(">", 1)[0].rpartition(":")[2]
    converter = pattern.converters.get(name)
    read = _regex_beginning("^" + converter.regex) if converter is not None else None
    return text + (read[0] if read is not None else ""), False


def _beginnings(patterns: Any) -> tuple[tuple[str, ...], frozenset[str]] | None:
    """(beginnings, exact paths): every path some pattern may match begins with one of the
    beginnings or is one of the exact paths; None where some pattern's cannot be read."""
    beginnings: set[str] = set()
    exact: set[str] = set()
    for pattern in patterns:
        own = pattern.pattern
        if isinstance(own, RegexPattern):
            read = _regex_beginning(str(getattr(own, "_regex", "")))
            if read is None:
                return None
            text, whole = read
        elif isinstance(own, RoutePattern) and type(own) is RoutePattern:
            read = _route_beginning(own)
            if read is None:
                return None
            text, whole = read
        else:
            return None
        if isinstance(pattern, URLResolver):
            below = _beginnings(pattern.url_patterns)
            if below is None:
                return None
            beginnings.update(text + inner for inner in below[0])
            exact.update(text + inner for inner in below[1])
        elif isinstance(pattern, URLPattern):
            (exact if whole else beginnings).add(text)
        else:
            return None
    return tuple(sorted(beginnings)), frozenset(exact)


class _Guard(RoutePattern):
    """The route "" (as `path("", include(...))` makes it), matching only paths its resolver's
    patterns may match. Read once, when the first path arrives (the patterns are loaded then)."""

    resolver: URLResolver

    def __init__(self) -> None:
        super().__init__("", is_endpoint=False)
        self._known: tuple[tuple[str, ...], frozenset[str]] | None = None
        self._read = False

    def match(self, path: str) -> Any:
        if not self._read:
            self._known, self._read = _beginnings(self.resolver.url_patterns), True
        known = self._known
        if known is not None and not path.startswith(known[0]) and path not in known[1]:
            return None
        return super().match(path)


def guarded_include(arg: Any) -> URLResolver:
    """`path("", include(arg))`, passed over at once by paths it cannot match (module
    docstring)."""
    urlconf_module, app_name, namespace = include(arg)
    guard = _Guard()
    resolver = URLResolver(guard, urlconf_module, app_name=app_name, namespace=namespace)
    guard.resolver = resolver
    return resolver
