"""A row's page address, reversed once per URL name instead of once per row.

`reverse()` walks the resolver's possibilities for every call (some 70 µs); a page that links
thirty rows (a park's related panels, its grid zones) paid two milliseconds for addresses that
differ only in their id. `pk_url` reverses a name once with a stand-in id and afterwards only
puts the row's id in its place. Correct by construction: the remembered address is keyed on
everything `reverse()` reads besides the id — the name, the request's URL conf and script
prefix, and the active language — and it is kept only if it holds the stand-in exactly once
and answers the same as `reverse()` for a second id. `named_url` keeps a route without an
argument (the audit page a history panel links to) on the same key.
"""

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# An id no row has, and whose digits appear nowhere else in an address.
_STAND_IN = 987654321987
_CHECK = 13

# (name, urlconf, script prefix, language) -> (text before the id, text after it)
_SPLIT: dict[tuple, tuple[str, str]] = {}


def pk_url(viewname: str, pk: int) -> str:
    """`reverse(viewname, args=[pk])` for a route whose one argument is an `<int:…>` id."""
    head, tail = pk_url_parts(viewname)
    return f"{head}{int(pk)}{tail}"


def pk_url_parts(viewname: str) -> tuple[str, str]:
    """(the address before the id, after it) of `pk_url(viewname, …)`: for a caller making
    the address absolute once for many rows (the report list's links)."""
    key = (viewname, get_urlconf(), get_script_prefix(), get_language())
    split = _SPLIT.get(key)
    if split is None:
        url = reverse(viewname, args=[_STAND_IN])
        head, found, tail = url.partition(str(_STAND_IN))
        if not found or str(_STAND_IN) in tail:
            raise ValueError(f"{viewname} does not put its id in its address once")
        if f"{head}{_CHECK}{tail}" != reverse(viewname, args=[_CHECK]):
            raise ValueError(f"{viewname} does not take its id as written")
        split = _SPLIT[key] = (head, tail)
    return split


# (name, urlconf, script prefix, language) -> the address
_NAMED: dict[tuple, str] = {}


def named_url(viewname: str) -> str:
    """`reverse(viewname)` for a route that takes no argument (a list, a form to fill in), kept
    on the same key as `pk_url`'s: everything `reverse()` reads besides the arguments."""
    key = (viewname, get_urlconf(), get_script_prefix(), get_language())
    url = _NAMED.get(key)
    if url is None:
        url = _NAMED[key] = reverse(viewname)
    return url
